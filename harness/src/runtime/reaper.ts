/**
 * Makes sure every process netsplit starts is stopped: on normal completion (the owners stop
 * them), on SIGINT/SIGTERM (handlers installed here kill everything tracked, then exit with
 * 130/143), and after the harness itself was SIGKILLed (each harness keeps a pid file under
 * `.netsplit/pids/`; the next harness sweeps the files whose owner is dead).
 *
 * What cannot be killed synchronously (containers and networks of the docker runtime) registers
 * an async cleanup with `onInterruptCleanup`: on SIGINT/SIGTERM those run, bounded by
 * `INTERRUPT_CLEANUP_LIMIT_MS`, before the exit; a second signal exits at once. (Containers of a
 * SIGKILLed harness are swept by label at the next docker run: runtime/docker/sweep.ts.)
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stateDir } from "../util/paths.js";
import { processExists } from "../util/process.js";
import { now } from "../util/clock.js";

export interface Tracked {
  pid: number;
  label: string;
  /** A string found in /proc/<pid>/cmdline, so a reused pid is never killed by a sweep. */
  marker: string;
}

const tracked = new Map<number, Tracked>();
const interruptHooks = new Set<() => void>();
const interruptCleanups = new Map<() => Promise<void>, string>();

/** How long SIGINT/SIGTERM waits for the async cleanups (container removal) before exiting. */
export const INTERRUPT_CLEANUP_LIMIT_MS = 20_000;

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
  removeHandlersIfIdle();
}

/**
 * Runs `cleanup` (awaited, at most INTERRUPT_CLEANUP_LIMIT_MS for all of them) when SIGINT or
 * SIGTERM arrives, after the sync hooks and the process kills; `what` names what it removes
 * ("the containers and network of netsplit-1a2b"). The signal handlers stay installed while a
 * cleanup is registered. Returns the function that unregisters it.
 */
export function onInterruptCleanup(cleanup: () => Promise<void>, what: string): () => void {
  installHandlers();
  interruptCleanups.set(cleanup, what);
  return () => {
    interruptCleanups.delete(cleanup);
    removeHandlersIfIdle();
  };
}

/**
 * Runs `hook` synchronously when an interrupt arrives, before the processes are killed. The
 * signal handlers stay installed while a hook is registered, so work that owns no process yet
 * (a run being set up) or any more (a run writing its reports) still ends on SIGINT/SIGTERM
 * through its hook, with the reaper's exit code.
 */
export function onInterrupt(hook: () => void): () => void {
  installHandlers();
  interruptHooks.add(hook);
  return () => {
    interruptHooks.delete(hook);
    removeHandlersIfIdle();
  };
}

function removeHandlersIfIdle(): void {
  if (tracked.size === 0 && interruptCleanups.size === 0 && interruptHooks.size === 0) removeHandlers();
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

let interrupted = false;
/** stderr as it was before an interrupt muted the program's own output. */
let say: (text: string) => boolean = (text) => process.stderr.write(text);

/** True once SIGINT/SIGTERM arrived: work that fails because its cleanup ran should stay quiet. */
export function wasInterrupted(): boolean {
  return interrupted;
}

function onSignal(signal: NodeJS.Signals, code: number): () => void {
  return () => {
    if (interrupted) {
      say(`\nnetsplit: ${signal} again: exiting now; what is left is swept at the next run\n`);
      process.exit(code);
    }
    interrupted = true;
    for (const hook of interruptHooks) {
      try {
        hook();
      } catch {
        // an interrupt hook must never keep us from killing the processes
      }
    }
    killAll();
    const cleanups = [...interruptCleanups.keys()];
    if (cleanups.length === 0) {
      process.stderr.write(`\nnetsplit: ${signal} received, every node and proxy stopped\n`);
      process.exit(code);
    }
    // The rest of the program keeps running while the cleanups do; what it would print now is
    // the fallout of the teardown (closed agents, failed calls), so only the reaper speaks.
    say = process.stderr.write.bind(process.stderr);
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    say(`\nnetsplit: ${signal} received, removing ${[...interruptCleanups.values()].join(", ")}...\n`);
    const started = now();
    const limit = new Promise<string>((resolve) => setTimeout(() => resolve("timeout"), INTERRUPT_CLEANUP_LIMIT_MS).unref());
    const all = Promise.allSettled(cleanups.map((c) => c())).then((rs) => {
      const failed = rs.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      return failed.length === 0 ? "done" : `failed: ${failed.map((f) => String((f.reason as Error)?.message ?? f.reason)).join("; ")}`;
    });
    void Promise.race([all, limit]).then((outcome) => {
      const ms = Math.round(now() - started);
      if (outcome === "done") say(`netsplit: everything removed (${ms} ms)\n`);
      else if (outcome === "timeout") say(`netsplit: cleanup still running after ${ms} ms: exiting; the next run sweeps what is left\n`);
      else say(`netsplit: cleanup ${outcome}; the next run sweeps what is left\n`);
      process.exit(code);
    });
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

/** True while a process with this pid exists (util/process.ts: one test of it for the whole harness). */
export const alive = processExists;

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
