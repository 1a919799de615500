/**
 * What the node action kinds (kill, stop, restart, pause, resume) share: act on every listed
 * node at once through the cluster's runtime, record one entry timed around the action, and
 * start the workload again on nodes that restarted (after `appliedAt`: the workload is not part
 * of the fault).
 */
import { rel } from "../../run/progress.js";
import { now } from "../../util/clock.js";
import type { NodeAction } from "../../scenario/model.js";
import type { RunContext } from "../../run/context.js";
import type { Drawn, FaultKind, FaultStep, NemesisRule } from "./kind.js";

const ACTIONS: Record<NodeAction, (ctx: RunContext, node: string) => Promise<unknown>> = {
  kill: (ctx, n) => ctx.cluster.kill(n),
  // the application under test may ask for a longer grace to stop cleanly
  stop: (ctx, n) => ctx.cluster.stopNode(n, ctx.app?.spec.stopGraceMs),
  restart: (ctx, n) => ctx.cluster.restart(n),
  pause: (ctx, n) => ctx.cluster.pause(n),
  resume: (ctx, n) => ctx.cluster.resume(n),
};

export function nodeAction<K extends NodeAction>(kind: K, drawn: Drawn, nemesis?: NemesisRule<FaultStep<K>>): FaultKind<FaultStep<K>> {
  return {
    kind,
    drawn,
    async apply(ctx, step, how) {
      const startedAt = now();
      await Promise.all(step.nodes.map((n) => ACTIONS[kind](ctx, n)));
      const appliedAt = now();
      ctx.lastChangeAt = appliedAt;
      ctx.history.record("fault", { step: how.path, kind, nodes: step.nodes, startedAt, appliedAt, ...(how.nemesis ? { nemesis: true } : {}) }, startedAt);
      ctx.progress(`${rel(ctx, startedAt)}  ${how.nemesis ? "nemesis " : ""}${kind} ${step.nodes.join(", ")} (${Math.round(appliedAt - startedAt)} ms)`);
      if (kind === "restart") await how.startWorkloadOn(step.nodes);
    },
    // the history's entry names the nodes: the report labels it from there
    describe: () => undefined,
    ...(nemesis ? { nemesis } : {}),
  };
}

/** The nemesis's rule for node actions: the drawn node, if it is running. */
export function drawRunning<K extends NodeAction>(kind: K, lasts: "interval" | "instant"): NemesisRule<FaultStep<K>> {
  return {
    draw: (ctx, node, _mode, at) => (ctx.cluster.node(node).state === "running" ? ({ kind, nodes: [node], at } as FaultStep<K>) : null),
    lasts,
  };
}
