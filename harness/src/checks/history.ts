/** The `history.*` checks: judged once, on the run's client history (ops.jsonl, workloads/clients.ts). */
import { anomalyOps } from "../clients/anomalies.js";
import { faultWindows } from "../clients/fault-windows.js";
import { readOps, runHistoryCheck } from "../clients/index.js";
import type { RunContext } from "../run/context.js";
import type { HistoryCheck } from "../scenario/model.js";
import { now } from "../util/clock.js";
import { clientDeps, stopClientsPhase } from "../workloads/clients.js";
import type { Attempt } from "./types.js";

/** One `history.*` check on the run's history, as an attempt of the check runner (decided once). */
export async function historyCheckResult(ctx: RunContext, check: HistoryCheck): Promise<Attempt & { attempts: number }> {
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
