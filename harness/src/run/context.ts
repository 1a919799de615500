/**
 * What a running scenario shares between its phases, its steps, its workloads and its checks:
 * the ground floor of a run (runner/ builds it; checks/, workloads and report/ only read it).
 */
import type { StartedCluster } from "../runtime/cluster.js";
import type { Scenario } from "../scenario/model.js";
import type { FaultState } from "./fault-state.js";
import type { History } from "./history.js";
import type { Rng } from "./rng.js";
import type { PreparedApp } from "../app/prepare.js";
import type { ClientsSummary, readOps, StartedClients } from "../clients/index.js";

export interface RunContext extends FaultState {
  readonly scenario: Scenario;
  readonly cluster: StartedCluster;
  readonly history: History;
  readonly rng: Rng;
  readonly seed: number;
  /** One line of progress for a person watching the run. */
  readonly progress: (line: string) => void;
  readonly startedAt: number;
  /** Every global name the run uses: workload names and global_register names. */
  readonly globalNames: Set<string>;
  /** Why Horde checks cannot run, or null when Horde is available. */
  readonly hordeUnavailable: string | null;
  /** The application under test (`cluster.app`), resolved for this run; undefined without one. */
  readonly app: PreparedApp | undefined;
  /** The clients of `workload.clients` once started (workloads/clients.ts). */
  clients?: ClientsRun;
  /** Set when the run must stop (time limit, interrupt). */
  readonly signal: AbortSignal;
}

/** The clients of a run, kept on the run's context. */
export interface ClientsRun {
  readonly file: string;
  readonly started: StartedClients;
  summary?: ClientsSummary;
  /** ops.jsonl read back once at the stop, for the report's lane and every history check. */
  read?: ReturnType<typeof readOps>;
}

/** Nodes to ask: every node that is running, in cluster order. */
export function runningNodes(ctx: RunContext): string[] {
  return ctx.cluster.running();
}
