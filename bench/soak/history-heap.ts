/**
 * How much of the harness's heap the run's history takes. The runner keeps every history entry
 * in memory (`History.entries` in harness/src/run/history.ts: checks such as global.blocking
 * and the final reports read them), so the harness's heap grows with every event by design. To
 * tell that apart from a leak, the soak measures the history's retained size exactly:
 *
 *   retainHistory()          before the run: wraps History.prototype.record (measurement only,
 *                            behaviour unchanged) to keep a reference to the run's History
 *   measureRetainedHistory() after the run (the reports are written, nothing reads the entries
 *                            any more): full GC, heapUsed; empty `entries`; full GC, heapUsed. The
 *                            difference is what the entries (and all they alone hold) took,
 *                            divided by history.msgpack's size: heap bytes per file byte, which
 *                            report.ts uses to subtract the history at every cycle end
 *                            (`heap_net`). Emptying the array, rather than dropping our reference,
 *                            measures the same even while something else still holds the History
 *                            for a while (at the time of writing a 30 s race timer in runner/run.ts).
 */
import { statSync } from "node:fs";
import { History } from "../../harness/src/run/history.js";

export interface HistoryHeap {
  entries: number;
  fileBytes: number;
  /** Heap retained by the run's history entries. */
  heapBytes: number;
  /** heapBytes / fileBytes. */
  heapPerFileByte: number;
}

let held: History | undefined;
let restore: (() => void) | undefined;

/** Starts keeping a reference to the History that records next (the soak's run). */
export function retainHistory(): void {
  if (restore) return;
  const original = History.prototype.record;
  History.prototype.record = function (this: History, ...args: Parameters<History["record"]>) {
    held ??= this;
    return original.apply(this, args);
  };
  restore = () => {
    History.prototype.record = original;
    restore = undefined;
  };
}

/** Measures and releases the History kept by retainHistory; `file` is its history.msgpack. */
export function measureRetainedHistory(file: string, gc: () => void): HistoryHeap {
  restore?.();
  if (!held) throw new Error("no History was recorded since retainHistory(): call it before the run");
  const entries = held.entries.length;
  gc();
  const withHistory = process.memoryUsage().heapUsed;
  held.entries.length = 0;
  held = undefined;
  gc();
  const heapBytes = Math.max(0, withHistory - process.memoryUsage().heapUsed);
  const fileBytes = statSync(file).size;
  return { entries, fileBytes, heapBytes, heapPerFileByte: fileBytes > 0 ? heapBytes / fileBytes : 0 };
}
