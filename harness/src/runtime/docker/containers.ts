/**
 * The containers of a docker run, started through testcontainers on the run's network:
 *
 *   harness ──mapped port──▶ toxiproxy:8474 (API)
 *   harness ──mapped port──▶ nX.netsplit:7000 (agent control, per-run secret)
 *   nX ──▶ toxiproxy:<port of proxy nX_to_nY> ──▶ nY.netsplit:9100 (Erlang distribution)
 *
 * Mapped ports are bound to 127.0.0.1 when the engine runs on this machine (the Toxiproxy API
 * has no authentication). Images are never pulled here: `ensureImages` has made sure they exist.
 *
 * A remote engine (any engine that is not on this machine: DOCKER_HOST=tcp://...) publishes the
 * ports on every interface of its host, and the harness reaches them at the engine's address
 * (testcontainers' getHost(), the host of DOCKER_HOST), never at a container IP or 127.0.0.1.
 * Host paths do not exist there, so what a local engine bind-mounts is copied into each node
 * container before it starts: the run's cookie (a root-owned 0444 file the container's user,
 * nobody, can read), the extra code paths and the application's folders. Whatever a node writes
 * into a copied folder stays in its container and goes with it at the end of the run.
 */
import http from "node:http";
import { GenericContainer, Wait, type ContainerRuntimeClient, type StartedNetwork, type StartedTestContainer, type WaitStrategy } from "testcontainers";
import { ProcessError } from "../../errors.js";
import type { NodeExit, NodeInstance } from "../backend.js";
import { ContainerLog } from "./container-log.js";
import type { Dockerode } from "./engine.js";
import { LABEL } from "./labels.js";

export const CONTROL_PORT = 7000;
export const DIST_PORT = 9100;
export const TOXIPROXY_API_PORT = 8474;
export const TOXIPROXY_ALIAS = "toxiproxy";
/** Proxy listen ports inside the Toxiproxy container: PROXY_PORT_BASE + index of the proxy. */
export const PROXY_PORT_BASE = 20000;
export const nodeAlias = (name: string) => `${name}.netsplit`;

const READY = /netsplit-agent ready control_port=\d+/;

/** What every container of a run shares. */
export interface RunContext {
  client: ContainerRuntimeClient;
  network: StartedNetwork;
  runId: string;
  labels: Record<string, string>;
  /**
   * The engine runs on this machine: mapped ports are bound to 127.0.0.1 and host folders are
   * bind-mounted. Otherwise (a remote engine) ports are published on the engine host and the
   * folders are copied into the containers.
   */
  local: boolean;
}

/**
 * A GenericContainer on the run's network alone, under its alias, whose mapped ports can be
 * restricted to loopback. The alias goes into the create request: testcontainers' own
 * withNetworkAliases creates the container on the engine's default bridge and then connects it
 * to the network as well, so every container would also sit on that bridge, with every other
 * run's containers (and cost one more endpoint, and one more request, to start).
 */
class RunContainer extends GenericContainer {
  constructor(image: string, private readonly loopback: boolean, network: StartedNetwork, alias: string) {
    super(image);
    this.withPullPolicy({ shouldPull: () => false });
    this.withNetwork(network);
    this.createOpts.NetworkingConfig = { EndpointsConfig: { [network.getName()]: { Aliases: [alias] } } };
  }

  protected override async beforeContainerCreated(): Promise<void> {
    if (!this.loopback) return;
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as Array<Array<{ HostIp?: string }>>) {
      for (const b of bindings) b.HostIp = "127.0.0.1";
    }
  }
}

function container(ctx: RunContext, image: string, name: string, alias: string, labels: Record<string, string>): RunContainer {
  return new RunContainer(image, ctx.local, ctx.network, alias)
    .withName(name)
    .withLabels({ ...ctx.labels, ...labels });
}

function hostOf(ctx: RunContext, started: StartedTestContainer): string {
  return ctx.local ? "127.0.0.1" : started.getHost();
}

export interface StartedToxiproxyContainer {
  started: StartedTestContainer;
  host: string;
  apiPort: number;
  pid: number;
}

/** A wait strategy that waits for nothing: the caller waits its own way once start() returns. */
class NoWait implements WaitStrategy {
  private timeoutMs = 0;
  async waitUntilReady(): Promise<void> {}
  withStartupTimeout(ms: number): this {
    this.timeoutMs = ms;
    return this;
  }
  isStartupTimeoutSet(): boolean {
    return true;
  }
  getStartupTimeout(): number {
    return this.timeoutMs;
  }
}

