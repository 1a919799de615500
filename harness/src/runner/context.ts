/** What a running scenario shares between its steps and its checkers. */
import type { StartedCluster } from "../runtime/cluster.js";
import type { Scenario } from "../scenario/model.js";
import type { History } from "./history.js";
import type { Rng } from "./rng.js";
import type { PreparedApp } from "../app/prepare.js";
import type { ClientsRun } from "./clients-phase.js";

export interface RunContext {
  readonly scenario: Scenario;
  readonly cluster: StartedCluster;
  readonly history: History;
  readonly rng: Rng;
  readonly seed: number;
  /** One line of progress for a person watching the run. */
  readonly progress: (line: string) => void;
  readonly startedAt: number;
  /** The sides of the partition in force (clean groups), or null when none or not clean. */
  sides: string[][] | null;
  /** When the last fault or heal was applied (harness ms): convergence times count from it. */
  lastChangeAt: number | null;
  /** Every global name the run uses: workload names and global_register names. */
  readonly globalNames: Set<string>;
  /** Why Horde checks cannot run, or null when Horde is available. */
  readonly hordeUnavailable: string | null;
  /** The application under test (`cluster.app`), resolved for this run; undefined without one. */
  readonly app: PreparedApp | undefined;
  /** The clients of `workload.clients` once started (runner/clients-phase.ts). */
  clients?: ClientsRun;
  /** Set when the run must stop (time limit, interrupt). */
  readonly signal: AbortSignal;
}

/** Nodes to ask: every node that is running, in cluster order. */
export function runningNodes(ctx: RunContext): string[] {
  return ctx.cluster.running();
}
