/**
 * What the benchmarks read about processes: resident memory (VmRSS from /proc/<pid>/status),
 * open file descriptors and OS threads, and a high-resolution wall clock on the same scale as
 * the harness's timestamps.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Harness time: ms since the epoch, fractional (the same clock as ClusterEvent.at and AppliedFault). */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resident memory of a process in MiB, or undefined when it is gone (or not Linux). */
export function rssMiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The executable name of a process (`/proc/<pid>/comm`), e.g. "beam.smp", or undefined. */
export function comm(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Open file descriptors of a process (entries of /proc/<pid>/fd), or undefined. */
export function fdCount(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** OS threads of a process (`Threads:` in /proc/<pid>/status), or undefined. */
export function threadCount(pid: number): number | undefined {
  try {
    const m = /^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat (fields 14
 * and 15, in USER_HZ = 100 ticks per second: 10 ms resolution). Undefined when it is gone.
 */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** CPU time this process has used so far, in ms. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
