/**
 * The local runtime: a toxiproxy-server process and one `erl` child process per node, all on
 * loopback. Every node has a fixed distribution port; proxy `X_to_Y` listens on a port chosen
 * by Toxiproxy and forwards to Y's distribution port. The nodes are spawned before Toxiproxy is
 * up and get their routes (the proxies' ports) on stdin once it is, so both start together.
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { proxyName } from "../faults/links.js";
import { startToxiproxyServer, type StartedToxiproxyServer } from "../toxiproxy/server.js";
import { reserveFixedPorts, type PortReservation } from "../util/ports.js";
import type { ClusterBackend, NodeExit, NodeInstance } from "./backend.js";
import { bootCluster, clusterSetup, type ClusterOptions, type NodeIdentity, type StartedCluster } from "./cluster.js";
import { sweepLeftovers } from "./reaper.js";
import { now } from "../util/clock.js";
import { removeNodeHome } from "./node-home.js";
import { appLaunch, checkAppProcess, startRunEpmd, type AppProcessOptions, type RunEpmd } from "./app-process.js";
import { sendRoutes, signalNode, startNodeProcess, type KernelFlags, type NodeProcessSpec, type RunningNodeProcess } from "./node-process.js";

export const LOCAL_HOST = "127.0.0.1";

export interface LocalBackendOptions {
  names: readonly string[];
  kernel: KernelFlags;
  reconnectMs: number | null;
  cookie: string;
  secret: string;
  runId: string;
  bootTimeoutMs: number;
  extraCodePaths: readonly string[];
  logDir?: string;
  toxiproxyServer?: string;
  nodeEnv?: ((node: NodeIdentity) => Record<string, string>) | undefined;
  formation?: "netsplit" | "app";
  /** The nodes are an application's release or command, not netsplit's own `erl` (app-process.ts). */
  appProcess?: AppProcessOptions | undefined;
}

class LocalNode implements NodeInstance {
  readonly controlHost = LOCAL_HOST;
  readonly exited: Promise<NodeExit>;
  constructor(readonly proc: RunningNodeProcess) {
    this.exited = proc.exited;
  }

  get pid(): number {
    return this.proc.pid;
  }

  get controlPort(): number {
    return this.proc.controlPort;
  }

  async kill(): Promise<void> {
    signalNode(this.proc.child, "SIGKILL");
    await this.proc.exited;
  }

  async stop(graceMs: number): Promise<void> {
    signalNode(this.proc.child, "SIGCONT");
    signalNode(this.proc.child, "SIGTERM");
    const timer = setTimeout(() => signalNode(this.proc.child, "SIGKILL"), graceMs);
    await this.proc.exited;
    clearTimeout(timer);
  }

  pause(): Promise<void> {
    signalNode(this.proc.child, "SIGSTOP");
    return Promise.resolve();
  }

  resume(): Promise<void> {
    signalNode(this.proc.child, "SIGCONT");
    return Promise.resolve();
  }
}

export class LocalBackend implements ClusterBackend {
  readonly runtime = "local";
  private readonly procs = new Set<RunningNodeProcess>();
  /** Every node process spawned, booted or still booting, so a failed boot leaves none behind. */
  private readonly children = new Set<ChildProcess>();

  private constructor(
    private readonly options: LocalBackendOptions,
    readonly toxiproxy: StartedToxiproxyServer,
    private readonly distPorts: ReadonlyMap<string, number>,
    readonly proxyListen: ReadonlyMap<string, string>,
    /** The distribution ports, reserved machine-wide until stop() (util/ports.ts). */
    private readonly portReservation: PortReservation,
    /** The first boot of each node, spawned by start() before Toxiproxy was up. */
    private readonly booting: Map<string, Promise<RunningNodeProcess>>,
    /** The run's own epmd daemon, where every node registers itself (app-process.ts). */
    private readonly epmd: RunEpmd,
  ) {}

