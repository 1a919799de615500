/**
 * `global_register`: every listed node registers a fresh process of its own under one global
 * name at once, to make :global resolve a conflict. Not a fault of the network or of a node,
 * but an action on the cluster on the timeline like one.
 */
import { rel } from "../../run/progress.js";
import type { FaultKind, FaultStep } from "./kind.js";

export const GLOBAL_REGISTER_TIMEOUT_MS = 30_000;

export const globalRegister: FaultKind<FaultStep<"global_register">> = {
  kind: "global_register",
  drawn: { as: "none" },
  async apply(ctx, step) {
    ctx.globalNames.add(step.name);
    ctx.progress(`${rel(ctx)}  global_register "${step.name}" on ${step.nodes.join(", ")}`);
    await Promise.all(step.nodes.map(async (n) => {
      try {
        const outcome = await ctx.cluster.agent(n).call<Record<string, unknown>>("global_register", { name: step.name, timeout_ms: GLOBAL_REGISTER_TIMEOUT_MS }, GLOBAL_REGISTER_TIMEOUT_MS + 5000);
        ctx.history.record("global_register", { node: n, name: step.name, outcome });
        const took = outcome.ended_us ? `${Math.round((Number(outcome.ended_us) - Number(outcome.started_us)) / 1000)} ms` : `blocked > ${GLOBAL_REGISTER_TIMEOUT_MS} ms`;
        ctx.progress(`${rel(ctx)}    ${n}: register_name("${step.name}") -> ${String(outcome.result ?? outcome.status)} in ${took}`);
      } catch (err) {
        ctx.history.record("global_register", { node: n, name: step.name, error: (err as Error).message });
        ctx.progress(`${rel(ctx)}    ${n}: register_name("${step.name}") failed: ${(err as Error).message}`);
      }
    }));
  },
  describe: (step) => `global_register "${step.name}" on ${step.nodes.join(", ")}`,
};
