/**
 * `--runtime docker` on a remote engine (DOCKER_HOST=tcp://...), tested on one machine: a second
 * dockerd runs in a network namespace of its own (scripts/docker-netns.sh), reachable only at
 * 10.250.0.2, its container networks not routable from here. The real `netsplit` executable runs
 * with DOCKER_HOST pointing at it and must:
 * - build its images there (the base image is loaded from this machine's engine, as a registry
 *   would provide it; Toxiproxy's and the node's are built by `netsplit images --local` on it);
 * - reach Toxiproxy's API and every agent at ports published on 10.250.0.2 (results.json says
 *   where), never at a container IP or 127.0.0.1, and give the same verdicts as local processes;
 * - copy, not bind-mount, the cookie and an application's folders (examples/jobs) into the nodes;
 * - create nothing on this machine's own engine;
 * - when SIGKILLed, leave its containers there, labelled, for the next run's sweep to remove.
 * Skipped, with the reason in the test name, unless root with ip, nsenter, dockerd and docker, an
 * engine here, and its netsplit/base image (`netsplit images --local`). About 55 s on 2 cores.
 *
 *   npx vitest run harness/src/runtime/docker/remote.int.test.ts
 *   scripts/docker-netns.sh up|down    (the engine by hand: DOCKER_HOST=tcp://10.250.0.2:2375)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunResults } from "../../report/results.js";
import { runScenario } from "../../runner/run.js";
import { loadScenarioFile, unwrapScenario } from "../../scenario/load.js";
import { startNetsplit, type CliRun } from "../../testing/cli-process.js";
import { REPO_ROOT } from "../../util/paths.js";
import { debianSource } from "./base-image.js";
import { dockerClient, dockerUnavailableReason, type Dockerode } from "./engine.js";
import { baseImage } from "./images.js";
import { LABEL } from "./labels.js";
import { JOBS_EXAMPLE } from "../../testing/examples.js";

const SCRIPT = path.join(REPO_ROOT, "scripts", "docker-netns.sh");
const ENGINE_HOST = "10.250.0.2";
const REMOTE = `tcp://${ENGINE_HOST}:2375`;
const BASE = baseImage(debianSource().suite);

const has = (cmd: string) => !spawnSync(cmd, ["--version"]).error;

async function skipReason(): Promise<string | null> {
  if (process.getuid?.() !== 0) return "needs root (ip netns, a second dockerd)";
  const missing = ["ip", "nsenter", "dockerd", "docker"].filter((c) => !has(c));
  if (missing.length) return `needs ${missing.join(", ")} (apt-get install iproute2 util-linux docker.io)`;
  const engine = await dockerUnavailableReason();
  if (engine) return `needs a Docker engine on this machine: ${engine}`;
  const docker = (await dockerClient()).client.container.dockerode;
  if (!(await docker.getImage(BASE).inspect().then(() => true, () => false))) return `needs ${BASE} on this machine's engine: run \`netsplit images --local\``;
  return null;
}

const skip = await skipReason();
const dir = mkdtempSync(path.join(tmpdir(), "netsplit-remote-"));
let main: Dockerode;
/** The children's environment: the remote engine, and none of the defaults this process set for the local one. */
const remoteEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: REMOTE };
  delete env.TESTCONTAINERS_HOST_OVERRIDE;
  delete env.TESTCONTAINERS_RYUK_DISABLED;
  return env;
};

function netns(action: "up" | "down"): string {
  const r = spawnSync("bash", [SCRIPT, action], { encoding: "utf8", timeout: 90_000 });
  if (r.status !== 0) throw new Error(`scripts/docker-netns.sh ${action} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** One call to the remote engine's API. */
function remote(method: string, pathAndQuery: string, body?: NodeJS.ReadableStream): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: ENGINE_HOST, port: 2375, method, path: pathAndQuery, timeout: 60_000, headers: body ? { "content-type": "application/x-tar" } : {} }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${pathAndQuery}: no answer`)));
    req.on("error", reject);
    if (body) body.pipe(req);
    else req.end();
  });
}

