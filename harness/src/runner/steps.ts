/**
 * Executes scenario steps against a started cluster, recording each step's start and end and
 * every fault's exact times in the history, and one progress line per step.
 */
import { runCheck, type CheckResult } from "../checks/index.js";
import { globalNamesUnique } from "../checks/global.js";
import { pgConverged } from "../checks/pg.js";
import { bridgeGrudge, components, explicitGrudge, groupsGrudge, halvesGrudge, isolateGrudge, isSymmetric, majoritiesRingGrudge, type Grudge } from "../faults/grudge.js";
import type { AppliedFault } from "../faults/link-faults.js";
import type { PartitionShape, Step, WaitUntilStep } from "../scenario/model.js";
import type { RunContext } from "./context.js";
import { now } from "./history.js";
import { runNemesis } from "./nemesis.js";
import { startHordeOn } from "../horde/workload.js";
import { startApp } from "../app/start.js";
import { callNodes, callOn, describeOutcomes, type CallOutcome } from "../app/calls.js";

export const GLOBAL_REGISTER_TIMEOUT_MS = 30_000;

export function grudgeFor(ctx: RunContext, shape: PartitionShape): Grudge {
  const nodes = ctx.cluster.names;
  switch (shape.kind) {
    case "groups": return groupsGrudge(nodes, shape.groups);
    case "isolate": return isolateGrudge(nodes, shape.nodes);
    case "halves": return halvesGrudge(nodes, ctx.rng);
    case "bridge": return bridgeGrudge(nodes, shape.node);
    case "majorities_ring": return majoritiesRingGrudge(nodes, ctx.rng);
    case "grudge": return explicitGrudge(nodes, Object.fromEntries(shape.grudge));
  }
}

export function rel(ctx: RunContext, t = now()): string {
  return `+${((t - ctx.startedAt) / 1000).toFixed(2)}s`.padStart(9);
}