  /**
   * Reserves the distribution ports and spawns every node at once (each agent waits for its
   * routes on stdin before it reports ready); meanwhile starts toxiproxy-server and creates every
   * proxy, then sends each node its routes. So the nodes boot while Toxiproxy starts, instead of
   * after. If anything fails, everything started here is stopped before the error is thrown.
   */
  static async start(options: LocalBackendOptions): Promise<LocalBackend> {
    const { names, logDir } = options;
    // a release built for another OTP, a missing start script: said before anything starts
    if (options.appProcess) checkAppProcess(options.appProcess.app);
    // below the ephemeral range, so no port-0 listener or outgoing connection can take them first;
    // reserved, so another run cannot take them either (even while a killed node is down)
    // (and one more for the run's epmd daemon)
    const distReservation = await reserveFixedPorts(LOCAL_HOST, names.length + 1);
    // the proxies' ports too, reserved while the nodes boot: a proxy that a reset-mode cut
    // disables closes its listener, and a port in the ephemeral range could meanwhile become
    // the source port of some outgoing connection, so that the heal could not bind it again
    // (Toxiproxy: "bind: address already in use", seen under load)
    const links = names.flatMap((from) => names.filter((to) => to !== from).map((to) => [from, to] as const));
    const proxyReserving = reserveFixedPorts(LOCAL_HOST, links.length);
    proxyReserving.catch(() => undefined); // awaited below; moot if this start fails first
    let proxyReservation: PortReservation | undefined;
    const reservation = bothReservations(distReservation, () => proxyReservation);
    const distPorts = new Map(names.map((n, i) => [n, distReservation.ports[i]!]));
    const epmdPort = distReservation.ports[names.length]!;
    const spawned = new Map<string, ChildProcess>();
    const booting = new Map<string, Promise<RunningNodeProcess>>();
    let toxiproxy: StartedToxiproxyServer | undefined;
    // the run's own epmd daemon, where every node registers itself (Netsplit.Epmd waits for it),
    // started while the nodes and Toxiproxy start
    const epmdStarting = startRunEpmd(options.runId, epmdPort, LOCAL_HOST);
    epmdStarting.catch(() => undefined); // awaited below; moot if this start fails first
    let epmd: RunEpmd | undefined;
    try {
      // an application's own start (release, command) boots its apps before the agent could read
      // routes from stdin: those nodes start in startNode(), once the proxies exist, routes in env
      if (options.appProcess) epmd = await epmdStarting;
      for (const name of options.appProcess ? [] : names) {
        const boot = startNodeProcess({ ...nodeSpec(options, distPorts, name, {}, epmdPort), routesOnStdin: true }, (child) => spawned.set(name, child));
        boot.catch(() => undefined); // awaited by startNode; moot if this start fails
        booting.set(name, boot);
      }
      toxiproxy = await startToxiproxyServer({
        host: LOCAL_HOST,
        proxyMetrics: true,
        ...(options.toxiproxyServer ? { binary: options.toxiproxyServer } : {}),
        ...(logDir ? { logFile: path.join(logDir, "toxiproxy.log") } : {}),
      });
      proxyReservation = await proxyReserving;
      const proxyPorts = proxyReservation.ports;
      const proxies = await toxiproxy.api.populate(
        links.map(([from, to], i) => ({
          name: proxyName(from, to),
          listen: `${LOCAL_HOST}:${proxyPorts[i]}`,
          upstream: `${LOCAL_HOST}:${distPorts.get(to)}`,
        })),
      );
      epmd = await epmdStarting;
      const backend = new LocalBackend(options, toxiproxy, distPorts, new Map(proxies.map((p) => [p.name, p.listen])), reservation, booting, epmd);
      for (const [name, child] of spawned) {
        backend.adopt(child);
        sendRoutes(child, backend.routes(name));
      }
      return backend;
    } catch (err) {
      await killAll([...spawned.values()]);
      await toxiproxy?.stop();
      await (epmd ?? (await epmdStarting.catch(() => undefined)))?.stop();
      reservation.release();
      (await proxyReserving.catch(() => undefined))?.release();
      removeNodeHome(options.runId);
      throw err;
    }
  }

  fullName(name: string): string {
    return `${name}@${LOCAL_HOST}`;
  }

  distPort(name: string): number {
    return this.distPorts.get(name)!;
  }

