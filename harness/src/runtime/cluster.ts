/**
 * A started cluster: N real BEAM nodes whose distribution traffic all crosses a real
 * toxiproxy-server, one proxy per directed pair, plus a direct control connection to every
 * node agent. Readiness is observed, never slept for: `startLocalCluster` resolves when every
 * agent reports a full mesh through its nodeup events.
 *
 * Lifecycle as types: `startLocalCluster(options)` gives a `StartedCluster`, which can be used
 * and stopped, never reconfigured; it is `AsyncDisposable` (`await using cluster = ...`).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { AgentClient, type AgentEvent } from "../agent/client.js";
import { NetsplitError, UsageError } from "../errors.js";
import { LinkFaults } from "../faults/link-faults.js";
import { allProxies, proxyName } from "../faults/links.js";
import { startToxiproxyServer, type StartedToxiproxyServer } from "../toxiproxy/server.js";
import { freePorts } from "../util/ports.js";
import { startNodeProcess, type KernelFlags, type NodeProcessSpec, type RunningNodeProcess } from "./node-process.js";
import { onInterrupt, sweepLeftovers } from "./reaper.js";

export const NODE_NAME = /^[a-z][a-z0-9_]{0,30}$/;

export interface ClusterOptions {
  /** A count (names n1..nN) or the short names. 2..64 nodes. */
  nodes: number | readonly string[];
  /** Kernel flags for every node. Defaults: net_ticktime 4, prevent_overlapping_partitions true, net_setuptime 2, connect_all true. */
  kernel: Partial<KernelFlags>;
  /** The agents' reconnect loop: `{ intervalMs }` (default 500) or `false` for none. */
  reconnect: false | { intervalMs: number };
  /** Max time for every node to boot and the full mesh to form, in ms. Default 30000. */
  bootTimeoutMs: number;
  /** Where node logs and Toxiproxy's log go. Default: not kept. */
  logDir: string;
  /** Extra code paths for every node (e.g. Horde's ebins). */
  extraCodePaths: readonly string[];
  /** Path of toxiproxy-server. Default: `TOXIPROXY_SERVER`, then `.netsplit/tools/bin`, then PATH. */
  toxiproxyServer: string;
}

export type NodeState = "running" | "paused" | "stopped" | "killed";

export interface ClusterNode {
  readonly name: string;
  readonly fullName: string;
  readonly distPort: number;
  state: NodeState;
  pid: number;
  controlPort: number;
}

/** Everything the cluster observes, as it happens. `at` is harness time, ms since the epoch. */
export type ClusterEvent =
  | { type: "node_event"; node: string; at: number; event: AgentEvent }
  | { type: "node_state"; node: string; at: number; state: NodeState; detail?: string }
  | { type: "agent_lost"; node: string; at: number; reason: string };

export const DEFAULT_KERNEL: KernelFlags = { net_ticktime: 4, prevent_overlapping_partitions: true, net_setuptime: 2, connect_all: true };
const HOST = "127.0.0.1";

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

