/**
 * The local runtime: a toxiproxy-server process and one `erl` child process per node, all on
 * loopback. Every node has a fixed distribution port; proxy `X_to_Y` listens on a port chosen
 * by Toxiproxy and forwards to Y's distribution port.
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { proxyName } from "../faults/links.js";
import { startToxiproxyServer, type StartedToxiproxyServer } from "../toxiproxy/server.js";
import { freeFixedPorts } from "../util/ports.js";
import type { ClusterBackend, NodeExit, NodeInstance } from "./backend.js";
import { startNodeProcess, type KernelFlags, type NodeProcessSpec, type RunningNodeProcess } from "./node-process.js";

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
    this.proc.child.kill("SIGKILL");
    await this.proc.exited;
  }

  async stop(graceMs: number): Promise<void> {
    this.proc.child.kill("SIGCONT");
    this.proc.child.kill("SIGTERM");
    const timer = setTimeout(() => this.proc.child.kill("SIGKILL"), graceMs);
    await this.proc.exited;
    clearTimeout(timer);
  }

  pause(): Promise<void> {
    this.proc.child.kill("SIGSTOP");
    return Promise.resolve();
  }

  resume(): Promise<void> {
    this.proc.child.kill("SIGCONT");
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
  ) {}

  /** Starts toxiproxy-server and creates every proxy; stops the server again if that fails. */
  static async start(options: LocalBackendOptions): Promise<LocalBackend> {
    const { names, logDir } = options;
    const toxiproxy = await startToxiproxyServer({
      host: LOCAL_HOST,
      proxyMetrics: true,
      ...(options.toxiproxyServer ? { binary: options.toxiproxyServer } : {}),
      ...(logDir ? { logFile: path.join(logDir, "toxiproxy.log") } : {}),
    });
    try {
      // below the ephemeral range, so the proxies' port-0 listeners cannot take them first
      const ports = await freeFixedPorts(LOCAL_HOST, names.length);
      const distPorts = new Map(names.map((n, i) => [n, ports[i]!]));
      const proxies = await toxiproxy.api.populate(
        names.flatMap((from) => names.filter((to) => to !== from).map((to) => ({
          name: proxyName(from, to),
          listen: `${LOCAL_HOST}:0`,
          upstream: `${LOCAL_HOST}:${distPorts.get(to)}`,
        }))),
      );
      return new LocalBackend(options, toxiproxy, distPorts, new Map(proxies.map((p) => [p.name, p.listen])));
    } catch (err) {
      await toxiproxy.stop();
      throw err;
    }
  }

  fullName(name: string): string {
    return `${name}@${LOCAL_HOST}`;
  }

  distPort(name: string): number {
    return this.distPorts.get(name)!;
  }

  spec(name: string): NodeProcessSpec {
    const o = this.options;
    return {
      name,
      fullName: this.fullName(name),
      host: LOCAL_HOST,
      distPort: this.distPort(name),
      routes: Object.fromEntries(o.names.filter((p) => p !== name).map((p) => [this.fullName(p), this.proxyListen.get(proxyName(name, p))!])),
      cookie: o.cookie,
      secret: o.secret,
      kernel: o.kernel,
      reconnectMs: o.reconnectMs,
      runId: o.runId,
      bootTimeoutMs: o.bootTimeoutMs,
      extraCodePaths: [...o.extraCodePaths],
      ...(o.logDir ? { logFile: path.join(o.logDir, `${name}.log`) } : {}),
    };
  }

  async startNode(name: string): Promise<NodeInstance> {
    const proc = await startNodeProcess(this.spec(name), (child) => {
      this.children.add(child);
      child.once("exit", () => this.children.delete(child));
    });
    this.procs.add(proc);
    void proc.exited.then(() => this.procs.delete(proc));
    return new LocalNode(proc);
  }

  abortSync(): void {
    for (const c of this.children) c.kill("SIGKILL");
  }

  async stop(): Promise<void> {
    await Promise.all([...this.children].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }));
    await this.toxiproxy.stop().catch(() => undefined);
  }
}
