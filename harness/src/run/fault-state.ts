/**
 * What the run knows about the faults in force, shared by the fault kinds (which change it)
 * and the checks (which read it): the sides of a clean partition and when the network or a
 * node last changed (convergence times count from it).
 */
export interface FaultState {
  /** The sides of the partition in force (clean groups), or null when none or not clean. */
  sides: string[][] | null;
  /** When the last fault or heal was applied (harness ms): convergence times count from it. */
  lastChangeAt: number | null;
}

export function initialFaultState(): FaultState {
  return { sides: null, lastChangeAt: null };
}

