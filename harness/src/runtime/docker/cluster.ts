/**
 * The docker runtime: the same StartedCluster as the local runtime, with its nodes and its
 * Toxiproxy in containers on a user-defined network of the run (see containers.ts for the
 * wiring). `startDockerCluster` checks the engine, sweeps what dead runs left behind, makes sure
 * the images exist (building or pulling them, and saying so), then boots the cluster and waits
 * for the full mesh. `bootMs` counts from the network's creation: image builds are not boot time.
 *
 * Cleanup: every container and the network carry the run's labels (labels.ts). The end of the
 * run removes them by label, and so does SIGINT/SIGTERM (an async cleanup registered with the
 * reaper); a harness killed outright leaves them to the next run's sweep.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { StartedNetwork } from "testcontainers";
import { proxyName } from "../../faults/links.js";
import { ToxiproxyApi } from "../../toxiproxy/api.js";
import type { StartedToxiproxyServer } from "../../toxiproxy/server.js";
import { toxiproxyVersion } from "../../toxiproxy/version.js";
import type { ClusterBackend, NodeInstance } from "../backend.js";
import { bootCluster, clusterSetup, StartedCluster, type AnyClusterOptions, type ClusterSetup } from "../cluster.js";
import { kernelArgs } from "../node-process.js";
import { onInterruptCleanup } from "../reaper.js";
import { now } from "../../util/clock.js";
import { DIST_PORT, NodeContainer, nodeAlias, PROXY_PORT_BASE, startToxiproxyContainer, TOXIPROXY_ALIAS, type RunContext } from "./containers.js";
import { ContainerLog } from "./container-log.js";
import { dockerClient } from "./engine.js";
import { ensureImages, type ImageSet } from "./images.js";
import { runLabels } from "./labels.js";
import { removeRun, stuckNetworksText, sweepDockerLeftovers } from "./sweep.js";

/** Where a node container finds the run's cookie (a read-only bind mount of one file; a copy on a remote engine). */
export const COOKIE_TARGET = "/netsplit-cookie";

/**
 * The run's cookie as a file for the node containers: mode 0444 (the containers run as nobody)
 * inside a fresh 0700 folder of this user's, so no other local user reads it. The cookie is on
 * no command line and in no container's environment: the agent sets it from
 * NETSPLIT_COOKIE_FILE while distribution starts (Netsplit.Epmd), over the image's own.
 */
