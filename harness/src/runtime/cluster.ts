/**
 * A started cluster: N real BEAM nodes whose distribution traffic all crosses a real Toxiproxy,
 * one proxy per directed pair, plus a direct control connection to every node agent. Readiness
 * is observed, never slept for: a cluster is returned when every agent reports a full mesh
 * through its nodeup events.
 *
 * The cluster is the same on every runtime; a ClusterBackend (backend.ts) runs Toxiproxy and the
 * nodes: `startLocalCluster` (processes on loopback, local.ts) or `startDockerCluster`
 * (containers, docker/); registry.ts names them and starts one by name. Process faults (kill,
 * stop, restart, pause, resume) go to the backend; operations on one node run in the order they
 * were called. The options, node states and events are in cluster-options.ts (re-exported).
 *
 * Lifecycle as types: `startLocalCluster(options)` gives a `StartedCluster`, which can be used
 * and stopped, never reconfigured; it is `AsyncDisposable` (`await using cluster = ...`).
 */
import { AgentClient } from "../agent/client.js";
import { NetsplitError, UsageError } from "../errors.js";
import { LinkFaults } from "../faults/link-faults.js";
import { allProxies } from "../faults/links.js";
import type { StartedToxiproxyServer } from "../toxiproxy/server.js";
import type { ClusterBackend, NodeInstance } from "./backend.js";
import type { ClusterEvent, ClusterNode, ClusterSetup, NodeState } from "./cluster-options.js";
import type { KernelFlags } from "./node-process.js";
import { onInterrupt } from "./reaper.js";
import { now } from "../util/clock.js";
import { shortName as short } from "../util/names.js";

export * from "./cluster-options.js";

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

  /** docker: the engine the containers are on (its endpoint); undefined on the local runtime. */
  get engine(): string | undefined {
    return this.backend.engine;
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
