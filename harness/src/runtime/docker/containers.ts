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
import { GenericContainer, Wait, type ContainerRuntimeClient, type StartedNetwork, type StartedTestContainer } from "testcontainers";
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

/** A GenericContainer whose mapped ports can be restricted to loopback. */
class RunContainer extends GenericContainer {
  constructor(image: string, private readonly loopback: boolean) {
    super(image);
    this.withPullPolicy({ shouldPull: () => false });
  }

  protected override async beforeContainerCreated(): Promise<void> {
    if (!this.loopback) return;
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as Array<Array<{ HostIp?: string }>>) {
      for (const b of bindings) b.HostIp = "127.0.0.1";
    }
  }
}

function container(ctx: RunContext, image: string, name: string, alias: string, labels: Record<string, string>): RunContainer {
  return new RunContainer(image, ctx.local)
    .withName(name)
    .withNetwork(ctx.network)
    .withNetworkAliases(alias)
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
  log: ContainerLog;
}

/** Starts Toxiproxy (API on 8474, metrics on) and waits for its API to answer. */
export async function startToxiproxyContainer(ctx: RunContext, image: string, logFile: string | undefined, timeoutMs: number): Promise<StartedToxiproxyContainer> {
  const log = new ContainerLog(logFile);
  const name = `${ctx.runId}-toxiproxy`;
  try {
    const started = await container(ctx, image, name, TOXIPROXY_ALIAS, { [LABEL.role]: "toxiproxy" })
      .withCommand(["-host=0.0.0.0", "-proxy-metrics"])
      .withExposedPorts(TOXIPROXY_API_PORT)
      .withLogConsumer((stream) => log.follow(stream))
      .withWaitStrategy(Wait.forHttp("/version", TOXIPROXY_API_PORT))
      .withStartupTimeout(timeoutMs)
      .start();
    const info = await ctx.client.container.inspect(ctx.client.container.getById(started.getId()));
    return { started, host: hostOf(ctx, started), apiPort: started.getMappedPort(TOXIPROXY_API_PORT), pid: info.State.Pid, log };
  } catch (err) {
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
      await new Promise((r) => setTimeout(r, 200)); // let the last output arrive
      throw new ProcessError("node_boot_failed", `node ${spec.name} (container ${this.containerName}, image ${spec.image}) did not report ready: ${(failure as Error).message}. Its last output:\n${this.log.tail()}`, { cause: failure });
    }
    const started = this.started!;
    const info = await docker.getContainer(started.getId()).inspect();
    return new DockerNode(docker, started.getId(), info.State.Pid, hostOf(ctx, started), started.getMappedPort(CONTROL_PORT));
  }
}
