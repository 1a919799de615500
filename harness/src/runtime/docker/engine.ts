/**
 * Finding the Docker engine. `probeDockerEngine` asks the engine for /info directly (a few ms,
 * no testcontainers), so callers can say precisely why there is no engine (tests skip with that
 * sentence). `dockerClient` then hands out testcontainers' client, after setting two defaults
 * that testcontainers reads once:
 *   - TESTCONTAINERS_RYUK_DISABLED=true: netsplit removes its containers by label itself
 *     (labels.ts, sweep.ts), and the Ryuk image would have to be pulled.
 *   - TESTCONTAINERS_HOST_OVERRIDE=localhost when the engine runs on this very machine (unix
 *     socket, engine name = our hostname): testcontainers otherwise takes a /.dockerenv file as
 *     proof that it runs in a container and looks for mapped ports on a gateway address.
 * Both are only defaults: values set by the user win.
 */
import http from "node:http";
import os from "node:os";
import type { ContainerRuntimeClient } from "testcontainers";
import { PrerequisiteError } from "../../errors.js";

export interface DockerEngineInfo {
  /** "unix:///var/run/docker.sock" or the DOCKER_HOST in use. */
  endpoint: string;
  serverVersion: string;
  /** The engine's host name. */
  name: string;
  storageDriver: string;
  /** The engine runs on this machine (its mapped ports are on localhost). */
  local: boolean;
}

type Endpoint = { socketPath: string } | { host: string; port: number } | null;

/** The engine used when DOCKER_HOST is not set. */
export const DEFAULT_DOCKER_ENGINE = "unix:///var/run/docker.sock";

function endpointOf(dockerHost: string | undefined): { text: string; target: Endpoint } {
  const text = dockerHost && dockerHost !== "" ? dockerHost : DEFAULT_DOCKER_ENGINE;
  if (text.startsWith("unix://")) return { text, target: { socketPath: text.slice("unix://".length) } };
  const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(text);
  if (tcp && !process.env.DOCKER_TLS_VERIFY) return { text, target: { host: tcp[1]!, port: Number(tcp[2]) } };
  return { text, target: null };
}

function getJson(target: Exclude<Endpoint, null>, path: string, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = http.get({ ...target, path, timeout: timeoutMs, headers: { host: "docker" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${path} answered ${res.statusCode}: ${body.slice(0, 200)}`));
        try {
          resolve(JSON.parse(body) as Record<string, unknown>);
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

/** Asks the engine who it is; throws PrerequisiteError("docker_unavailable") saying why not. */
export async function probeDockerEngine(timeoutMs = 3000): Promise<DockerEngineInfo> {
  const { text, target } = endpointOf(process.env.DOCKER_HOST);
  if (target === null) {
    // ssh://, TLS, npipe: testcontainers knows how to reach those; we cannot probe them cheaply
    return { endpoint: text, serverVersion: "?", name: "?", storageDriver: "?", local: false };
  }
  let info: Record<string, unknown>;
  try {
    info = await getJson(target, "/info", timeoutMs);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new PrerequisiteError(
      "docker_unavailable",
      `no Docker engine answers at ${text} (${why}): start one (Debian: apt-get install docker.io; dockerd --storage-driver=overlay2 &) or set DOCKER_HOST`,
    );
  }
  const name = String(info.Name ?? "?");
  return {
    endpoint: text,
    serverVersion: String(info.ServerVersion ?? "?"),
    name,
    storageDriver: String(info.Driver ?? "?"),
    local: "socketPath" in target && name === os.hostname(),
  };
}

/** Null when an engine answers, else the sentence saying why not (for skipped tests). */
export async function dockerUnavailableReason(): Promise<string | null> {
  try {
    await probeDockerEngine();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

let client: Promise<{ client: ContainerRuntimeClient; engine: DockerEngineInfo }> | undefined;

/** testcontainers' client for the engine (probed first, see the header); one per process. */
export function dockerClient(): Promise<{ client: ContainerRuntimeClient; engine: DockerEngineInfo }> {
  client ??= (async () => {
    const engine = await probeDockerEngine();
    process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
    if (engine.local) process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "localhost";
    const { getContainerRuntimeClient } = await import("testcontainers");
    return { client: await getContainerRuntimeClient(), engine };
  })();
  client.catch(() => (client = undefined));
  return client;
}

/** The engine's dockerode instance (pause, kill, import, build, list by label). */
export type Dockerode = ContainerRuntimeClient["container"]["dockerode"];
