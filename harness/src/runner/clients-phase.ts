/**
 * The clients of `workload.clients` in a run (issue 15): started once the app is ready and the
 * workload is set up, stopped after the steps and the final heal (before the checks), their
 * history streamed to `<run dir>/ops.jsonl`; and the `history.*` checks, judged on that file.
 * Kept apart from run.ts so the run's phases stay as they are: run.ts calls `startClientsPhase`,
 * `stopClientsPhase`, and checks/index.ts hands `history.*` to `historyCheckResult`.
 */
import path from "node:path";
import type { CallReply } from "../agent/ops.js";
import type { Attempt } from "../checks/types.js";
import { anomalyOps } from "../clients/anomalies.js";
import { faultWindows } from "../clients/fault-windows.js";
import { opsLane } from "../clients/lane.js";
import { readOps, runHistoryCheck, startClients, type ClientDeps, type ClientsSummary, type StartedClients } from "../clients/index.js";
import type { HistoryCheck } from "../scenario/model.js";
import type { RunContext } from "./context.js";
import { now } from "./history.js";
import { seededRng } from "./rng.js";
import { rel } from "./steps.js";

export const OPS_FILE = "ops.jsonl";

/** The clients of a run, kept on the run's context. */
export interface ClientsRun {
  readonly file: string;
  readonly started: StartedClients;
  summary?: ClientsSummary;
  /** ops.jsonl read back once at the stop, for the report's lane and every history check. */
  read?: ReturnType<typeof readOps>;
}

/** The calls the clients and the final reads make: the agent's `call` op on the node. */
function clientDeps(ctx: RunContext): Pick<ClientDeps, "call" | "nodeState" | "nodes"> {
  return {
    nodes: ctx.cluster.names,
    nodeState: (node) => ctx.cluster.node(node).state,
    call: (node, module, fn, args, timeoutMs) =>
      ctx.cluster.agent(node).call<CallReply>("call", { module, function: fn, args, timeout_ms: timeoutMs }, timeoutMs + 5000),
  };
}

/** Starts the scenario's clients, or does nothing when it has none. */
export function startClientsPhase(ctx: RunContext & { clients?: ClientsRun }, runDir: string): ClientsRun | undefined {
  const workload = ctx.scenario.workload.clients;
  if (workload.length === 0) return undefined;
  const file = path.join(runDir, OPS_FILE);
  // a generator of its own, drawn from the run's seed: adding clients changes no other random choice
  const rng = seededRng((ctx.seed ^ 0x0c11e575) >>> 0);
  const started = startClients({ ...clientDeps(ctx), rng, runStartedAt: ctx.startedAt, now: () => now() - ctx.startedAt, file }, workload);
  const run: ClientsRun = { file, started };
  ctx.clients = run;
  const count = workload.reduce((s, g) => s + g.count, 0);
  const fs = [...new Set(workload.flatMap((g) => g.ops.map((o) => o.f)))];
  ctx.history.record("clients_started", { count, ops: fs, file: OPS_FILE, groups: workload.map((g) => ({ count: g.count, binding: g.binding, pace: g.pace, timeout_ms: g.timeoutMs, ops: g.ops.map((o) => ({ f: o.f, call: o.call.text, weight: o.weight })) })) });
  ctx.progress(`${rel(ctx)}  clients started: ${count} (${fs.join(", ")}) -> ${OPS_FILE}`);
  return run;
}

/** Stops the clients (idempotent) and records their summary. */
export async function stopClientsPhase(ctx: RunContext, run: ClientsRun | undefined): Promise<ClientsSummary | undefined> {
  if (!run) return undefined;
  if (run.summary) return run.summary;
  const summary = await run.started.stop();
  run.summary = summary;
  let lane;
  try {
    // read back once, for the lane and every history check (a read of a long run is ~1 KB per op)
    run.read = readOps(run.file);
    lane = opsLane(run.read.ops, summary.bindings);
  } catch {
    lane = undefined; // the report draws no ops lane; the checks read the file themselves
  }
  ctx.history.record("clients_stopped", { summary: { ...summary, file: OPS_FILE }, ...(lane ? { lane } : {}) });
  ctx.progress(`${rel(ctx)}  clients stopped: ${summary.invokes} ops, ${summary.ok} ok, ${summary.fail} fail, ${summary.info} info (${byFText(summary)})`);
  return summary;
}

/** `add 120: 100 ok / 15 fail / 5 info; read 30: 30 ok / 0 fail / 0 info` */
export function byFText(summary: Pick<ClientsSummary, "byF">): string {
  return Object.entries(summary.byF).map(([f, c]) => `${f} ${c.invokes}: ${c.ok} ok / ${c.fail} fail / ${c.info} info`).join("; ");
}

/** One `history.*` check on the run's history, as an attempt of the check runner (decided once). */
export async function historyCheckResult(ctx: RunContext & { clients?: ClientsRun }, check: HistoryCheck): Promise<Attempt & { attempts: number }> {
  const run = ctx.clients;
  if (!run) return { verdict: "unknown", detail: "the run has no client history (workload.clients did not start)", final: true, attempts: 0 };
  await stopClientsPhase(ctx, run);
  const { ops, truncated } = (run.read ??= readOps(run.file));
  const windows = faultWindows(ctx.history.entries, ctx.startedAt);
  const r = await runHistoryCheck(check, {
    ops, workload: ctx.scenario.workload.clients, faults: windows, deps: clientDeps(ctx),
    now: () => now(), sleep: (ms) => new Promise((res) => setTimeout(res, ms)),
  });
  const addF = check.name === "history.unique_ids" ? check.f : "add" in check ? check.add : "";
  const anomalies = anomalyOps(check.name, addF, ops, r.data, windows);
  const data = { ...r.data, ...(anomalies.length ? { anomaly_ops: anomalies } : {}), ...(truncated ? { truncated: true } : {}) };
  return { verdict: r.verdict, detail: r.detail, data, final: true, attempts: r.attempts };
}
