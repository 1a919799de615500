/** `pause_link`: hold every byte on links, losing none, until a heal delivers them all. */
import type { FaultKind, FaultStep } from "./kind.js";
import { linksText, recordLinkFault } from "./link-fault.js";

export const pauseLink: FaultKind<FaultStep<"pause_link">> = {
  kind: "pause_link",
  recordedAs: "pause",
  drawn: { as: "link", cut: false },
  report: { noun: "lossless pause on" },
  async apply(ctx, step, how) {
    const f = await ctx.cluster.faults.pauseLinks(step.links);
    recordLinkFault(ctx, how, f, `pause (lossless) ${linksText(step.allLinks, step.links)}`);
  },
  describe: (step) => `lossless pause on ${linksText(step.allLinks, step.links)}`,
};
