/**
 * Makes sure every process netsplit starts is stopped: on normal completion (the owners stop
 * them), on SIGINT/SIGTERM (handlers installed here kill everything tracked, then exit with
 * 130/143), and after the harness itself was SIGKILLed (each harness keeps a pid file under
 * `.netsplit/pids/`; the next harness sweeps the files whose owner is dead).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stateDir } from "../util/paths.js";

export interface Tracked {
  pid: number;
  label: string;
  /** A string found in /proc/<pid>/cmdline, so a reused pid is never killed by a sweep. */
  marker: string;
}

const tracked = new Map<number, Tracked>();
const interruptHooks = new Set<() => void>();

function pidFile(): string {
  return path.join(stateDir(), "pids", `${process.pid}.json`);
}

function persist(): void {
  try {
    if (tracked.size === 0) {
      rmSync(pidFile(), { force: true });
      return;
    }
    mkdirSync(path.dirname(pidFile()), { recursive: true });
    writeFileSync(pidFile(), JSON.stringify([...tracked.values()]));
  } catch {
    // best effort: the state folder may be read-only; signal handlers still cover us
  }
}

export function track(entry: Tracked): void {
  installHandlers();
  tracked.set(entry.pid, entry);
  persist();
}

export function untrack(pid: number): void {
  if (tracked.delete(pid)) persist();
  if (tracked.size === 0) removeHandlers();
}

/** Runs `hook` synchronously when an interrupt arrives, before the processes are killed. */
export function onInterrupt(hook: () => void): () => void {
  interruptHooks.add(hook);
  return () => interruptHooks.delete(hook);
}

function killAll(): void {
  for (const { pid } of tracked.values()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  tracked.clear();
  persist();
}

function onSignal(signal: NodeJS.Signals, code: number): () => void {
  return () => {
    for (const hook of interruptHooks) {
      try {
        hook();
      } catch {
        // an interrupt hook must never keep us from killing the processes
      }
    }
    killAll();
    process.stderr.write(`\nnetsplit: ${signal} received, every node and proxy stopped\n`);
    process.exit(code);
  };
}

const onSigint = onSignal("SIGINT", 130);
const onSigterm = onSignal("SIGTERM", 143);

/** Signal handlers are installed only while something is tracked: an idle library leaves the
 * host process's signals alone. */
function installHandlers(): void {
  if (process.listeners("SIGINT").includes(onSigint)) return;
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  process.on("exit", killAll);
}

function removeHandlers(): void {
  process.off("SIGINT", onSigint);
  process.off("SIGTERM", onSigterm);
  process.off("exit", killAll);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** Kills what earlier harnesses that died without cleaning up left behind. Returns the count. */
export function sweepLeftovers(): number {
  const dir = path.join(stateDir(), "pids");
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return 0;
  }
  let killed = 0;
  for (const file of files) {
    const owner = Number.parseInt(file, 10);
    if (!Number.isFinite(owner) || owner === process.pid || alive(owner)) continue;
    let entries: Tracked[] = [];
    try {
      entries = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Tracked[];
    } catch {
      // unreadable: drop it
    }
    for (const e of entries) {
      if (alive(e.pid) && cmdline(e.pid).includes(e.marker)) {
        try {
          process.kill(e.pid, "SIGKILL");
          killed++;
        } catch {
          // raced with its own exit
        }
      }
    }
    rmSync(path.join(dir, file), { force: true });
  }
  return killed;
}
