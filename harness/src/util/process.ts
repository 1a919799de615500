/** Whether a process exists, by pid. */

/**
 * True while a process with this pid exists. Signal 0 checks without sending anything: ESRCH
 * means there is no such process; EPERM means there is one but it belongs to another user, so
 * it exists and counts as alive. Callers decide from "alive" to leave something alone (a
 * harness's files, its port locks), and a process we may not signal is no reason to sweep what
 * it owns. (Before, runtime/reaper.ts took EPERM as dead and runtime/node-home.ts as alive.)
 */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
