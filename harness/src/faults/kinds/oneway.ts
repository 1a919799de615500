/** `oneway`: drop the bytes from some nodes to others; the other direction still flows. */
import { pick } from "../../run/rng.js";
import type { FaultKind, FaultStep } from "./kind.js";
import { recordLinkFault } from "./link-fault.js";

export const oneway: FaultKind<FaultStep<"oneway">> = {
  kind: "oneway",
  drawn: { as: "link", cut: true },
  async apply(ctx, step, how) {
    const f = await ctx.cluster.faults.oneway(step.from, step.to);
    ctx.sides = null;
    recordLinkFault(ctx, how, f, `one-way cut ${step.from.join(" ")} -> ${step.to.join(" ")}`);
  },
  describe: (step) => `one-way ${step.from.join(" ")} → ${step.to.join(" ")}`,
  report: { label: (f) => `one-way ${f.directions.join(", ").replaceAll("->", "→")}` },
  nemesis: {
    draw: (ctx, node, mode, at) => ({ kind: "oneway", from: [node], to: [pick(ctx.rng, ctx.cluster.names.filter((n) => n !== node))], mode, at }),
    lasts: "interval",
  },
};