export function recordFault(ctx: RunContext, step: string, f: AppliedFault, what: string): void {
  ctx.lastChangeAt = f.appliedAt;
  ctx.history.record("fault", { step, ...f }, f.startedAt);
  const links = f.directions[0] === "all" ? "" : `${f.directions.length} directed links, `;
  ctx.progress(`${rel(ctx, f.startedAt)}  ${what} (${links}applied in ${Math.round(f.appliedAt - f.startedAt)} ms)`);
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(() => { signal.removeEventListener("abort", onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); resolve(); };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

const sideText = (g: string[][]) => g.map((s) => s.join(" ")).join(" | ");

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
  const { cluster } = ctx;
  switch (step.kind) {
    case "partition": {
      const grudge = grudgeFor(ctx, step.shape);
      const f = await cluster.faults.partition(grudge, step.mode);
      ctx.sides = isSymmetric(grudge) ? components(cluster.names, grudge) : null;
      recordFault(ctx, step.at.path, f, `partition ${ctx.sides ? `[${sideText(ctx.sides)}]` : step.shape.kind} (${step.mode})`);
      return;
    }
    case "oneway": {
      const f = await cluster.faults.oneway(step.from, step.to);
      ctx.sides = null;
      recordFault(ctx, step.at.path, f, `one-way cut ${step.from.join(" ")} -> ${step.to.join(" ")}`);
      return;
    }
    case "delay": {
      const f = await cluster.faults.delay(step.links, step.latencyMs, step.jitterMs);
      recordFault(ctx, step.at.path, f, `delay ${step.latencyMs}±${step.jitterMs} ms on ${step.allLinks ? "all links" : step.links.map((l) => l.join("-")).join(", ")}`);
      return;
    }
    case "bandwidth": {
      const f = await cluster.faults.bandwidth(step.links, step.rateKbps);
      recordFault(ctx, step.at.path, f, `bandwidth ${step.rateKbps} KB/s on ${step.allLinks ? "all links" : step.links.map((l) => l.join("-")).join(", ")}`);
      return;
    }
    case "pause_link": {
      const f = await cluster.faults.pauseLinks(step.links);
      recordFault(ctx, step.at.path, f, `pause (lossless) ${step.allLinks ? "all links" : step.links.map((l) => l.join("-")).join(", ")}`);
      return;
    }
    case "heal": {
      const f = step.links === "all" ? await cluster.faults.heal() : await cluster.faults.heal(step.links);
      ctx.sides = null;
      recordFault(ctx, step.at.path, f, step.links === "all" ? "heal all" : `heal ${step.links.map((l) => l.join("-")).join(", ")}`);
      return;
    }
    case "kill": case "stop": case "restart": case "pause": case "resume": {
      const startedAt = now();
      await Promise.all(step.nodes.map(async (n) => {
        if (step.kind === "kill") await cluster.kill(n);
        else if (step.kind === "stop") await cluster.stopNode(n, ctx.app?.spec.stopGraceMs);
        else if (step.kind === "restart") await cluster.restart(n);
        else if (step.kind === "pause") await cluster.pause(n);
        else await cluster.resume(n);
      }));
      const appliedAt = now();
      ctx.lastChangeAt = appliedAt;
      ctx.history.record("fault", { step: step.at.path, kind: step.kind, nodes: step.nodes, startedAt, appliedAt }, startedAt);
      ctx.progress(`${rel(ctx, startedAt)}  ${step.kind} ${step.nodes.join(", ")} (${Math.round(appliedAt - startedAt)} ms)`);
      if (step.kind === "restart") await setupNodeWorkload(ctx, step.nodes);
      return;
    }
    case "global_register": {
      ctx.globalNames.add(step.name);
      ctx.progress(`${rel(ctx)}  global_register "${step.name}" on ${step.nodes.join(", ")}`);
      await Promise.all(step.nodes.map(async (n) => {
        try {
          const outcome = await cluster.agent(n).call<Record<string, unknown>>("global_register", { name: step.name, timeout_ms: GLOBAL_REGISTER_TIMEOUT_MS }, GLOBAL_REGISTER_TIMEOUT_MS + 5000);
          ctx.history.record("global_register", { node: n, name: step.name, outcome });
          const took = outcome.ended_us ? `${Math.round((Number(outcome.ended_us) - Number(outcome.started_us)) / 1000)} ms` : `blocked > ${GLOBAL_REGISTER_TIMEOUT_MS} ms`;
          ctx.progress(`${rel(ctx)}    ${n}: register_name("${step.name}") -> ${String(outcome.result ?? outcome.status)} in ${took}`);
        } catch (err) {
          ctx.history.record("global_register", { node: n, name: step.name, error: (err as Error).message });
          ctx.progress(`${rel(ctx)}    ${n}: register_name("${step.name}") failed: ${(err as Error).message}`);
        }
      }));
      return;
    }
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

/** Starts the scenario's workload on the given nodes (all at boot, `restarted` false; after a restart, with the application under test). */
export async function setupNodeWorkload(ctx: RunContext, nodes: readonly string[], restarted = true): Promise<void> {
  const w = ctx.scenario.workload;
  await Promise.all(nodes.map(async (n) => {
    const agent = ctx.cluster.agent(n);
    for (const g of w.pg) if (g.nodes.includes(n) && g.perNode > 0) await agent.call("pg_start", { scope: g.scope, group: g.group, count: g.perNode });
    for (const p of w.globalProbes) {
      if (p.nodes.includes(n)) await agent.call("global_probe_start", { op: p.op, every_ms: p.everyMs, timeout_ms: p.timeoutMs, name: w.globalNames[0]?.name ?? null });
    }
  }));
  // Horde's registry and supervisor on each node (a restarted node rejoins the Horde cluster;
  // the keys themselves are started once, at boot, by the runner)
  await startHordeOn(ctx, nodes);
  // a restarted node runs the application under test again (at boot the runner starts it)
  if (ctx.app && restarted) await startApp(ctx, ctx.app, nodes);
}
