/**
 * Executes scenario steps against a started cluster, recording each step's start and end in
 * the history and one progress line per step. Fault kinds (faults/kinds/) apply themselves;
 * the runner's own steps (wait, wait_until, repeat, nemesis, check, log) are here.
 */
import { runCheck, type CheckResult } from "../checks/index.js";
import { globalNamesUnique } from "../checks/global.js";
import { pgConverged } from "../checks/pg.js";
import { callNodes, callOn, describeOutcomes, type CallOutcome } from "../app/calls.js";
import { faultKindOf, isFaultStep } from "../faults/kinds/index.js";
import type { RunContext } from "../run/context.js";
import { rel } from "../run/progress.js";
import type { Step, WaitUntilStep } from "../scenario/model.js";
import { now } from "../util/clock.js";
import { sleep } from "../util/sleep.js";
import { runNemesis } from "./nemesis.js";
import { howApplied } from "./workload.js";

export async function runSteps(ctx: RunContext, steps: readonly Step[], midRun: CheckResult[]): Promise<void> {
  for (const step of steps) {
    if (ctx.signal.aborted) return;
    const t0 = now();
    ctx.history.record("step_start", { kind: step.kind, path: step.at.path, line: step.at.line });
    await runStep(ctx, step, midRun);
    ctx.history.record("step_end", { kind: step.kind, path: step.at.path, duration_ms: now() - t0 });
  }
}

async function runStep(ctx: RunContext, step: Step, midRun: CheckResult[]): Promise<void> {
  if (isFaultStep(step)) return faultKindOf(step).apply(ctx, step, howApplied(ctx, step.at.path, false));
  switch (step.kind) {
    case "wait":
      await sleep(step.ms, ctx.signal);
      return;
    case "wait_until": {
      const t0 = now();
      if (typeof step.until === "object") {
        const { ok, detail } = await waitUntilCall(ctx, step.until, step.timeoutMs);
        const took = Math.round(now() - t0);
        ctx.history.record(ok ? "wait_reached" : "wait_timeout", { until: step.until.call.text, ms: took, path: step.at.path, detail });
        ctx.progress(`${rel(ctx)}  wait until ${step.until.call.text}: ${ok ? `reached in ${took} ms` : `NOT reached within ${step.timeoutMs} ms (${detail}; continuing)`}`);
        return;
      }
      const ok = await waitUntil(ctx, step.until, step.timeoutMs);
      const took = Math.round(now() - t0);
      ctx.history.record(ok ? "wait_reached" : "wait_timeout", { until: step.until, ms: took, path: step.at.path });
      ctx.progress(`${rel(ctx)}  wait until ${step.until}: ${ok ? `reached in ${took} ms` : `NOT reached within ${step.timeoutMs} ms (continuing)`}`);
      return;
    }
    case "repeat":
      for (let i = 0; i < step.times && !ctx.signal.aborted; i++) {
        ctx.progress(`${rel(ctx)}  repeat ${i + 1}/${step.times}`);
        await runSteps(ctx, step.steps, midRun);
      }
      return;
    case "nemesis":
      await runNemesis(ctx, step);
      return;
    case "check": {
      const result = await runCheck(ctx, step.check, true);
      midRun.push(result);
      ctx.history.record("check", { result });
      ctx.progress(`${rel(ctx)}  check ${result.name}: ${result.verdict.toUpperCase()} (${result.detail})`);
      return;
    }
    case "log":
      ctx.history.record("log", { message: step.message });
      ctx.progress(`${rel(ctx)}  ${step.message}`);
      return;
  }
}

async function waitUntil(ctx: RunContext, until: string, timeoutMs: number): Promise<boolean> {
  if (until === "mesh") {
    try {
      await ctx.cluster.waitForMesh(timeoutMs);
      return true;
    } catch {
      return false;
    }
  }
  const deadline = now() + timeoutMs;
  const names = [...ctx.globalNames];
  while (!ctx.signal.aborted) {
    const a = until === "pg_converged"
      ? await pgConverged.attempt(ctx, { name: "pg.converged", withinMs: 0, scope: undefined, groups: "all", at: dummyAt })
      : await globalNamesUnique.attempt(ctx, { name: "global.names_unique", withinMs: 0, names, at: dummyAt });
    if (a.verdict === "pass") return true;
    if (now() >= deadline) return false;
    await sleep(50, ctx.signal);
  }
  return false;
}

const dummyAt = { file: "", line: 0, column: 0, path: "" };

/** Polls a call of the application under test on its nodes until every one passes, or the timeout. */
async function waitUntilCall(ctx: RunContext, until: Extract<WaitUntilStep["until"], { kind: "call" }>, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  const deadline = now() + timeoutMs;
  let last: CallOutcome[] = [];
  while (!ctx.signal.aborted) {
    const nodes = callNodes(ctx, until.nodes);
    last = await Promise.all(nodes.map((n) => callOn(ctx, n, until.call, Math.max(500, Math.min(5000, deadline - now())), until.expect)));
    if (last.length > 0 && last.every((o) => o.verdict === "pass")) return { ok: true, detail: describeOutcomes(until.call, last) };
    if (now() >= deadline || last.some((o) => o.final)) break;
    await sleep(100, ctx.signal);
  }
  return { ok: false, detail: describeOutcomes(until.call, last.filter((o) => o.verdict !== "pass")) };
}