async function remoteJson<T>(pathAndQuery: string): Promise<T> {
  const r = await remote("GET", pathAndQuery);
  if (r.status !== 200) throw new Error(`GET ${pathAndQuery} answered ${r.status}: ${r.text}`);
  return JSON.parse(r.text) as T;
}

interface Listed {
  Id: string;
  Names?: string[];
  Name?: string;
  Labels: Record<string, string> | null;
}

const byLabel = (label: string) => encodeURIComponent(JSON.stringify({ label: [label] }));
const ownedBy = (pid: number) => (x: Listed) => x.Labels?.[LABEL.owner]?.split("/")[1] === String(pid);

/** The remote engine's containers and networks of harness process `pid`. */
async function remoteOwnedBy(pid: number): Promise<{ containers: Listed[]; networks: Listed[] }> {
  const containers = (await remoteJson<Listed[]>(`/containers/json?all=1&filters=${byLabel(`${LABEL.netsplit}=1`)}`)).filter(ownedBy(pid));
  const networks = (await remoteJson<Listed[]>(`/networks?filters=${byLabel(`${LABEL.netsplit}=1`)}`)).filter(ownedBy(pid));
  return { containers, networks };
}

interface EngineEvent {
  Type: string;
  Action: string;
  Actor: { Attributes: Record<string, string> };
}

/** Container events of harness process `pid` between `since` and now (s), on the remote engine and on this machine's. */
async function eventsOf(pid: number, since: number): Promise<{ remote: EngineEvent[]; main: EngineEvent[] }> {
  const until = Math.ceil(Date.now() / 1000);
  const query = `since=${since}&until=${until}&filters=${byLabel(`${LABEL.netsplit}=1`)}`;
  const mine = (e: EngineEvent) => e.Actor.Attributes[LABEL.owner]?.split("/")[1] === String(pid);
  const parse = (text: string) => text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as EngineEvent).filter(mine);
  const remoteEvents = parse((await remote("GET", `/events?${query}`)).text);
  const stream = await main.getEvents({ since, until, filters: { label: [`${LABEL.netsplit}=1`] } });
  let text = "";
  for await (const chunk of stream as AsyncIterable<Buffer>) text += chunk.toString();
  return { remote: remoteEvents, main: parse(text) };
}

/** Whether a TCP connection to host:port opens within `ms` (the error code when it does not). */
function connects(host: string, port: number, ms = 2000): Promise<true | string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: ms });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("timeout", () => {
      s.destroy();
      resolve("timeout");
    });
    s.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

function resultsOf(run: CliRun): RunResults {
  const runDir = /verdict: \w+\s+\((.+)\)/.exec(run.out)?.[1];
  if (!runDir) throw new Error(`no run directory in the output:\n${run.out}${run.err}`);
  return JSON.parse(readFileSync(path.join(runDir, "results.json"), "utf8")) as RunResults;
}

const checksOf = (r: { checks: { name: string; verdict: string }[] }) => r.checks.map((c) => `${c.name}: ${c.verdict}`);

/** The harness reached every part at the engine host's published ports (results.json). */
function expectReachedAtEngineHost(results: RunResults): void {
  expect(results.runtime?.name).toBe("docker");
  expect(results.runtime?.engine).toBe(REMOTE);
  expect(results.runtime?.toxiproxy_api).toMatch(new RegExp(`^http://${ENGINE_HOST.replaceAll(".", "\\.")}:\\d+$`));
  const control = Object.values(results.runtime?.control ?? {});
  expect(control.length).toBe(results.nodes.length);
  for (const c of control) expect(c).toMatch(new RegExp(`^${ENGINE_HOST.replaceAll(".", "\\.")}:\\d+$`));
}

const runRemote = (args: string[], timeoutMs = 120_000) => startNetsplit(["run", ...args, "--runtime", "docker", "--out", path.join(dir, "runs")], { env: remoteEnv(), timeoutMs });

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

