/**
 * A started cluster: N real BEAM nodes whose distribution traffic all crosses a real Toxiproxy,
 * one proxy per directed pair, plus a direct control connection to every node agent. Readiness
 * is observed, never slept for: a cluster is returned when every agent reports a full mesh
 * through its nodeup events.
 *
 * The cluster is the same on every runtime; a ClusterBackend (backend.ts) runs Toxiproxy and the
 * nodes: `startLocalCluster` (processes on loopback, local.ts) or `startDockerCluster`
 * (containers, docker/); registry.ts names them and starts one by name. Process faults (kill, stop, restart, pause, resume) go to the
 * backend; operations on one node run in the order they were called.
 *
 * Lifecycle as types: `startLocalCluster(options)` gives a `StartedCluster`, which can be used
 * and stopped, never reconfigured; it is `AsyncDisposable` (`await using cluster = ...`).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { AgentClient, type AgentEvent } from "../agent/client.js";
import { NetsplitError, UsageError } from "../errors.js";
import { LinkFaults } from "../faults/link-faults.js";
import { allProxies } from "../faults/links.js";
import type { StartedToxiproxyServer } from "../toxiproxy/server.js";
import type { ClusterBackend, NodeIdentity, NodeInstance } from "./backend.js";
import type { AppProcessOptions } from "./app-process.js";
import type { KernelFlags } from "./node-process.js";
import { onInterrupt } from "./reaper.js";
import { now } from "../util/clock.js";
import { shortName as short } from "../util/names.js";

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
  /**
   * Extra environment of a node's BEAM (an application under test's `env:`), called right
   * before each boot of the node. netsplit's own variables (NETSPLIT_*, HOME) always win.
   */
  nodeEnv: (node: NodeIdentity) => Record<string, string>;
  /** Host folders every node reaches at the same path (docker: bind mounts; local: nothing to do). */
  mounts: readonly { path: string; writable: boolean }[];
  /**
   * Who forms the cluster: "netsplit" (default: the agents dial their peers at boot and the boot
   * waits for the full mesh) or "app" (nobody dials for the app; the boot does not wait for a mesh).
   */
  formation: "netsplit" | "app";
  /**
   * The nodes are an application that starts itself (local runtime only): `{ app: { kind:
   * "release", releaseDir } }` runs the release's own `bin/<name> start` per node, `{ app: { kind:
   * "command", command, cwd } }` runs that command per node (`render` fills its placeholders).
   * netsplit's agent and routing go in through ERL_AFLAGS and NETSPLIT_* variables
   * (runtime/app-process.ts). Default: netsplit's own `erl` nodes.
   */
  appProcess: AppProcessOptions;
}

/** Who a node is, for `nodeEnv`. */
export type { NodeIdentity } from "./backend.js";

export type NodeState = "running" | "paused" | "stopped" | "killed";

export interface ClusterNode {
  readonly name: string;
  readonly fullName: string;
  readonly distPort: number;
  state: NodeState;
  /** Host PID of the node's BEAM (docker: of the container's main process). */
  pid: number;
  /** Where the harness reaches the agent (docker: a port mapped to the container's control port). */
  controlHost: string;
  controlPort: number;
  /** docker runtime: the node's container. */
  readonly containerId?: string;
}

/** Everything the cluster observes, as it happens. `at` is harness time, ms since the epoch. */
export type ClusterEvent =
  | { type: "node_event"; node: string; at: number; event: AgentEvent }
  | { type: "node_state"; node: string; at: number; state: NodeState; detail?: string }
  | { type: "agent_lost"; node: string; at: number; reason: string }
  /** Toxiproxy ended while the cluster was running: every link through it is gone. */
  | { type: "toxiproxy_lost"; at: number; reason: string };

export const DEFAULT_KERNEL: KernelFlags = { net_ticktime: 4, prevent_overlapping_partitions: true, net_setuptime: 2, connect_all: true };

