/** `bandwidth`: limit each direction of links to a rate (Toxiproxy's bandwidth toxic). */
import type { FaultKind, FaultStep } from "./kind.js";
import { linksText, recordLinkFault } from "./link-fault.js";

export const bandwidth: FaultKind<FaultStep<"bandwidth">> = {
  kind: "bandwidth",
  drawn: { as: "link", cut: false },
  async apply(ctx, step, how) {
    const f = await ctx.cluster.faults.bandwidth(step.links, step.rateKbps);
    recordLinkFault(ctx, how, f, `bandwidth ${step.rateKbps} KB/s on ${linksText(step.allLinks, step.links)}`);
  },
  describe: (step) => `bandwidth ${step.rateKbps} KB/s on ${linksText(step.allLinks, step.links)}`,
};
