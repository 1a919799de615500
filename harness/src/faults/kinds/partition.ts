/** `partition`: cut the network into pieces (a grudge: who cannot reach whom). */
import type { RunContext } from "../../run/context.js";
import type { PartitionShape } from "../../scenario/model.js";
import { bridgeGrudge, components, explicitGrudge, groupsGrudge, halvesGrudge, isolateGrudge, isSymmetric, majoritiesRingGrudge, type Grudge } from "../grudge.js";
import type { FaultKind, FaultStep } from "./kind.js";
import { sidesOfCut } from "../links.js";
import { recordLinkFault } from "./link-fault.js";

/** Resolves a partition's shape on the run's nodes (`halves` and `majorities_ring` from the run's RNG). */
export function grudgeFor(ctx: RunContext, shape: PartitionShape): Grudge {
  const nodes = ctx.cluster.names;
  switch (shape.kind) {
    case "groups": return groupsGrudge(nodes, shape.groups);
    case "isolate": return isolateGrudge(nodes, shape.nodes);
    case "halves": return halvesGrudge(nodes, ctx.rng);
    case "bridge": return bridgeGrudge(nodes, shape.node);
    case "majorities_ring": return majoritiesRingGrudge(nodes, ctx.rng);
    case "grudge": return explicitGrudge(nodes, Object.fromEntries(shape.grudge));
  }
}

const sideText = (g: string[][]) => g.map((s) => s.join(" ")).join(" | ");

export const partition: FaultKind<FaultStep<"partition">> = {
  kind: "partition",
  drawn: { as: "link", cut: true },
  async apply(ctx, step, how) {
    const { cluster } = ctx;
    const grudge = grudgeFor(ctx, step.shape);
    const f = await cluster.faults.partition(grudge, step.mode);
    ctx.sides = isSymmetric(grudge) ? components(cluster.names, grudge) : null;
    recordLinkFault(ctx, how, f, `partition ${ctx.sides ? `[${sideText(ctx.sides)}]` : step.shape.kind} (${step.mode})`);
  },
  describe: (step) => `partition (${step.mode})`,
  report: {
    label(f, nodes) {
      const sides = sidesOfCut(nodes, f.pairs);
      const shape = sides.length > 1 ? sides.map((s) => s.join(" ")).join(" | ") : `${f.pairs.length} links cut`;
      return `partition ${shape}${f.mode ? ` (${f.mode})` : ""}`;
    },
  },
  nemesis: {
    // half the time two random halves, else the drawn node alone
    draw: (ctx, node, mode, at) => ({ kind: "partition", shape: ctx.rng() < 0.5 ? { kind: "halves" } : { kind: "isolate", nodes: [node] }, mode, at }),
    lasts: "interval",
  },
};