export function expandNodes(nodes: number | readonly string[]): string[] {
  const names = typeof nodes === "number" ? Array.from({ length: nodes }, (_, i) => `n${i + 1}`) : [...nodes];
  if (names.length < 2 || names.length > 64) throw new UsageError("bad_node_count", `a cluster needs 2..64 nodes, got ${names.length}`);
  for (const n of names) {
    if (!NODE_NAME.test(n)) throw new UsageError("bad_node_name", `node name "${n}" is invalid: use lowercase letters, digits and _ (starting with a letter, at most 31 characters)`);
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError("duplicate_node", `node "${dup}" is listed twice`);
  return names;
}

export interface ClusterSetup {
  names: string[];
  kernel: KernelFlags;
  reconnectMs: number | null;
  bootTimeoutMs: number;
  logDir: string | undefined;
  extraCodePaths: string[];
  /** Marks everything this run starts (process command lines, container labels). */
  runId: string;
  cookie: string;
  secret: string;
  nodeEnv: ((node: NodeIdentity) => Record<string, string>) | undefined;
  mounts: readonly { path: string; writable: boolean }[];
  formation: "netsplit" | "app";
  appProcess: AppProcessOptions | undefined;
}

/** Validates the options and draws the run's id, cookie and control secret. */
export function clusterSetup(options: Partial<ClusterOptions> & Pick<ClusterOptions, "nodes">): ClusterSetup {
  const names = expandNodes(options.nodes);
  const logDir = options.logDir;
  if (logDir) mkdirSync(logDir, { recursive: true });
  return {
    names,
    kernel: { ...DEFAULT_KERNEL, ...options.kernel },
    reconnectMs: options.reconnect === false ? null : (options.reconnect?.intervalMs ?? 500),
    bootTimeoutMs: options.bootTimeoutMs ?? 30_000,
    logDir,
    extraCodePaths: [...(options.extraCodePaths ?? [])],
    runId: `netsplit-${randomBytes(6).toString("hex")}`,
    cookie: randomBytes(24).toString("hex"),
    secret: randomBytes(32).toString("hex"),
    nodeEnv: options.nodeEnv,
    mounts: [...(options.mounts ?? [])],
    formation: options.formation ?? "netsplit",
    appProcess: options.appProcess,
  };
}

/** Boots every node of a started backend into a cluster; stops everything if the boot fails. */
export async function bootCluster(backend: ConstructorParameters<typeof StartedCluster>[0], setup: ConstructorParameters<typeof StartedCluster>[1], bootStart: number): Promise<StartedCluster> {
  const cluster = new StartedCluster(backend, setup);
  try {
    await cluster.boot(bootStart);
    return cluster;
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

/** Options of `startCluster`: the cluster's, plus the docker runtime's (ignored by the local one). */
export type AnyClusterOptions = Partial<ClusterOptions> & Pick<ClusterOptions, "nodes"> & {
  /** Progress lines (image builds, sweeps) of the docker runtime. */
  progress?: (line: string) => void;
};

export class StartedCluster implements AsyncDisposable {
  readonly faults: LinkFaults;
  bootMs = 0;
  readonly nodes: ClusterNode[] = [];
  readonly names: readonly string[];
  readonly kernel: KernelFlags;
  readonly reconnectMs: number | null;
  /** The run's random distribution cookie (for `netsplit up`'s remote shells). */
  readonly cookie: string;
  readonly runId: string;
  readonly formation: "netsplit" | "app";
  private readonly secret: string;
  private readonly bootTimeoutMs: number;
  private readonly instances = new Map<string, NodeInstance>();
  private readonly agents = new Map<string, AgentClient>();
  private readonly views = new Map<string, Set<string>>();
  private readonly listeners = new Set<(e: ClusterEvent) => void>();
  private readonly waiters = new Set<() => void>();
  /** The container operation in flight per node: operations on one node run in call order. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private stopped = false;
  /** SIGINT/SIGTERM: stop observing (no events from a cluster being torn down) and kill what can be. */
  private readonly removeInterruptHook: () => void;

  constructor(readonly backend: ClusterBackend, setup: ClusterSetup) {
    this.removeInterruptHook = onInterrupt(() => this.abortSync());
    this.names = setup.names;
    this.kernel = setup.kernel;
    this.reconnectMs = setup.reconnectMs;
    this.cookie = setup.cookie;
    this.runId = setup.runId;
    this.formation = setup.formation;
    this.secret = setup.secret;
    this.bootTimeoutMs = setup.bootTimeoutMs;
    this.faults = new LinkFaults(backend.toxiproxy.api, this.names);
    void backend.toxiproxy.exited?.then((reason) => {
      if (!this.stopped) this.emit({ type: "toxiproxy_lost", at: now(), reason: `toxiproxy-server (pid ${backend.toxiproxy.pid}) ${reason}` });
    });
  }

  get runtime(): string {
    return this.backend.runtime;
  }

  get toxiproxy(): StartedToxiproxyServer {
    return this.backend.toxiproxy;
  }

  /** Proxy name -> "host:port" it listens on. */
  get proxyListen(): ReadonlyMap<string, string> {
    return this.backend.proxyListen;
  }

  /** @internal Starts every node, asks each to connect to all, waits for the full mesh. */
  async boot(bootStart: number): Promise<void> {
    await Promise.all(this.names.map((n) => this.launch(n)));
    // formation: app — meshing is the application's job; the runner waits for it once the app runs
    if (this.formation === "netsplit") {
      await Promise.all(this.names.map((n) => this.agent(n).call("connect_all")));
      await this.waitForMesh(Math.max(1000, this.bootTimeoutMs - (now() - bootStart)));
    }
    this.bootMs = now() - bootStart;
  }

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
    const start = now();
    if (predicate()) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(now() - start);
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
    this.emit({ type: "node_state", node: node.name, at: now(), state, ...(detail ? { detail } : {}) });
  }

  /** Runs `op` after the operations already queued on `name`; never an unhandled rejection. */
  private serial(name: string, op: () => Promise<void>): Promise<void> {
    const prev = this.inFlight.get(name);
    let run: Promise<void>;
    if (prev) run = prev.then(op, op);
    else {
      try {
        run = op();
      } catch (err) {
        run = Promise.reject(err);
      }
    }
    const settled = run.catch(() => undefined);
    this.inFlight.set(name, settled);
    void settled.then(() => {
      if (this.inFlight.get(name) === settled) this.inFlight.delete(name);
    });
    return run;
  }

  /** @internal Starts one node (again) and connects to its agent. */
  async launch(name: string): Promise<void> {
    const instance = await this.backend.startNode(name);
    this.instances.set(name, instance);
    let node = this.nodes.find((n) => n.name === name);
    if (!node) {
      node = {
        name,
        fullName: this.backend.fullName(name),
        distPort: this.backend.distPort(name),
        state: "running",
        pid: instance.pid,
        controlHost: instance.controlHost,
        controlPort: instance.controlPort,
        ...(instance.containerId ? { containerId: instance.containerId } : {}),
      };
      this.nodes.push(node);
      this.nodes.sort((a, b) => this.names.indexOf(a.name) - this.names.indexOf(b.name));
    } else {
      node.pid = instance.pid;
      node.controlHost = instance.controlHost;
      node.controlPort = instance.controlPort;
    }
    const current = node;
    void instance.exited.then(({ code, signal }) => {
      if (this.stopped || this.instances.get(name) !== instance) return;
      this.views.set(name, new Set());
      if (current.state === "running" || current.state === "paused") this.setState(current, "killed", `exited unexpectedly (code ${code}, signal ${signal})`);
    });
    const agent = await AgentClient.connect({ host: instance.controlHost, port: instance.controlPort, secret: this.secret, name });
    this.agents.set(name, agent);
    const view = new Set<string>();
    this.views.set(name, view);
    agent.onEvent((event) => {
      if (event.event === "nodeup" && event.node) view.add(short(event.node));
      if (event.event === "nodedown" && event.node) view.delete(short(event.node));
      this.emit({ type: "node_event", node: name, at: now(), event });
    });
    agent.onClose((reason) => {
      if (!this.stopped) this.emit({ type: "agent_lost", node: name, at: now(), reason });
    });
    const initial = await agent.call<{ nodes: string[] }>("view");
    for (const full of initial.nodes) view.add(short(full));
    if (node.state !== "running") this.setState(node, "running");
    else this.emit({ type: "node_state", node: name, at: now(), state: "running" });
  }

  /** SIGKILL (docker kill): peers see the TCP connections close at once. */
  kill(name: string): Promise<void> {
    const node = this.node(name);
    const instance = this.instances.get(name);
    if (!instance || node.state === "stopped" || node.state === "killed") return Promise.resolve();
    this.setState(node, "killed");
    return this.serial(name, async () => {
      await instance.kill();
      this.views.set(name, new Set());
    });
  }

  /** Graceful stop (SIGTERM: OTP runs init:stop; docker stop), SIGKILL after `graceMs`. */
  stopNode(name: string, graceMs = 5000): Promise<void> {
    const node = this.node(name);
    const instance = this.instances.get(name);
    if (!instance || node.state === "stopped" || node.state === "killed") return Promise.resolve();
    this.setState(node, "stopped");
    return this.serial(name, async () => {
      await instance.stop(graceMs);
      this.views.set(name, new Set());
    });
  }

  /** Stops the node (if running) and starts it again with the same name, ports and routes. */
  async restart(name: string): Promise<void> {
    await this.stopNode(name);
    await this.serial(name, async () => {
      this.agents.get(name)?.close();
      await this.launch(name);
      if (this.formation === "netsplit") await this.agent(name).call("connect_all");
    });
  }

  /**
   * SIGSTOP (docker pause): the node freezes; peers notice only after net_ticktime. The state is
   * "paused" at once; the returned promise resolves when the runtime has done it (local: at once).
   */
  pause(name: string): Promise<void> {
    const node = this.node(name);
    if (node.state !== "running") throw new UsageError("bad_node_state", `cannot pause ${name}: it is ${node.state}`);
    const instance = this.instances.get(name)!;
    this.setState(node, "paused");
    return this.serial(name, () => instance.pause());
  }

  /** SIGCONT (docker unpause). */
  resume(name: string): Promise<void> {
    const node = this.node(name);
    if (node.state !== "paused") throw new UsageError("bad_node_state", `cannot resume ${name}: it is ${node.state}, not paused`);
    const instance = this.instances.get(name)!;
    this.setState(node, "running");
    return this.serial(name, () => instance.resume());
  }

  /** Every directed proxy name, for metrics. */
  proxyNames(): string[] {
    return allProxies(this.names);
  }

  /** Kills what can be killed right now, synchronously (signal handlers). */
  abortSync(): void {
    this.stopped = true;
    for (const a of this.agents.values()) a.close();
    this.backend.abortSync();
  }

  /** Stops every node and Toxiproxy (and, for docker, removes the containers and network). Idempotent; never throws. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.removeInterruptHook();
    for (const a of this.agents.values()) a.close();
    await this.backend.stop().catch(() => undefined);
    for (const w of [...this.waiters]) w();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