describe.skipIf(skip !== null)("a remote Docker engine (a second dockerd in its own network namespace)", () => {
  beforeAll(async () => {
    main = (await dockerClient()).client.container.dockerode;
    let t0 = Date.now();
    netns("down"); // a fresh engine, whatever an earlier session left: every image is made anew
    netns("up");
    console.log(`remote engine up in ${seconds(Date.now() - t0)}`);
    // the base image, as a registry would provide it: this machine's, saved and loaded there
    t0 = Date.now();
    const saved = (await main.getImage(BASE).get()) as NodeJS.ReadableStream;
    const loaded = await remote("POST", "/images/load?quiet=1", saved);
    if (loaded.status !== 200 || /"error/.test(loaded.text)) throw new Error(`loading ${BASE} failed (${loaded.status}): ${loaded.text}`);
    console.log(`${BASE} loaded into the remote engine in ${seconds(Date.now() - t0)}`);
    // the others are built on that engine, by netsplit itself
    t0 = Date.now();
    const images = await startNetsplit(["images", "--local"], { env: remoteEnv(), timeoutMs: 240_000 }).done;
    expect(images.code, images.out + images.err).toBe(0);
    expect(images.out).toMatch(/netsplit\/toxiproxy:\S+ +built/);
    expect(images.out).toMatch(/netsplit\/node:[0-9a-f]+ +built/);
    console.log(`images built on the remote engine in ${seconds(Date.now() - t0)}`);
  }, 300_000);

  afterAll(() => {
    // always, also when a test failed: the engine, its containers, data, namespace and veth go
    netns("down");
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("a SIGKILLed run leaves its containers there, labelled; only the published ports answer; the next run's sweep removes them", async () => {
    const scenario = path.join(dir, "long.yaml");
    writeFileSync(scenario, "netsplit: 1\nname: remote-killed\ncluster: { nodes: 3 }\nsteps:\n  - wait: 60s\n");
    const killed = runRemote([scenario]);
    await killed.until(/cluster of 3 ready/, 90_000);
    expect((await remoteOwnedBy(killed.run.pid)).containers).toHaveLength(4);
    killed.kill("SIGKILL");
    await killed.done;

    const left = await remoteOwnedBy(killed.run.pid);
    expect(left.containers.map((c) => c.Labels?.[LABEL.role]).sort()).toEqual(["node", "node", "node", "toxiproxy"]);
    expect(left.networks).toHaveLength(1);
    const runId = left.containers[0]!.Labels![LABEL.run]!;
    expect(left.containers.every((c) => c.Labels?.[LABEL.run] === runId)).toBe(true);
    const onMain = await main.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL.run}=${runId}`] }) });
    expect(onMain).toEqual([]);

    // the routing the harness depends on: Toxiproxy's API answers at the engine host's published
    // port, while its container IP is not routable from here and nothing is published on loopback
    const toxiproxy = left.containers.find((c) => c.Labels?.[LABEL.role] === "toxiproxy")!;
    const info = await remoteJson<{ NetworkSettings: { Networks: Record<string, { IPAddress: string }>; Ports: Record<string, { HostPort: string }[] | null> } }>(`/containers/${toxiproxy.Id}/json`);
    const ip = info.NetworkSettings.Networks[runId]!.IPAddress;
    const published = Number(info.NetworkSettings.Ports["8474/tcp"]![0]!.HostPort);
    expect(ip).toMatch(/^10\.25[12]\./);
    expect(await connects(ip, 8474)).not.toBe(true);
    expect(await connects(ENGINE_HOST, published)).toBe(true);

    // the next run on that engine removes them (a harness of this machine that is no longer alive)
    const since = Math.floor(Date.now() / 1000);
    const next = await runRemote([path.join(REPO_ROOT, "scenarios", "global-name-conflict.yaml")]).done;
    expect(next.out).toMatch(new RegExp(`docker: removed what earlier runs left behind: .*${runId}-n1`));
    expect(await remoteOwnedBy(killed.run.pid)).toEqual({ containers: [], networks: [] });
    // and the run itself: the same verdicts as on local processes, every part reached on the engine host
    const results = resultsOf(next);
    expectReachedAtEngineHost(results);
    const local = await runScenario(unwrapScenario(await loadScenarioFile(path.join(REPO_ROOT, "scenarios", "global-name-conflict.yaml"))), { runtime: "local", outDir: path.join(dir, "local"), progress: () => undefined });
    expect(checksOf(results), next.out).toEqual(checksOf(local.results));
    expect([results.verdict, local.results.verdict]).toEqual(["pass", "pass"]);
    expect(next.code).toBe(0);
    const events = await eventsOf(next.pid, since);
    expect(events.remote.filter((e) => e.Type === "container" && e.Action === "create")).toHaveLength(4);
    expect(events.main).toEqual([]);
  }, 180_000);

  it("scenarios/no-auto-heal.yaml: the same verdicts as on local processes, nothing on this machine's engine, nothing left there", async () => {
    const file = path.join(REPO_ROOT, "scenarios", "no-auto-heal.yaml");
    const since = Math.floor(Date.now() / 1000);
    const run = await runRemote([file]).done;
    expect(run.out).toMatch(new RegExp(`docker: engine \\S+ \\(overlay2\\) at ${REMOTE}`));
    const results = resultsOf(run);
    expectReachedAtEngineHost(results);
    const local = await runScenario(unwrapScenario(await loadScenarioFile(file)), { runtime: "local", outDir: path.join(dir, "local"), progress: () => undefined });
    expect(checksOf(results), run.out).toEqual(checksOf(local.results));
    expect([results.verdict, local.results.verdict]).toEqual(["pass", "pass"]);
    const events = await eventsOf(run.pid, since);
    expect(events.remote.filter((e) => e.Type === "container" && e.Action === "create")).toHaveLength(5);
    expect(events.main).toEqual([]);
    expect(await remoteOwnedBy(run.pid)).toEqual({ containers: [], networks: [] });
  }, 120_000);

  it("an application under test (examples/jobs) runs from copies: no bind mount, the cookie readable by the node, the app's code loaded, an extra code path there", async () => {
    // an extra code path outside the project (what --horde-path gives), copied on its own
    const extra = path.join(dir, "extra", "ebin");
    mkdirSync(extra, { recursive: true });
    const marker = path.join(extra, "netsplit_remote_marker.app");
    writeFileSync(marker, '{application, netsplit_remote_marker, [{vsn, "1"}, {modules, []}, {registered, []}, {applications, [kernel, stdlib]}]}.\n');
    const scenario = path.join(dir, "jobs-remote.yaml");
    writeFileSync(scenario, `netsplit: 1
name: jobs-remote
cluster:
  nodes: 3
  reconnect: { interval_ms: 500 }
  app:
    mix: ${JSON.stringify(JOBS_EXAMPLE)}
    compile: true
    config: { jobs: { variant: fixed } }
    env: { JOBS_NODES: "{nodes}" }
    ready: { call: "Jobs.ready?/0", timeout: 30s }
steps:
  - wait: { until: { call: "Jobs.ready?/0", on: all }, timeout: 20s }
  - check: { invariant: { call: "File.read/1", args: ["/netsplit-cookie"], on: all } }
  - check: { invariant: { call: "File.regular?/1", args: [${JSON.stringify(marker)}], on: all } }
checks:
  - invariant: { call: "Jobs.Check.single_coordinator/0", on: all, within: 10s }
`);
    const started = runRemote([scenario, "--horde-path", extra]);
    await started.until(/cluster of 3 ready/, 90_000);
    const nodes = (await remoteOwnedBy(started.run.pid)).containers.filter((c) => c.Labels?.[LABEL.role] === "node");
    expect(nodes).toHaveLength(3);
    for (const n of nodes) {
      const info = await remoteJson<{ Mounts: unknown[]; HostConfig: { Binds: string[] | null } }>(`/containers/${n.Id}/json`);
      expect(info.Mounts).toEqual([]);
      expect(info.HostConfig.Binds ?? []).toEqual([]);
    }
    const run = await started.done;
    const results = resultsOf(run);
    expect(checksOf(results), run.out).toEqual(["invariant: pass", "invariant: pass", "invariant: pass"]);
    expect(run.code).toBe(0);
    expectReachedAtEngineHost(results);
    expect(await remoteOwnedBy(run.pid)).toEqual({ containers: [], networks: [] });
  }, 150_000);
});

if (skip) {
  describe("a remote Docker engine", () => {
    it.skip(`skipped: ${skip}`, () => undefined);
  });
}
