/**
 * The scenario's workload and the application under test: the workload kinds (workloads/:
 * pg, global, Horde) started on every node at boot, again on a node that restarts, and waited
 * for until they have converged, so what the checks see afterwards comes from the faults.
 */
import type { HowApplied } from "../faults/kinds/index.js";
import { WORKLOADS } from "../workloads/index.js";
import { prepareApp, portNames, type PreparedApp } from "../app/prepare.js";
import { startApp } from "../app/start.js";
import type { Scenario } from "../scenario/model.js";
import { freePorts } from "../util/ports.js";
import type { RunContext } from "../run/context.js";
import { rel } from "../run/progress.js";
import { now } from "../util/clock.js";

/** Starts the workload on every node and waits until it has converged (each kind in workloads/). */
export async function setupWorkload(ctx: RunContext): Promise<void> {
  const { workload } = ctx.scenario;
  for (const w of WORKLOADS) await w.beforeNodes?.(ctx);
  await setupNodeWorkload(ctx, ctx.cluster.names, false);
  for (const w of WORKLOADS) await w.afterNodes?.(ctx);
  // the timeline starts from a converged workload, so what the checks see comes from the faults
  for (const w of WORKLOADS) await w.untilConverged?.(ctx);
  ctx.history.record("workload_ready", {});
  const horde = workload.horde.length === 0 ? "" : ctx.hordeUnavailable ? ", Horde skipped: Horde is not available" : `, ${workload.horde.reduce((s, h) => s + h.keys, 0)} Horde keys`;
  ctx.progress(`${rel(ctx)}  workload started (${workload.pg.length} pg groups, ${workload.globalNames.length} global names, ${workload.globalProbes.length} global probes${horde})`);
  if (workload.horde.length > 0 && ctx.hordeUnavailable) {
    ctx.history.record("horde_skipped", { reason: `Horde is not available (${ctx.hordeUnavailable})` });
    ctx.progress(`${rel(ctx)}  SKIPPED the Horde workload: Horde is not available (${ctx.hordeUnavailable})`);
  }
}

/** Starts the scenario's workload on the given nodes (all at boot, `restarted` false; after a restart, with the application under test). */
export async function setupNodeWorkload(ctx: RunContext, nodes: readonly string[], restarted = true): Promise<void> {
  for (const w of WORKLOADS) await w.startOn(ctx, nodes);
  // a restarted node runs the application under test again (at boot the runner starts it)
  if (ctx.app && restarted) await startApp(ctx, ctx.app, nodes);
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
