/**
 * The scenario's workload: started on every node at boot (pg members, global names and probes,
 * Horde), again on a node that restarts, and waited for until it has converged, so what the
 * checks see afterwards comes from the faults.
 */
import { globalNamesUnique } from "../checks/global.js";
import { pgConverged } from "../checks/pg.js";
import { GLOBAL_REGISTER_TIMEOUT_MS } from "../faults/kinds/global-register.js";
import type { HowApplied } from "../faults/kinds/index.js";
import { spawnHordeKeys, startHordeOn } from "../horde/workload.js";
import type { RunContext } from "../run/context.js";
import { rel } from "../run/progress.js";
import { now } from "../util/clock.js";


/** Starts the workload on every node and waits until it has converged. */
export async function setupWorkload(ctx: RunContext): Promise<void> {
  const { workload } = ctx.scenario;
  // :global syncs in the background after nodeup; let it finish so the timeline starts from
  // one global view (otherwise a first-step conflict can come from the boot, not the fault)
  await Promise.all(ctx.cluster.running().map((n) => ctx.cluster.agent(n).call("global_sync", {}, 10_000)));
  for (const g of workload.globalNames) {
    const outcome = await ctx.cluster.agent(g.node).call<Record<string, unknown>>("global_register", { name: g.name, timeout_ms: GLOBAL_REGISTER_TIMEOUT_MS }, GLOBAL_REGISTER_TIMEOUT_MS + 5000);
    ctx.history.record("global_register", { node: g.node, name: g.name, outcome, workload: true });
  }
  await setupNodeWorkload(ctx, ctx.cluster.names);
  await spawnHordeKeys(ctx);
  // the timeline starts from a converged workload, so what the checks see comes from the faults
  const at = { file: "", line: 0, column: 0, path: "" };
  if (workload.pg.length > 0) await untilPass(() => pgConverged.attempt(ctx, { name: "pg.converged", withinMs: 0, at }));
  if (ctx.globalNames.size > 0) await untilPass(() => globalNamesUnique.attempt(ctx, { name: "global.names_unique", withinMs: 0, names: [...ctx.globalNames], at }));
  ctx.history.record("workload_ready", {});
  const horde = workload.horde.length === 0 ? "" : ctx.hordeUnavailable ? ", Horde skipped: Horde is not available" : `, ${workload.horde.reduce((s, h) => s + h.keys, 0)} Horde keys`;
  ctx.progress(`${rel(ctx)}  workload started (${workload.pg.length} pg groups, ${workload.globalNames.length} global names, ${workload.globalProbes.length} global probes${horde})`);
  if (workload.horde.length > 0 && ctx.hordeUnavailable) {
    ctx.history.record("horde_skipped", { reason: `Horde is not available (${ctx.hordeUnavailable})` });
    ctx.progress(`${rel(ctx)}  SKIPPED the Horde workload: Horde is not available (${ctx.hordeUnavailable})`);
  }
}

async function untilPass(attempt: () => Promise<{ verdict: string }>, timeoutMs = 10_000): Promise<void> {
  const t0 = now();
  while (now() - t0 < timeoutMs && (await attempt()).verdict !== "pass") await new Promise((r) => setTimeout(r, 20));
}

/** Starts the scenario's workload on the given nodes (all at boot; one after a restart). */
export async function setupNodeWorkload(ctx: RunContext, nodes: readonly string[]): Promise<void> {
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
}

/** How a fault is applied on this run: under `path`, restarted nodes getting their workload again. */
export function howApplied(ctx: RunContext, path: string, nemesis: boolean): HowApplied {
  return { path, nemesis, startWorkloadOn: (nodes) => setupNodeWorkload(ctx, nodes) };
}
