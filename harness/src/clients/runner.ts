/**
 * The client runner: `startClients(deps, workload)` starts every client of `workload.clients`
 * as a loop (one op in flight per client, so concurrency = the number of clients) and returns a
 * handle whose `stop()` ends them and completes the history.
 *
 * Nothing here can hang a run: a client whose node is not running records `fail` ("n3 is
 * killed") without calling; every call is raced against a harness-side guard (`timeoutMs +
 * guardMs`) besides the agent's own timeout; a node killed or paused with a call in flight ends
 * that op as `info`. `stop()` waits at most `stopGraceMs` for the calls in flight, then records
 * every still-open invoke as `info` ("open at the end of the run"). Time comes from `deps.now` /
 * `deps.sleep`, so tests drive it with a fake clock.
 */
import { setMaxListeners } from "node:events";
import type { CallReply } from "../agent/ops.js";
import type { Rng } from "../run/rng.js";
import { classifyError, classifyReply, type Completion } from "./classify.js";
import { OpLog, type OpSummary } from "./history.js";
import { firstStartMs, inWindow, nextStartMs } from "./schedule.js";
import type { ClientSpec, ClientsWorkload, Op } from "./types.js";
import { bindNodes, callArgs, clientRngs, drawValue, pickOp } from "./values.js";

export interface ClientDeps {
  /** The agent's `call` op on `node` (AgentClient.call("call", ...)); may reject. */
  call(node: string, module: string, fn: string, args: unknown[], timeoutMs: number): Promise<CallReply>;
  /** "running" when the node can be called; anything else ("killed", "paused"...) is down. */
  nodeState(node: string): string;
  /** Every node of the cluster, in cluster order (bindings pick from these). */
  nodes: readonly string[];
  /** The run's seeded rng; clients draw their own generators from it at start. */
  rng: Rng;
  /** ms since the run started, monotonic. */
  now(): number;
  /** Epoch ms at which the run started: wall clock = runStartedAt + now(). */
  runStartedAt: number;
  /** ops.jsonl; absent = not written. */
  file?: string;
  /** Resolves after `ms` (or at once when `signal` aborts). Default: setTimeout. */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
  /** Extra ms the harness waits beyond the op's timeout before giving up on a reply. Default 5000. */
  guardMs?: number;
  /** How long stop() waits for calls in flight. Default 1000. */
  stopGraceMs?: number;
  /** Keep every op in memory (`OpLog.ops`). Default false. */
  keep?: boolean;
  onOp?: (op: Op) => void;
}

export interface ClientsSummary extends OpSummary {
  /** The node of each process. */
  bindings: string[];
  /** Invokes still open at stop(), recorded as info. */
  closedAtStop: number;
  file?: string;
}

export interface StartedClients {
  readonly log: OpLog;
  stop(): Promise<ClientsSummary>;
}

interface Client {
  process: number;
  node: string;
  spec: ClientSpec;
  rng: Rng;
  uniqueDrawn: number;
}

export function startClients(deps: ClientDeps, workload: ClientsWorkload): StartedClients {
  const log = new OpLog({ ...(deps.file ? { file: deps.file } : {}), ...(deps.keep ? { keep: true } : {}), ...(deps.onOp ? { onOp: deps.onOp } : {}) });
  const clients = makeClients(deps, workload);
  const abort = new AbortController(); // stop(): no new ops
  // every client's wait listens on it (and removes its listener when the wait ends): not a leak
  setMaxListeners(clients.length + 10, abort.signal);
  const guards = new Set<AbortController>(); // one per call in flight; stop() aborts them after its grace
  const sleep = deps.sleep ?? realSleep;
  const wall = (ms: number) => new Date(deps.runStartedAt + ms).toISOString();

  const runOne = async (c: Client): Promise<{ startMs: number; endMs: number; nodeDown: boolean }> => {
    const op = pickOp(c.spec.ops, c.rng);
    const value = drawValue(op.value, { rng: c.rng, process: c.process, processes: clients.length, uniqueDrawn: c.uniqueDrawn });
    if (op.value.kind === "unique_int") c.uniqueDrawn++;
    const startMs = deps.now();
    log.invoke({ process: c.process, node: c.node, f: op.f, value, startMs, startAt: wall(startMs) });
    const state = deps.nodeState(c.node);
    let done: Completion;
    if (state !== "running") {
      done = { type: "fail", error: `not called: ${c.node} is ${state}` };
    } else {
      const guardMs = c.spec.timeoutMs + (deps.guardMs ?? 5000);
      const guard = new AbortController();
      guards.add(guard);
      const call = Promise.resolve()
        .then(() => deps.call(c.node, op.call.module, op.call.function, callArgs(op, value), c.spec.timeoutMs))
        .then((r) => classifyReply(r, c.spec.timeoutMs, op.indeterminate), classifyError);
      const timedOut = sleep(guardMs, guard.signal).then((): Completion => ({
        type: "info", error: `no reply within ${guardMs} ms (harness guard)`,
      }));
      done = await Promise.race([call, timedOut]);
      guards.delete(guard);
      guard.abort();
      if (done.type === "info" && done.error?.startsWith("no answer") && deps.nodeState(c.node) !== "running") {
        done = { ...done, error: `${c.node} went ${deps.nodeState(c.node)} with the call in flight (${done.error})` };
      }
    }
    const endMs = deps.now();
    log.complete(c.process, done.type, endMs, wall(endMs), done);
    return { startMs, endMs, nodeDown: state !== "running" };
  };

  const loop = async (c: Client): Promise<void> => {
    let at = firstStartMs(c.spec.window, deps.now());
    while (!abort.signal.aborted) {
      const wait = at - deps.now();
      if (wait > 0) await sleep(wait, abort.signal);
      if (abort.signal.aborted) return;
      const now = deps.now();
      if (c.spec.window?.endMs !== undefined && now >= c.spec.window.endMs) return;
      if (!inWindow(c.spec.window, now)) { at = c.spec.window?.startMs ?? now; continue; }
      const prev = await runOne(c);
      at = nextStartMs(c.spec.pace, prev);
    }
  };

  const loops = clients.map((c) => loop(c).catch((err) => {
    const endMs = deps.now();
    log.complete(c.process, "info", endMs, wall(endMs), { error: `client crashed: ${(err as Error)?.message ?? String(err)}` });
  }));

  let stopped: Promise<ClientsSummary> | undefined;
  const stop = async (): Promise<ClientsSummary> => {
    abort.abort();
    const grace = new AbortController();
    await Promise.race([Promise.all(loops), sleep(deps.stopGraceMs ?? 1000, grace.signal)]);
    grace.abort();
    const endMs = deps.now();
    const closedAtStop = log.closeOpen(endMs, wall(endMs));
    for (const g of guards) g.abort();
    await Promise.all(loops); // their late completions are ignored: the ops are closed
    log.close();
    return { ...log.summary(), bindings: clients.map((c) => c.node), closedAtStop, ...(deps.file ? { file: deps.file } : {}) };
  };
  return { log, stop: () => (stopped ??= stop()) };
}

function makeClients(deps: ClientDeps, workload: ClientsWorkload): Client[] {
  const total = workload.reduce((s, g) => s + g.count, 0);
  const rngs = clientRngs(deps.rng, total);
  const clients: Client[] = [];
  for (const spec of workload) {
    const nodes = bindNodes(spec.binding, deps.nodes, spec.count, deps.rng);
    for (let i = 0; i < spec.count; i++) {
      const process = clients.length;
      clients.push({ process, node: nodes[i]!, spec, rng: rngs[process]!, uniqueDrawn: 0 });
    }
  }
  return clients;
}

function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
