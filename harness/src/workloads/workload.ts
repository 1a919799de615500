/**
 * A workload kind (pg groups, global names and probes, Horde): how it sets itself up on the
 * nodes and which checks read it. The runner (runner/workload.ts) goes through the registry
 * (index.ts) in order at each moment of a run:
 *
 *   boot:    beforeNodes (cluster-wide) ─▶ startOn(every node) ─▶ afterNodes ─▶ untilConverged
 *   restart: startOn(the restarted nodes)
 */
import type { RunContext } from "../run/context.js";
import { now } from "../util/clock.js";

export interface WorkloadKind {
  readonly name: string;
  /** The checks that read what this workload does (checks/index.ts names). */
  readonly checks: readonly string[];
  /** True when the scenario has some of this workload. */
  present(ctx: RunContext): boolean;
  /** Cluster-wide setup at boot, before any node starts it. */
  beforeNodes?(ctx: RunContext): Promise<void>;
  /** Starts it on the nodes: every node at boot, a node again after it restarts. */
  startOn(ctx: RunContext, nodes: readonly string[]): Promise<void>;
  /** At boot, once every node runs it. */
  afterNodes?(ctx: RunContext): Promise<void>;
  /** Waits (bounded) until it has converged, so the timeline starts from a settled workload. */
  untilConverged?(ctx: RunContext): Promise<void>;
}

/** Polls `attempt` every 20 ms until it passes or `timeoutMs` (10 s) runs out. */
export async function untilPass(attempt: () => Promise<{ verdict: string }>, timeoutMs = 10_000): Promise<void> {
  const t0 = now();
  while (now() - t0 < timeoutMs && (await attempt()).verdict !== "pass") await new Promise((r) => setTimeout(r, 20));
}

export const NO_SOURCE = { file: "", line: 0, column: 0, path: "" };
