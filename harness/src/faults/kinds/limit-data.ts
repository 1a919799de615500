/**
 * `limit_data`: each connection on the links is closed once `bytes` have crossed it in one
 * direction (Toxiproxy's limit_data toxic on both streams of both proxies of a pair). Every new
 * connection gets a fresh count, so a link whose nodes keep reconnecting flaps: up until N
 * bytes, then closed. A heal removes it.
 */
import type { FaultKind, FaultStep } from "./kind.js";
import { linksText, recordLinkFault } from "./link-fault.js";

export const limitData: FaultKind<FaultStep<"limit_data">> = {
  kind: "limit_data",
  drawn: { as: "link", cut: false },
  async apply(ctx, step, how) {
    const f = await ctx.cluster.faults.onLinks("limit_data", step.links, { type: "limit_data", attributes: { bytes: step.bytes } });
    recordLinkFault(ctx, how, f, `limit_data ${step.bytes} bytes per connection on ${linksText(step.allLinks, step.links)}`);
  },
  describe: (step) => `close connections after ${step.bytes} bytes on ${linksText(step.allLinks, step.links)}`,
};
