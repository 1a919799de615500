/**
 * What the run knows about the faults in force, shared by the fault kinds (which change it)
 * and the checks (which read it): the sides of a clean partition and when the network or a
 * node last changed (convergence times count from it).
 */
import type { AppliedFault } from "../faults/link-faults.js";
import type { History } from "./history.js";
import { rel } from "./progress.js";

export interface FaultState {
  /** The sides of the partition in force (clean groups), or null when none or not clean. */
  sides: string[][] | null;
  /** When the last fault or heal was applied (harness ms): convergence times count from it. */
  lastChangeAt: number | null;
}

export function initialFaultState(): FaultState {
  return { sides: null, lastChangeAt: null };
}

/** Records an applied link fault or heal: the history entry, the fault state and one progress line. */
export function recordFault(ctx: FaultState & { readonly history: History; readonly progress: (line: string) => void; readonly startedAt: number }, step: string, f: AppliedFault, what: string): void {
  ctx.lastChangeAt = f.appliedAt;
  ctx.history.record("fault", { step, ...f }, f.startedAt);
  const links = f.directions[0] === "all" ? "" : `${f.directions.length} directed links, `;
  ctx.progress(`${rel(ctx, f.startedAt)}  ${what} (${links}applied in ${Math.round(f.appliedAt - f.startedAt)} ms)`);
}
