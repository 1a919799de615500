/**
 * What the node action kinds (kill, stop, restart, pause, resume) share: act on every listed
 * node at once through the cluster's runtime, record one entry timed around the action, and
 * start the workload again on nodes that restarted (after `appliedAt`: the workload is not part
 * of the fault).
 */
import { rel } from "../../run/progress.js";
import { now } from "../../util/clock.js";
import type { NodeAction } from "../../scenario/model.js";
import type { StartedCluster } from "../../runtime/cluster.js";
import type { Drawn, FaultKind, FaultStep, NemesisRule } from "./kind.js";

const ACTIONS: Record<NodeAction, (cluster: StartedCluster, node: string) => Promise<unknown>> = {
  kill: (c, n) => c.kill(n),
  stop: (c, n) => c.stopNode(n),
  restart: (c, n) => c.restart(n),
  pause: (c, n) => c.pause(n),
  resume: (c, n) => c.resume(n),
};

export function nodeAction<K extends NodeAction>(kind: K, drawn: Drawn, nemesis?: NemesisRule<FaultStep<K>>): FaultKind<FaultStep<K>> {
  return {
    kind,
    drawn,
    async apply(ctx, step, how) {
      const { cluster } = ctx;
      const startedAt = now();
      await Promise.all(step.nodes.map((n) => ACTIONS[kind](cluster, n)));
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
