/**
 * The final read phase of `history.set` / `history.exactly_once`: after the run's final heal, the
 * runner reads the application's state (`readOnce`: e.g. `Jobs.completed/0` on a running node)
 * and judges it with the checker, again and again until it passes or `withinMs` runs out, like
 * the other convergence checks (a healed cluster may need a moment to merge its halves). The
 * last attempt's verdict is the check's; a read that throws is an unknown attempt, not a crash.
 */
import type { HistoryVerdict } from "../types.js";
import { checkSafely } from "./safely.js";

export interface FinalReadOptions {
  /** How long to keep trying after the first attempt (ms). */
  withinMs: number;
  /** Pause between attempts (ms). Default 500. */
  intervalMs?: number;
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface FinalReadResult extends HistoryVerdict {
  attempts: number;
  /** The value the last successful read returned (for the report). */
  lastValue?: unknown;
}

export async function finalRead<T>(readOnce: () => Promise<T>, judge: (value: T) => HistoryVerdict, options: FinalReadOptions): Promise<FinalReadResult> {
  const deadline = options.now() + options.withinMs;
  let attempts = 0;
  let last: FinalReadResult | undefined;
  for (;;) {
    attempts++;
    try {
      const value = await readOnce();
      last = { ...checkSafely(() => judge(value)), attempts, lastValue: value };
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      last = { verdict: "unknown", detail: `the final read failed: ${message}`, data: { error: message }, attempts, ...(last?.lastValue !== undefined ? { lastValue: last.lastValue } : {}) };
    }
    if (last.verdict === "pass" || options.now() >= deadline) break;
    await options.sleep(Math.min(options.intervalMs ?? 500, Math.max(0, deadline - options.now())));
  }
  const tried = attempts > 1 ? ` (after ${attempts} reads)` : "";
  return { ...last, detail: `${last.detail}${tried}` };
}
