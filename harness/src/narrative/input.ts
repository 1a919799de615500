/** What the narrative and the causality figures are built from, and the one way both time an event. */
import type { Topology } from "../report/topology.js";
import type { HistoryEntry } from "../run/history.js";

/** What the narrative reads of a check's outcome (report/results.ts's CheckOutcome has it). */
export interface NarrativeCheck {
  readonly name: string;
  readonly verdict: string;
  readonly detail: string;
  /** When it was decided, ms since the run started. */
  readonly decided_at_ms?: number | undefined;
}

export interface NarrativeInput {
  entries: readonly HistoryEntry[];
  t0: number;
  topology: Topology;
  checks: readonly NarrativeCheck[];
}

/** An event's time on the node's clock when it has one (t_us), else when the harness got it. */
export function eventMs(e: HistoryEntry, t0: number): number {
  const ev = e.event as { t_us?: unknown } | undefined;
  const us = typeof ev?.t_us === "number" ? ev.t_us : undefined;
  // a node clock far off the harness's (another host) is not used
  return us !== undefined && Math.abs(us / 1000 - e.t) < 5000 ? us / 1000 - t0 : e.t - t0;
}
