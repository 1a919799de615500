/**
 * The harness clock: ms since the epoch, fractional, monotonic within a process (the time
 * origin plus `performance.now()`). Every harness timestamp (history entries, fault
 * start/applied times, cluster events, boot and phase durations) comes from here, so two times
 * from anywhere in a run can be subtracted. It lives on the lowest floor because the runtimes
 * and the link faults stamp their own events.
 */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
