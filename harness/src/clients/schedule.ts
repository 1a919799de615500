/**
 * When a client invokes its next op: pure arithmetic on ms since the run started, so the pacing
 * is tested without a clock.
 *
 *   rate r     the next op starts 1000/r ms after the previous one STARTED; an op slower than
 *              that is followed at once (no burst to catch up)
 *   think t    the next op starts t ms after the previous one COMPLETED
 *   node down  at least `downBackoffMs` after the previous op, whatever the pace, so a client
 *              whose node is down records a fail now and then instead of spinning
 */
import type { Pace } from "./types.js";

export const DEFAULT_DOWN_BACKOFF_MS = 100;

export function nextStartMs(pace: Pace, prev: { startMs: number; endMs: number; nodeDown: boolean }, downBackoffMs = DEFAULT_DOWN_BACKOFF_MS): number {
  const paced = pace.kind === "rate" ? Math.max(prev.endMs, prev.startMs + 1000 / pace.perSecond) : prev.endMs + pace.ms;
  return prev.nodeDown ? Math.max(paced, prev.endMs + downBackoffMs) : paced;
}

/** Whether a client may invoke at `nowMs` given the window (end exclusive). */
export function inWindow(window: { startMs: number; endMs?: number } | undefined, nowMs: number): boolean {
  if (!window) return true;
  return nowMs >= window.startMs && (window.endMs === undefined || nowMs < window.endMs);
}

/** Where a client with no op yet waits until: its window's start (or now). */
export function firstStartMs(window: { startMs: number } | undefined, nowMs: number): number {
  return Math.max(nowMs, window?.startMs ?? 0);
}
