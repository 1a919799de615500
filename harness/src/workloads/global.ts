/**
 * The global workload: names registered once at boot and probes that keep calling :global on
 * their nodes; global.names_unique and global.blocking read them.
 */
import { globalNamesUnique } from "../checks/global.js";
import { GLOBAL_REGISTER_TIMEOUT_MS } from "../faults/kinds/global-register.js";
import { NO_SOURCE, untilPass, type WorkloadKind } from "./workload.js";

export const global: WorkloadKind = {
  name: "global",
  checks: ["global.names_unique", "global.blocking"],
  present: (ctx) => ctx.scenario.workload.globalNames.length > 0 || ctx.scenario.workload.globalProbes.length > 0,
  async beforeNodes(ctx) {
    // :global syncs in the background after nodeup; let it finish so the timeline starts from
    // one global view (otherwise a first-step conflict can come from the boot, not the fault)
    await Promise.all(ctx.cluster.running().map((n) => ctx.cluster.agent(n).call("global_sync", {}, 10_000)));
    for (const g of ctx.scenario.workload.globalNames) {
      const outcome = await ctx.cluster.agent(g.node).call<Record<string, unknown>>("global_register", { name: g.name, timeout_ms: GLOBAL_REGISTER_TIMEOUT_MS }, GLOBAL_REGISTER_TIMEOUT_MS + 5000);
      ctx.history.record("global_register", { node: g.node, name: g.name, outcome, workload: true });
    }
  },
  async startOn(ctx, nodes) {
    const w = ctx.scenario.workload;
    await Promise.all(nodes.map(async (n) => {
      for (const p of w.globalProbes) {
        if (p.nodes.includes(n)) await ctx.cluster.agent(n).call("global_probe_start", { op: p.op, every_ms: p.everyMs, timeout_ms: p.timeoutMs, name: w.globalNames[0]?.name ?? null });
      }
    }));
  },
  async untilConverged(ctx) {
    if (ctx.globalNames.size > 0) await untilPass(() => globalNamesUnique.attempt(ctx, { name: "global.names_unique", withinMs: 0, names: [...ctx.globalNames], at: NO_SOURCE }));
  },
};
