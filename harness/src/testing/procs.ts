/** What a process has started, read from /proc (Linux): for tests, and for the soak's sampler. */
import { readdirSync, readFileSync } from "node:fs";

export interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
  /** The command line, arguments joined by spaces (empty for a zombie). */
  cmdline: string;
  argv: string[];
}

export function allProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      const raw = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      out.push({ pid: Number(entry), ppid, comm, cmdline: raw.replaceAll("\0", " "), argv: raw.split("\0").filter((a) => a !== "") });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** Live children of this process that are BEAM nodes or toxiproxy servers (zombies excluded). */
export function harnessChildren(): ProcInfo[] {
  return allProcesses().filter((p) => p.ppid === process.pid && /beam|erl|toxiproxy/.test(p.comm) && p.cmdline !== "");
}

/** True while `pid` is a live process (a zombie, exited but not yet reaped, is not). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

/**
 * Waits up to `ms` for every process in `pids` to be gone (a node halts when its stdin closes);
 * returns those still running then, each as "pid comm command line" (empty: all gone).
 */
export async function stillRunningAfter(pids: readonly number[], ms = 5000): Promise<string[]> {
  const deadline = Date.now() + ms;
  let left = pids.filter(isRunning);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = left.filter(isRunning);
  }
  const all = left.length > 0 ? allProcesses() : [];
  return left.map((pid) => {
    const p = all.find((x) => x.pid === pid);
    return p ? `${pid} ${p.comm} ${p.cmdline.slice(0, 80)}` : String(pid);
  });
}