  /** Peer full name -> "host:port" of this node's proxy to it. */
  routes(name: string): Record<string, string> {
    return Object.fromEntries(this.options.names.filter((p) => p !== name).map((p) => [this.fullName(p), this.proxyListen.get(proxyName(name, p))!]));
  }

  spec(name: string): NodeProcessSpec {
    return nodeSpec(this.options, this.distPorts, name, this.routes(name), this.epmd.port);
  }

  /** The node spawned by start() for its first boot, else a new process (a restart). */
  async startNode(name: string): Promise<NodeInstance> {
    const first = this.booting.get(name);
    this.booting.delete(name);
    const spec = this.spec(name);
    const app = this.options.appProcess;
    const launch = app ? appLaunch(spec, app, identity(this.options, this.distPorts, name)) : undefined;
    const proc = await (first ?? startNodeProcess(spec, (child) => this.adopt(child), launch));
    this.procs.add(proc);
    void proc.exited.then(() => this.procs.delete(proc));
    return new LocalNode(proc);
  }

  private adopt(child: ChildProcess): void {
    this.children.add(child);
    child.once("exit", () => this.children.delete(child));
  }

  abortSync(): void {
    for (const c of this.children) signalNode(c, "SIGKILL");
    this.epmd.killSync();
  }

  async stop(): Promise<void> {
    await killAll([...this.children]);
    await this.toxiproxy.stop().catch(() => undefined);
    await this.epmd.stop();
    this.portReservation.release();
    removeNodeHome(this.options.runId);
  }
}

/** What `startNodeProcess` needs for node `name`, with the given routes. */
function nodeSpec(o: LocalBackendOptions, distPorts: ReadonlyMap<string, number>, name: string, routes: Record<string, string>, epmdPort: number): NodeProcessSpec {
  return {
    epmdPort,
    name,
    fullName: `${name}@${LOCAL_HOST}`,
    host: LOCAL_HOST,
    distPort: distPorts.get(name)!,
    routes,
    cookie: o.cookie,
    secret: o.secret,
    kernel: o.kernel,
    reconnectMs: o.reconnectMs,
    runId: o.runId,
    bootTimeoutMs: o.bootTimeoutMs,
    extraCodePaths: [...o.extraCodePaths],
    ...(o.logDir ? { logFile: path.join(o.logDir, `${name}.log`) } : {}),
    ...(o.formation === "app" ? { formation: "app" as const } : {}),
    ...(o.nodeEnv ? { env: o.nodeEnv(identity(o, distPorts, name)) } : {}),
  };
}

/** Who node `name` is (for `nodeEnv` and an app's command placeholders). */
function identity(o: LocalBackendOptions, distPorts: ReadonlyMap<string, number>, name: string): NodeIdentity {
  return {
    name,
    fullName: `${name}@${LOCAL_HOST}`,
    index: o.names.indexOf(name) + 1,
    distPort: distPorts.get(name)!,
    names: o.names,
    fullNameOf: (n) => `${n}@${LOCAL_HOST}`,
  };
}

/** SIGKILLs every child still running and waits until each has exited. */
async function killAll(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(children.map(async (child) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    signalNode(child, "SIGKILL");
    await exited;
  }));
}

/** Starts Toxiproxy and every node, and waits for the full mesh. Cleans up if anything fails. */
export async function startLocalCluster(options: Partial<ClusterOptions> & Pick<ClusterOptions, "nodes">): Promise<StartedCluster> {
  const setup = clusterSetup(options);
  sweepLeftovers();
  const bootStart = now();
  const backend = await LocalBackend.start({ ...setup, ...(options.toxiproxyServer ? { toxiproxyServer: options.toxiproxyServer } : {}) });
  return bootCluster(backend, setup, bootStart);
}

/** The distribution ports' reservation and, once made, the proxies': released together. */
function bothReservations(dist: PortReservation, proxies: () => PortReservation | undefined): PortReservation {
  const release = () => {
    dist.release();
    proxies()?.release();
  };
  return {
    get ports() {
      return [...dist.ports, ...(proxies()?.ports ?? [])];
    },
    get locked() {
      return dist.locked && (proxies()?.locked ?? true);
    },
    release,
    [Symbol.dispose]: release,
  };
}
