/** The pg workload: members of :pg groups on their nodes; pg.converged and pg.partitioned read them. */
import { pgConverged } from "../checks/pg.js";
import { NO_SOURCE, untilPass, type WorkloadKind } from "./workload.js";

export const pg: WorkloadKind = {
  name: "pg",
  checks: ["pg.converged", "pg.partitioned"],
  present: (ctx) => ctx.scenario.workload.pg.length > 0,
  async startOn(ctx, nodes) {
    await Promise.all(nodes.map(async (n) => {
      for (const g of ctx.scenario.workload.pg) if (g.nodes.includes(n) && g.perNode > 0) await ctx.cluster.agent(n).call("pg_start", { scope: g.scope, group: g.group, count: g.perNode });
    }));
  },
  async untilConverged(ctx) {
    if (ctx.scenario.workload.pg.length > 0) await untilPass(() => pgConverged.attempt(ctx, { name: "pg.converged", withinMs: 0, scope: undefined, groups: "all", at: NO_SOURCE }));
  },
};
