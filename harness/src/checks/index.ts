/**
 * Running a check: look up its checker by name, retry convergence checks until they pass or
 * `within` runs out (polling every POLL_MS, which is the resolution of convergence times), and
 * turn a checker that throws into `unknown` with the error, never a crash of the run.
 */
import type { Check } from "../scenario/model.js";
import type { RunContext } from "../run/context.js";
import { now } from "../util/clock.js";
import { clusterMesh, clusterSees } from "./cluster.js";
import { globalBlocking, globalNamesUnique } from "./global.js";
import { hordeNoLoss, hordeUnique } from "./horde.js";
import { invariant } from "./invariant.js";
import { pgConverged, pgPartitioned } from "./pg.js";
import type { Attempt, Checker, CheckResult } from "./types.js";
import { historyCheckResult } from "./history.js";

export type { CheckResult, Verdict } from "./types.js";

export const POLL_MS = 50;

const CHECKERS = new Map<string, Checker>(
  [clusterMesh, clusterSees, pgConverged, pgPartitioned, globalNamesUnique, globalBlocking, hordeUnique, hordeNoLoss, invariant].map((c) => [c.name, c as Checker]),
);

async function attempt(ctx: RunContext, checker: Checker, check: Check): Promise<Attempt> {
  try {
    return await checker.attempt(ctx, check);
  } catch (err) {
    return { verdict: "unknown", detail: `the checker failed: ${(err as Error)?.message ?? String(err)}` };
  }
}

export async function runCheck(ctx: RunContext, check: Check, midRun: boolean): Promise<CheckResult> {
  const source = check.at.line > 0 ? `${check.at.file}:${check.at.line}:${check.at.column}` : `${check.at.file}:${check.at.path}`;
  if (check.name.startsWith("history.")) {
    // history.* judge the clients' whole history once; their final reads retry by themselves
    const r = await historyCheckResult(ctx, check as Extract<Check, { name: `history.${string}` }>)
      .catch((err): Attempt & { attempts: number } => ({ verdict: "unknown", detail: `the checker failed: ${(err as Error)?.message ?? String(err)}`, attempts: 1 }));
    return { name: check.name, verdict: r.verdict, detail: r.detail, ...(r.data !== undefined ? { data: r.data } : {}), decided_at: now(), source, mid_run: midRun, attempts: r.attempts };
  }
  const checker = CHECKERS.get(check.name);
  if (!checker) {
    return { name: check.name, verdict: "unknown", detail: `no checker named ${check.name}`, decided_at: now(), source, mid_run: midRun, attempts: 0 };
  }
  const start = now();
  const withinMs = "withinMs" in check ? check.withinMs : 0;
  const deadline = start + (checker.converges ? withinMs : 0);
  let attempts = 0;
  let last: Attempt;
  for (;;) {
    attempts++;
    last = await attempt(ctx, checker, check);
    if (last.verdict === "pass" || last.verdict === "skipped" || last.final || now() >= deadline || ctx.signal.aborted) break;
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - now()))));
  }
  const decidedAt = now();
  let valueMs = last.valueMs;
  if (valueMs === undefined && checker.converges && last.verdict === "pass") {
    // time to converge: from the last fault or heal (an upper bound when the first attempt
    // passed: it converged before we looked), else from the check's own start (0: it held at once)
    valueMs = ctx.lastChangeAt === null && attempts === 1 ? 0 : Math.round(decidedAt - (ctx.lastChangeAt ?? start));
  }
  return {
    name: check.name,
    verdict: last.verdict,
    detail: last.detail,
    ...(valueMs !== undefined ? { value_ms: valueMs } : {}),
    ...(last.data !== undefined ? { data: last.data } : {}),
    decided_at: decidedAt,
    source,
    mid_run: midRun,
    attempts,
  };
}

/** The run's verdict: any fail, else any unknown, else pass (skipped checks do not count). */
export function overallVerdict(results: readonly CheckResult[]): "pass" | "fail" | "unknown" {
  if (results.some((r) => r.verdict === "fail")) return "fail";
  if (results.some((r) => r.verdict === "unknown")) return "unknown";
  return "pass";
}