/**
 * What a container whose start failed printed, when testcontainers gave up before it attached
 * the log consumer (a container that exits at once: it waits 10 s for its ports, then throws
 * without its output). At most `waitMs`; nothing if the container is gone.
 */
async function readFailedOutput(ctx: RunContext, name: string, log: ContainerLog, waitMs = 1000): Promise<void> {
  if (log.followed) return;
  try {
    const stream = await ctx.client.container.logs(ctx.client.container.getById(name));
    log.follow(stream);
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      for (const e of ["end", "close", "error"]) stream.on(e, () => resolve(clearTimeout(timer)));
    });
  } catch {
    // removed already: no output to show
  }
}

/** One GET, true on any HTTP 200 within `timeoutMs`, false on anything else (refused, reset, timeout). */
function answers(host: string, port: number, urlPath: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: urlPath, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200));
      res.on("error", () => resolve(false));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

/** How often the Toxiproxy API is asked while it starts (testcontainers' HTTP wait asks once a second). */
const API_POLL_MS = 25;

/**
 * Starts Toxiproxy (API on 8474, metrics on) and waits for its API to answer GET /version
 * (asked every API_POLL_MS; if the container has exited, that is said at once rather than at
 * the timeout).
 */
export async function startToxiproxyContainer(ctx: RunContext, image: string, log: ContainerLog, timeoutMs: number): Promise<StartedToxiproxyContainer> {
  const name = `${ctx.runId}-toxiproxy`;
  const deadline = Date.now() + timeoutMs;
  try {
    const started = await container(ctx, image, name, TOXIPROXY_ALIAS, { [LABEL.role]: "toxiproxy" })
      .withCommand(["-host=0.0.0.0", "-proxy-metrics"])
      .withExposedPorts(TOXIPROXY_API_PORT)
      .withLogConsumer((stream) => log.follow(stream))
      .withWaitStrategy(new NoWait())
      .withStartupTimeout(timeoutMs)
      .start();
    const host = hostOf(ctx, started);
    const apiPort = started.getMappedPort(TOXIPROXY_API_PORT);
    const inspect = () => ctx.client.container.inspect(ctx.client.container.getById(started.getId()));
    let info = await inspect();
    for (let attempt = 1; !(await answers(host, apiPort, "/version", 2000)); attempt++) {
      if (attempt % 20 === 0) {
        info = await inspect();
        if (!info.State.Running) throw new Error(`it exited (status ${info.State.ExitCode})`);
      }
      if (Date.now() > deadline) throw new Error(`its API (${host}:${apiPort}) did not answer GET /version within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, API_POLL_MS));
    }
    return { started, host, apiPort, pid: info.State.Pid };
  } catch (err) {
    await readFailedOutput(ctx, name, log);
    throw new ProcessError("toxiproxy_container_failed", `the Toxiproxy container ${name} (image ${image}) did not start: ${(err as Error).message}. Its last output:\n${log.tail()}`, { cause: err });
  }
}

/** One boot of a node container. */
class DockerNode implements NodeInstance {
  readonly exited: Promise<NodeExit>;

  constructor(
    private readonly docker: Dockerode,
    readonly containerId: string,
    readonly pid: number,
    readonly controlHost: string,
    readonly controlPort: number,
  ) {
    this.exited = docker.getContainer(containerId).wait()
      .then((r: { StatusCode: number }) => ({ code: r.StatusCode, signal: r.StatusCode === 137 ? "SIGKILL" : null }))
      .catch(() => ({ code: null, signal: null }));
  }

  private get c() {
    return this.docker.getContainer(this.containerId);
  }

  async kill(): Promise<void> {
    await this.c.kill({ signal: "SIGKILL" }).catch(notRunningIsFine);
    await this.exited;
  }

  async stop(graceMs: number): Promise<void> {
    await this.c.stop({ t: Math.max(1, Math.ceil(graceMs / 1000)) }).catch(notRunningIsFine);
    await this.exited;
  }

  async pause(): Promise<void> {
    await this.c.pause();
  }

  async resume(): Promise<void> {
    await this.c.unpause();
  }
}

function notRunningIsFine(err: unknown): void {
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 304 || (status === 409 && /not running/.test(String((err as Error).message)))) return;
  throw err;
}

export interface NodeContainerSpec {
  name: string;
  image: string;
  env: Record<string, string>;
  /** Host folders mounted read-only at the same path (extra code paths such as Horde's); copied on a remote engine. */
  codePaths: readonly string[];
  /** Host folders mounted at the same path (an application under test: its project, the nodes' scratch folders); copied on a remote engine. */
  mounts: readonly { path: string; writable: boolean }[];
  /** Single host files mounted read-only at `target` (the run's cookie); copied (mode 0444) on a remote engine. */
  files?: readonly { source: string; target: string }[];
  bootTimeoutMs: number;
  logFile: string | undefined;
}

/**
 * The spec's host folders and files at the same paths in the container: bind mounts on a local
 * engine; on a remote one, copies made when the container is created (before it starts), with
 * the files' own modes, owned by root (the folders a code path lies in are only copied once).
 */
function withHostPaths(ctx: RunContext, spec: NodeContainerSpec, c: RunContainer): RunContainer {
  const codePaths = spec.codePaths.filter((p) => !spec.mounts.some((m) => p === m.path || p.startsWith(`${m.path}/`)));
  const files = spec.files ?? [];
  if (ctx.local) {
    return c.withBindMounts([
      ...codePaths.map((p) => ({ source: p, target: p, mode: "ro" as const })),
      ...spec.mounts.map((m) => ({ source: m.path, target: m.path, mode: m.writable ? ("rw" as const) : ("ro" as const) })),
      ...files.map((f) => ({ source: f.source, target: f.target, mode: "ro" as const })),
    ]);
  }
  return c
    .withCopyDirectoriesToContainer([...codePaths, ...spec.mounts.map((m) => m.path)].map((p) => ({ source: p, target: p })))
    // 0444: the containers run as nobody, and the file is root's, so only read
    .withCopyFilesToContainer(files.map((f) => ({ source: f.source, target: f.target, mode: 0o444 })));
}

/** A node's container over the whole run: created at the first start, started again after a stop or kill. */
export class NodeContainer {
  private started: StartedTestContainer | undefined;
  readonly log: ContainerLog;
  readonly containerName: string;

  constructor(private readonly ctx: RunContext, private readonly spec: NodeContainerSpec) {
    this.log = new ContainerLog(spec.logFile);
    this.containerName = `${ctx.runId}-${spec.name}`;
  }

  async start(): Promise<NodeInstance> {
    const { ctx, spec } = this;
    const docker = ctx.client.container.dockerode;
    let failure: unknown;
    if (!this.started) {
      try {
        this.started = await withHostPaths(ctx, spec, container(ctx, spec.image, this.containerName, nodeAlias(spec.name), { [LABEL.role]: "node", [LABEL.node]: spec.name }))
          .withEnvironment(spec.env)
          .withExposedPorts(CONTROL_PORT)
          .withLogConsumer((stream) => this.log.follow(stream))
          .withWaitStrategy(Wait.forLogMessage(READY))
          .withStartupTimeout(spec.bootTimeoutMs)
          .start();
      } catch (err) {
        failure = err;
      }
    } else {
      try {
        await this.started.restart({ timeout: 0 });
      } catch (err) {
        failure = err;
      }
      // the follow stream of the previous boot ended with it; read this boot's output from its start
      const info = await docker.getContainer(this.started.getId()).inspect().catch(() => undefined);
      const since = info ? Date.parse(info.State.StartedAt) / 1000 : 0;
      this.log.follow(await ctx.client.container.logs(ctx.client.container.getById(this.started.getId()), { since }));
    }
    if (failure !== undefined) {
      await readFailedOutput(ctx, this.containerName, this.log);
      await new Promise((r) => setTimeout(r, 200)); // let the last output arrive
      throw new ProcessError("node_boot_failed", `node ${spec.name} (container ${this.containerName}, image ${spec.image}) did not report ready: ${(failure as Error).message}. Its last output:\n${this.log.tail()}`, { cause: failure });
    }
    const started = this.started!;
    const info = await docker.getContainer(started.getId()).inspect();
    return new DockerNode(docker, started.getId(), info.State.Pid, hostOf(ctx, started), started.getMappedPort(CONTROL_PORT));
  }
}
