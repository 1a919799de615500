/**
 * A seeded random nemesis: every `interval`, undo the previous fault and inject a new one of a
 * kind drawn from `faults` with the run's RNG, for `duration`; then heal everything (network
 * faults removed, paused nodes resumed, killed nodes restarted). Same seed, same faults.
 *
 * The kinds come from the fault registry (faults/kinds/): each kind's nemesis rule draws a step
 * of that kind, which is applied exactly as a step of the scenario would be (same recording,
 * same times), under the path `<step>#nemesis`. The undo applies heal, resume and restart steps
 * the same way, under the path `nemesis`.
 */
import { FAULT_KINDS, faultKindOf, nemesisRule, type FaultStep } from "../faults/kinds/index.js";
import type { RunContext } from "../run/context.js";
import { rel } from "../run/progress.js";
import { pick } from "../run/rng.js";
import type { NemesisStep } from "../scenario/model.js";
import { now } from "../util/clock.js";
import { sleep } from "../util/sleep.js";
import { howApplied } from "./workload.js";

export async function runNemesis(ctx: RunContext, step: NemesisStep): Promise<void> {
  const { cluster, rng } = ctx;
  const end = now() + step.durationMs;
  const how = howApplied(ctx, `${step.at.path}#nemesis`, true);
  ctx.progress(`${rel(ctx)}  nemesis: ${step.faults.join(", ")} every ${step.intervalMs} ms for ${step.durationMs} ms (seed ${ctx.seed})`);
  while (now() < end && !ctx.signal.aborted) {
    await undo(ctx);
    const kind = pick(rng, step.faults);
    const node = pick(rng, cluster.running().length > 1 ? cluster.running() : cluster.names);
    const rule = nemesisRule(kind);
    if (!rule) throw new Error(`internal: the nemesis cannot draw a ${kind}`);
    const drawn = rule.draw(ctx, node, step.mode, step.at);
    if (drawn) await faultKindOf(drawn).apply(ctx, drawn, how);
    await sleep(Math.min(step.intervalMs, Math.max(0, end - now())), ctx.signal);
  }
  await undo(ctx);
}

/** Heals the network, resumes paused nodes and restarts killed ones, each recorded like a step. */
export async function undo(ctx: RunContext): Promise<void> {
  const { cluster } = ctx;
  const how = howApplied(ctx, "nemesis", true);
  const at = { file: "", line: 0, column: 0, path: "nemesis" };
  if (!cluster.faults.healed) await FAULT_KINDS.heal.apply(ctx, { kind: "heal", links: "all", at }, how);
  for (const n of cluster.nodes) {
    if (n.state === "paused") await FAULT_KINDS.resume.apply(ctx, { kind: "resume", nodes: [n.name], at } as FaultStep<"resume">, how);
    else if (n.state === "killed") await FAULT_KINDS.restart.apply(ctx, { kind: "restart", nodes: [n.name], at } as FaultStep<"restart">, how);
  }
}