export function writeCookieFile(cookie: string): { dir: string; file: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "netsplit-cookie-"));
  const file = path.join(dir, "cookie");
  writeFileSync(file, cookie, { mode: 0o444 });
  return { dir, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export class DockerBackend implements ClusterBackend {
  readonly runtime = "docker";
  readonly proxyListen: ReadonlyMap<string, string>;
  private readonly containers = new Map<string, NodeContainer>();
  /** The first boots start() began (node name -> its boot): startNode hands each out once. */
  private readonly booting = new Map<string, Promise<NodeInstance>>();
  private server: StartedToxiproxyServer | undefined;
  private toxiproxyLog: ContainerLog | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly ctx: RunContext,
    private readonly setup: ClusterSetup,
    readonly images: ImageSet,
    private readonly unregisterCleanup: () => void,
    /** Removes the run's containers and network, once: shared by stop() and the interrupt cleanup. */
    private readonly removeOnce: () => Promise<void>,
    /** The run's cookie file on the host, mounted (remote engine: copied) into every node container. */
    private readonly cookieFile: string,
    /** The engine's endpoint (DOCKER_HOST, or the default socket), for the run's records. */
    readonly engine: string,
  ) {
    this.proxyListen = new Map(this.proxies().map((p) => [p.name, p.listen]));
  }

  get toxiproxy(): StartedToxiproxyServer {
    return this.server!;
  }

  /**
   * The run's network and Toxiproxy container, with every proxy created. The node containers
   * start at the same time as Toxiproxy (their routes name proxies whose ports are known
   * already; a node resolves and dials them only when it connects): startNode() hands out
   * those first boots. Not with `formation: app`: an application may dial its peers as it
   * boots, so its nodes start in startNode(), once the proxies exist.
   */
  static async start(setup: ClusterSetup, images: ImageSet): Promise<DockerBackend> {
    const { client, engine } = await dockerClient();
    const docker = client.container.dockerode;
    const labels = runLabels(setup.runId);
    // stop() and a SIGINT/SIGTERM can both ask for the removal at once (the runner stops the
    // cluster while the reaper cleans up): one removal, which both await
    let removal: Promise<void> | undefined;
    const cookie = writeCookieFile(setup.cookie);
    const removeOnce = () =>
      (removal ??= removeRun(docker, setup.runId)
        .then(({ stuck }) => void (stuck.length > 0 && process.stderr.write(`netsplit: ${stuckNetworksText(stuck)}\n`)))
        .finally(cookie.remove));
    const unregister = onInterruptCleanup(async () => void (await removeOnce()), `the containers and network of ${setup.runId}`);
    let backend: DockerBackend | undefined;
    try {
      const created = await client.network.create({ Name: setup.runId, Driver: "bridge", CheckDuplicate: true, Labels: labels });
      const ctx: RunContext = { client, network: new StartedNetwork(client, setup.runId, created), runId: setup.runId, labels, local: engine.local };
      backend = new DockerBackend(ctx, setup, images, unregister, removeOnce, cookie.file, engine.endpoint);
      backend.toxiproxyLog = new ContainerLog(setup.logDir ? path.join(setup.logDir, "toxiproxy.log") : undefined);
      const toxiproxyStarting = startToxiproxyContainer(ctx, images.toxiproxy, backend.toxiproxyLog, setup.bootTimeoutMs);
      toxiproxyStarting.catch(() => undefined); // awaited below, once the node boots are under way
      if (setup.formation === "netsplit") {
        for (const name of setup.names) {
          const boot = backend.nodeContainer(name).start();
          boot.catch(() => undefined); // awaited by startNode, or below if this start fails
          backend.booting.set(name, boot);
        }
      }
      const tp = await toxiproxyStarting;
      const url = `http://${tp.host}:${tp.apiPort}`;
      const api = new ToxiproxyApi(url);
      const stop = async () => void (await tp.started.stop({ remove: true, timeout: 0 }).catch(() => undefined));
      const toxiproxy: StartedToxiproxyServer = { url, host: tp.host, port: tp.apiPort, pid: tp.pid, version: toxiproxyVersion(await api.version(), { image: images.toxiproxy }), api, stop, [Symbol.asyncDispose]: stop };
      backend.server = toxiproxy;
      await api.populate(backend.proxies());
      return backend;
    } catch (err) {
      // the node containers being created are listed by the removal only once they exist:
      // wait for every boot begun here to end (ready or failed) before removing the run
      await Promise.allSettled(backend?.booting.values() ?? []);
      await removeOnce().catch(() => undefined);
      await backend?.closeLogs();
      unregister();
      throw err;
    }
  }

  /** Proxy `X_to_Y` listens on its own port of the Toxiproxy container and forwards to Y's alias. */
  private proxies(): { name: string; listen: string; upstream: string }[] {
    const { names } = this.setup;
    return names.flatMap((from) => names.filter((to) => to !== from).map((to) => ({ name: proxyName(from, to), to })))
      .map(({ name, to }, i) => ({ name, listen: `0.0.0.0:${PROXY_PORT_BASE + i}`, upstream: `${nodeAlias(to)}:${DIST_PORT}` }));
  }

  fullName(name: string): string {
    return `${name}@${nodeAlias(name)}`;
  }

  distPort(): number {
    return DIST_PORT;
  }

  /** NETSPLIT_ROUTES of `name`: each peer -> toxiproxy:<port of proxy name_to_peer>. */
  routes(name: string): string {
    return this.setup.names.filter((p) => p !== name)
      .map((p) => `${this.fullName(p)}=${TOXIPROXY_ALIAS}:${this.proxyListen.get(proxyName(name, p))!.split(":")[1]}`)
      .join(",");
  }

  private nodeContainer(name: string): NodeContainer {
    let c = this.containers.get(name);
    if (!c) {
      const s = this.setup;
      const codePaths = s.extraCodePaths.map((p) => path.resolve(p));
      c = new NodeContainer(this.ctx, {
        name,
        image: this.images.node,
        env: {
          ...s.nodeEnv?.({
            name,
            fullName: this.fullName(name),
            index: s.names.indexOf(name) + 1,
            distPort: DIST_PORT,
            names: s.names,
            fullNameOf: (n) => this.fullName(n),
          }),
          ...(s.formation === "app" ? { NETSPLIT_FORMATION: "app" } : {}),
          RELEASE_NODE: this.fullName(name),
          // the run's cookie is a file, never a variable or an argument (the release's script
          // puts its image's own cookie on the command line; the agent replaces it at boot)
          NETSPLIT_COOKIE_FILE: COOKIE_TARGET,
          NETSPLIT_SECRET: s.secret,
          NETSPLIT_ROUTES: this.routes(name),
          NETSPLIT_RECONNECT_MS: s.reconnectMs === null ? "off" : String(s.reconnectMs),
          ERL_FLAGS: [...kernelArgs(s.kernel), "-netsplit_run", s.runId, ...(codePaths.length ? ["-pa", ...codePaths] : [])].join(" "),
        },
        codePaths,
        mounts: s.mounts.map((m) => ({ path: path.resolve(m.path), writable: m.writable })),
        files: [{ source: this.cookieFile, target: COOKIE_TARGET }],
        bootTimeoutMs: s.bootTimeoutMs,
        logFile: s.logDir ? path.join(s.logDir, `${name}.log`) : undefined,
      });
      this.containers.set(name, c);
    }
    return c;
  }

  /** The first boot start() began, else a (re)start of the node's container. */
  startNode(name: string): Promise<NodeInstance> {
    const first = this.booting.get(name);
    this.booting.delete(name);
    return first ?? this.nodeContainer(name).start();
  }

  private async closeLogs(): Promise<void> {
    await Promise.all([this.toxiproxyLog, ...[...this.containers.values()].map((c) => c.log)].map((l) => l?.close()));
  }

  /** Nothing can be removed synchronously: the reaper runs this run's async cleanup on a signal. */
  abortSync(): void {}

  /** Removes every container and the network of the run (by label), and flushes the logs. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.removeOnce().catch(() => undefined);
      await this.closeLogs();
      this.unregisterCleanup();
    })();
    return this.stopping;
  }
}

/** Starts a cluster on the docker runtime; see the header. Cleans up if anything fails. */
export async function startDockerCluster(options: AnyClusterOptions): Promise<StartedCluster> {
  const progress = options.progress ?? (() => undefined);
  const setup = clusterSetup(options);
  const { client, engine } = await dockerClient();
  const swept = await sweepDockerLeftovers(client.container.dockerode);
  if (swept.containers.length + swept.networks.length > 0) {
    progress(`docker: removed what earlier runs left behind: ${[...swept.containers, ...swept.networks].join(", ")}`);
  }
  if (swept.stuck.length > 0) progress(`docker: ${stuckNetworksText(swept.stuck)}`);
  const { set } = await ensureImages({ progress });
  progress(`docker: engine ${engine.serverVersion} (${engine.storageDriver}) at ${engine.endpoint}; images ${set.node}, ${set.toxiproxy}`);
  const bootStart = now();
  const backend = await DockerBackend.start(setup, set);
  return bootCluster(backend, setup, bootStart);
}
