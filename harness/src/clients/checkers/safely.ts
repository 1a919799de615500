/**
 * A history checker that throws must not crash the run (Jepsen: it yields unknown with the
 * error attached). `checkSafely(() => checkSet(ops, options))` is what the runner calls.
 */
import type { HistoryVerdict } from "../types.js";

export function checkSafely(run: () => HistoryVerdict): HistoryVerdict {
  try {
    return run();
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    return { verdict: "unknown", detail: `the checker threw: ${message}`, data: { error: message } };
  }
}