function expandNodes(nodes: number | readonly string[]): string[] {
  const names = typeof nodes === "number" ? Array.from({ length: nodes }, (_, i) => `n${i + 1}`) : [...nodes];
  if (names.length < 2 || names.length > 64) throw new UsageError("bad_node_count", `a cluster needs 2..64 nodes, got ${names.length}`);
  for (const n of names) {
    if (!NODE_NAME.test(n)) throw new UsageError("bad_node_name", `node name "${n}" is invalid: use lowercase letters, digits and _ (starting with a letter, at most 31 characters)`);
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError("duplicate_node", `node "${dup}" is listed twice`);
  return names;
}

/** Starts Toxiproxy and every node, and waits for the full mesh. Cleans up if anything fails. */
export async function startLocalCluster(options: Partial<ClusterOptions> & Pick<ClusterOptions, "nodes">): Promise<StartedCluster> {
  const names = expandNodes(options.nodes);
  const kernel: KernelFlags = { ...DEFAULT_KERNEL, ...options.kernel };
  const reconnectMs = options.reconnect === false ? null : (options.reconnect?.intervalMs ?? 500);
  const bootTimeoutMs = options.bootTimeoutMs ?? 30_000;
  const logDir = options.logDir;
  if (logDir) mkdirSync(logDir, { recursive: true });
  sweepLeftovers();

  const runId = `netsplit-${randomBytes(6).toString("hex")}`;
  const cookie = randomBytes(24).toString("hex");
  const secret = randomBytes(32).toString("hex");
  const bootStart = nowMs();
  const cluster = new StartedCluster(names, kernel, reconnectMs, secret, cookie);
  const removeHook = onInterrupt(() => cluster.abortSync());
  try {
    cluster.toxiproxy = await startToxiproxyServer({
      host: HOST,
      proxyMetrics: true,
      ...(options.toxiproxyServer ? { binary: options.toxiproxyServer } : {}),
      ...(logDir ? { logFile: path.join(logDir, "toxiproxy.log") } : {}),
    });
    const distPorts = await freePorts(HOST, names.length);
    const fullName = (n: string) => `${n}@${HOST}`;
    const proxies = await cluster.toxiproxy.api.populate(
      names.flatMap((from) => names.filter((to) => to !== from).map((to) => ({
        name: proxyName(from, to),
        listen: `${HOST}:0`,
        upstream: `${HOST}:${distPorts[names.indexOf(to)]}`,
      }))),
    );
    const listenOf = new Map(proxies.map((p) => [p.name, p.listen]));
    cluster.faults = new LinkFaults(cluster.toxiproxy.api, names);
    cluster.proxyListen = listenOf;

    const specs = names.map((name, i): NodeProcessSpec => ({
      name,
      fullName: fullName(name),
      host: HOST,
      distPort: distPorts[i]!,
      routes: Object.fromEntries(names.filter((p) => p !== name).map((p) => [fullName(p), listenOf.get(proxyName(name, p))!])),
      cookie,
      secret,
      kernel,
      reconnectMs,
      runId,
      bootTimeoutMs,
      extraCodePaths: [...(options.extraCodePaths ?? [])],
      ...(logDir ? { logFile: path.join(logDir, `${name}.log`) } : {}),
    }));
    await Promise.all(specs.map((spec) => cluster.launch(spec)));
    await Promise.all(names.map((n) => cluster.agent(n).call("connect_all")));
    await cluster.waitForMesh(Math.max(1000, bootTimeoutMs - (nowMs() - bootStart)));
    cluster.bootMs = nowMs() - bootStart;
    return cluster;
  } catch (err) {
    await cluster.stop();
    throw err;
  } finally {
    removeHook();
  }
}

export class StartedCluster implements AsyncDisposable {
  toxiproxy!: StartedToxiproxyServer;
  faults!: LinkFaults;
  proxyListen = new Map<string, string>();
  bootMs = 0;
  readonly nodes: ClusterNode[] = [];
  private readonly specs = new Map<string, NodeProcessSpec>();
  private readonly procs = new Map<string, RunningNodeProcess>();
  private readonly agents = new Map<string, AgentClient>();
  private readonly views = new Map<string, Set<string>>();
  private readonly listeners = new Set<(e: ClusterEvent) => void>();
  private readonly waiters = new Set<() => void>();
  private stopped = false;

  constructor(
    readonly names: readonly string[],
    readonly kernel: KernelFlags,
    readonly reconnectMs: number | null,
    private readonly secret: string,
    /** The run's random distribution cookie (for `netsplit up`'s remote shells). */
    readonly cookie: string,
  ) {}

  /** Subscribes to everything the cluster observes. Returns an unsubscribe function. */
  on(listener: (e: ClusterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  node(name: string): ClusterNode {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new UsageError("unknown_node", `unknown node "${name}"; the cluster has ${this.names.join(", ")}`);
    return n;
  }

  agent(name: string): AgentClient {
    const a = this.agents.get(name);
    if (!a || a.isClosed) throw new NetsplitError("node_unavailable", `node ${name} has no agent connection (state: ${this.node(name).state})`);
    return a;
  }

  /** The nodes `name` is connected to, as reported by its events (short names). */
  view(name: string): ReadonlySet<string> {
    return this.views.get(name) ?? new Set();
  }

  running(): string[] {
    return this.nodes.filter((n) => n.state === "running").map((n) => n.name);
  }

  /** True when every running node sees every other running node, and no one else. */
  isMeshed(): boolean {
    const up = this.running();
    return up.every((n) => {
      const v = this.view(n);
      return v.size === up.length - 1 && up.every((m) => m === n || v.has(m));
    });
  }

  describeViews(): string {
    return this.nodes.map((n) => `${n.name}${n.state === "running" ? "" : ` (${n.state})`} sees [${[...this.view(n.name)].sort().join(", ")}]`).join("; ");
  }

  /**
   * Waits until `predicate` holds, re-checking on every event (no polling). Rejects with a
   * NetsplitError("wait_timeout") quoting `what` and every node's view after `timeoutMs`.
   */
  waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<number> {
    const start = nowMs();
    if (predicate()) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(nowMs() - start);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new NetsplitError("wait_timeout", `${what} not reached within ${timeoutMs} ms: ${this.describeViews()}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Resolves with the time it took when every running node sees every other. */
  waitForMesh(timeoutMs: number): Promise<number> {
    return this.waitFor(() => this.isMeshed(), timeoutMs, "full mesh");
  }

  private emit(e: ClusterEvent): void {
    for (const l of this.listeners) l(e);
    for (const w of [...this.waiters]) w();
  }

  private setState(node: ClusterNode, state: NodeState, detail?: string): void {
    node.state = state;
    this.emit({ type: "node_state", node: node.name, at: nowMs(), state, ...(detail ? { detail } : {}) });
  }

  /** @internal Starts one node process and connects to its agent. */
  async launch(spec: NodeProcessSpec): Promise<void> {
    this.specs.set(spec.name, spec);
    const proc = await startNodeProcess(spec);
    this.procs.set(spec.name, proc);
    let node = this.nodes.find((n) => n.name === spec.name);
    if (!node) {
      node = { name: spec.name, fullName: spec.fullName, distPort: spec.distPort, state: "running", pid: proc.pid, controlPort: proc.controlPort };
      this.nodes.push(node);
      this.nodes.sort((a, b) => this.names.indexOf(a.name) - this.names.indexOf(b.name));
    } else {
      node.pid = proc.pid;
      node.controlPort = proc.controlPort;
    }
    void proc.exited.then(({ code, signal }) => {
      if (this.stopped || this.procs.get(spec.name) !== proc) return;
      this.views.set(spec.name, new Set());
      if (node.state === "running" || node.state === "paused") this.setState(node, "killed", `exited unexpectedly (code ${code}, signal ${signal})`);
    });
    const agent = await AgentClient.connect({ host: spec.host, port: proc.controlPort, secret: this.secret, name: spec.name });
    this.agents.set(spec.name, agent);
    const short = (full: string) => full.split("@")[0]!;
    const view = new Set<string>();
    this.views.set(spec.name, view);
    agent.onEvent((event) => {
      if (event.event === "nodeup" && event.node) view.add(short(event.node));
      if (event.event === "nodedown" && event.node) view.delete(short(event.node));
      this.emit({ type: "node_event", node: spec.name, at: nowMs(), event });
    });
    agent.onClose((reason) => {
      if (!this.stopped) this.emit({ type: "agent_lost", node: spec.name, at: nowMs(), reason });
    });
    const initial = await agent.call<{ nodes: string[] }>("view");
    for (const full of initial.nodes) view.add(short(full));
    if (node.state !== "running") this.setState(node, "running");
    else this.emit({ type: "node_state", node: spec.name, at: nowMs(), state: "running" });
  }

  /** SIGKILL: peers see the TCP connections close at once. */
  async kill(name: string): Promise<void> {
    const node = this.node(name);
    const proc = this.procs.get(name);
    if (!proc || node.state === "stopped" || node.state === "killed") return;
    this.setState(node, "killed");
    proc.child.kill("SIGKILL");
    await proc.exited;
    this.views.set(name, new Set());
  }

  /** Graceful stop (SIGTERM: OTP runs init:stop), SIGKILL after `graceMs`. */
  async stopNode(name: string, graceMs = 5000): Promise<void> {
    const node = this.node(name);
    const proc = this.procs.get(name);
    if (!proc || node.state === "stopped" || node.state === "killed") return;
    if (node.state === "paused") proc.child.kill("SIGCONT");
    this.setState(node, "stopped");
    proc.child.kill("SIGTERM");
    const timer = setTimeout(() => proc.child.kill("SIGKILL"), graceMs);
    await proc.exited;
    clearTimeout(timer);
    this.views.set(name, new Set());
  }

  /** Stops the node (if running) and starts it again with the same name, ports and routes. */
  async restart(name: string): Promise<void> {
    const spec = this.specs.get(name)!;
    await this.stopNode(name);
    this.agents.get(name)?.close();
    await this.launch(spec);
    await this.agent(name).call("connect_all");
  }

  /** SIGSTOP: the node freezes; peers notice only after net_ticktime. */
  pause(name: string): void {
    const node = this.node(name);
    if (node.state !== "running") throw new UsageError("bad_node_state", `cannot pause ${name}: it is ${node.state}`);
    this.procs.get(name)!.child.kill("SIGSTOP");
    this.setState(node, "paused");
  }

  /** SIGCONT. */
  resume(name: string): void {
    const node = this.node(name);
    if (node.state !== "paused") throw new UsageError("bad_node_state", `cannot resume ${name}: it is ${node.state}, not paused`);
    this.procs.get(name)!.child.kill("SIGCONT");
    this.setState(node, "running");
  }

  /** Every directed proxy name, for metrics. */
  proxyNames(): string[] {
    return allProxies(this.names);
  }

  /** Kills everything right now, synchronously (signal handlers). */
  abortSync(): void {
    this.stopped = true;
    for (const a of this.agents.values()) a.close();
    for (const p of this.procs.values()) p.child.kill("SIGKILL");
  }

  /** Stops every node and Toxiproxy. Idempotent; never throws. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const a of this.agents.values()) a.close();
    await Promise.all([...this.procs.values()].map(async (p) => {
      p.child.kill("SIGKILL");
      await p.exited;
    }));
    await this.toxiproxy?.stop().catch(() => undefined);
    for (const w of [...this.waiters]) w();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
