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
import { prepareApp, portNames, type PreparedApp } from "../app/prepare.js";
import { startApp } from "../app/start.js";
import type { Scenario } from "../scenario/model.js";
import { freePorts } from "../util/ports.js";
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
  if (workload.pg.length > 0) await untilPass(() => pgConverged.attempt(ctx, { name: "pg.converged", withinMs: 0, scope: undefined, groups: "all", at }));
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
  // a restarted node runs the application under test again (at boot the runner starts it)
  if (ctx.app && nodes.length < ctx.cluster.names.length) await startApp(ctx, ctx.app, nodes);
}

/** How a fault is applied on this run: under `path`, restarted nodes getting their workload again. */
export function howApplied(ctx: RunContext, path: string, nemesis: boolean): HowApplied {
  return { path, nemesis, startWorkloadOn: (nodes) => setupNodeWorkload(ctx, nodes) };
}

/** Resolves the scenario's application under test for this run (ports for `{port:NAME}` included). */
export async function prepareRunApp(scenario: Scenario, runDir: string): Promise<PreparedApp | undefined> {
  const spec = scenario.cluster.app;
  if (!spec) return undefined;
  const names = portNames(spec);
  const free = names.length ? await freePorts("127.0.0.1", names.length * scenario.cluster.nodes.length) : [];
  const ports = new Map(scenario.cluster.nodes.flatMap((n, i) => names.map((p, j) => [`${n}/${p}`, free[i * names.length + j]!] as const)));
  return prepareApp(spec, runDir, (node, name) => ports.get(`${node}/${name}`)!);
}

/** Starts the application under test on every node and waits until it is ready. */
export async function startAppOnEveryNode(ctx: RunContext, app: PreparedApp): Promise<void> {
  const t0 = now();
  const what = app.mix ? `${app.mix.apps.join(", ")} (mix, ${app.mix.mixEnv})` : app.spec.source.kind;
  await startApp(ctx, app, ctx.cluster.names);
  ctx.progress(`${rel(ctx)}  application under test ${what} started and ready on ${ctx.cluster.names.length} nodes in ${Math.round(now() - t0)} ms${app.spec.ready ? ` (${app.spec.ready.call.text})` : ""}`);
}
