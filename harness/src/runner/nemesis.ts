/**
 * A seeded random nemesis: every `interval`, undo the previous fault and inject a new one
 * drawn from `faults` with the run's RNG, for `duration`; then heal everything (network faults
 * removed, paused nodes resumed, killed nodes restarted). Same seed, same faults.
 */
import { halvesGrudge, isolateGrudge, components } from "../faults/grudge.js";
import type { NemesisStep } from "../scenario/model.js";
import type { RunContext } from "../run/context.js";
import { rel } from "../run/progress.js";
import { now } from "../util/clock.js";
import { pick } from "../run/rng.js";
import { recordFault } from "../run/fault-state.js";
import { sleep } from "../util/sleep.js";
import { setupNodeWorkload } from "./workload.js";

export async function runNemesis(ctx: RunContext, step: NemesisStep): Promise<void> {
  const { cluster, rng } = ctx;
  const end = now() + step.durationMs;
  ctx.progress(`${rel(ctx)}  nemesis: ${step.faults.join(", ")} every ${step.intervalMs} ms for ${step.durationMs} ms (seed ${ctx.seed})`);
  while (now() < end && !ctx.signal.aborted) {
    await undo(ctx);
    const kind = pick(rng, step.faults);
    const node = pick(rng, cluster.running().length > 1 ? cluster.running() : cluster.names);
    const startedAt = now();
    switch (kind) {
      case "partition": {
        const grudge = rng() < 0.5 ? halvesGrudge(cluster.names, rng) : isolateGrudge(cluster.names, node);
        const f = await cluster.faults.partition(grudge, step.mode);
        ctx.sides = components(cluster.names, grudge);
        recordFault(ctx, `${step.at.path}#nemesis`, f, `nemesis partition [${ctx.sides?.map((s) => s.join(" ")).join(" | ")}] (${step.mode})`);
        break;
      }
      case "oneway": {
        const other = pick(rng, cluster.names.filter((n) => n !== node));
        recordFault(ctx, `${step.at.path}#nemesis`, await cluster.faults.oneway([node], [other]), `nemesis one-way cut ${node} -> ${other}`);
        break;
      }
      case "delay": {
        const other = pick(rng, cluster.names.filter((n) => n !== node));
        const latency = 100 + Math.floor(rng() * 400);
        recordFault(ctx, `${step.at.path}#nemesis`, await cluster.faults.delay([[node, other].sort() as [string, string]], latency, 0), `nemesis delay ${latency} ms on ${node}-${other}`);
        break;
      }
      case "kill": case "pause": case "restart": {
        if (cluster.node(node).state !== "running") break;
        if (kind === "kill") await cluster.kill(node);
        else if (kind === "pause") await cluster.pause(node);
        else await cluster.restart(node);
        ctx.lastChangeAt = now();
        ctx.history.record("fault", { step: `${step.at.path}#nemesis`, kind, nodes: [node], startedAt, appliedAt: ctx.lastChangeAt, nemesis: true }, startedAt);
        ctx.progress(`${rel(ctx, startedAt)}  nemesis ${kind} ${node}`);
        if (kind === "restart") await setupNodeWorkload(ctx, [node]);
        break;
      }
    }
    await sleep(Math.min(step.intervalMs, Math.max(0, end - now())), ctx.signal);
  }
  await undo(ctx);
}

/** Heals the network, resumes paused nodes and restarts killed ones. */
export async function undo(ctx: RunContext): Promise<void> {
  const { cluster } = ctx;
  if (!cluster.faults.healed) {
    const f = await cluster.faults.heal();
    ctx.sides = null;
    recordFault(ctx, "nemesis", f, "nemesis heal");
  }
  for (const n of cluster.nodes) {
    if (n.state === "paused") {
      await cluster.resume(n.name);
      ctx.history.record("fault", { step: "nemesis", kind: "resume", nodes: [n.name], startedAt: now(), appliedAt: now(), nemesis: true });
    } else if (n.state === "killed") {
      await cluster.restart(n.name);
      await setupNodeWorkload(ctx, [n.name]);
      ctx.history.record("fault", { step: "nemesis", kind: "restart", nodes: [n.name], startedAt: now(), appliedAt: now(), nemesis: true });
    }
  }
}
