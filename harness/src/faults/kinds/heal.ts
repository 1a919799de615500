/** `heal`: remove every network fault, or those on some links. Never reconnects nodes itself. */
import type { FaultKind, FaultStep } from "./kind.js";
import { linksText, recordLinkFault } from "./link-fault.js";

export const heal: FaultKind<FaultStep<"heal">> = {
  kind: "heal",
  drawn: { as: "heal" },
  async apply(ctx, step, how) {
    const f = step.links === "all" ? await ctx.cluster.faults.heal() : await ctx.cluster.faults.heal(step.links);
    ctx.sides = null;
    recordLinkFault(ctx, how, f, step.links === "all" ? "heal all" : `heal ${linksText(false, step.links)}`);
  },
  describe: (step) => (step.links === "all" ? "heal all" : `heal ${linksText(false, step.links)}`),
};
