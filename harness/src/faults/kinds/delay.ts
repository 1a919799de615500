/** `delay`: add latency (± jitter) to each direction of links (Toxiproxy's latency toxic). */
import { pick } from "../../run/rng.js";
import type { Link } from "../../scenario/model.js";
import type { FaultKind, FaultStep } from "./kind.js";
import { linksText, recordLinkFault } from "./link-fault.js";

export const delay: FaultKind<FaultStep<"delay">> = {
  kind: "delay",
  drawn: { as: "link", cut: false },
  async apply(ctx, step, how) {
    const f = await ctx.cluster.faults.delay(step.links, step.latencyMs, step.jitterMs);
    recordLinkFault(ctx, how, f, `delay ${step.latencyMs}±${step.jitterMs} ms on ${linksText(step.allLinks, step.links)}`);
  },
  describe: (step) => `delay ${step.latencyMs}${step.jitterMs ? `±${step.jitterMs}` : ""} ms on ${linksText(step.allLinks, step.links)}`,
  nemesis: {
    // 100..499 ms on one link of the drawn node
    draw: (ctx, node, _mode, at) => {
      const other = pick(ctx.rng, ctx.cluster.names.filter((n) => n !== node));
      const latencyMs = 100 + Math.floor(ctx.rng() * 400);
      return { kind: "delay", links: [[node, other].sort() as unknown as Link], allLinks: false, latencyMs, jitterMs: 0, at };
    },
    lasts: "interval",
  },
};
