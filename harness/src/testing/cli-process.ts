/**
 * Test helper: runs the real `netsplit` executable (bin/netsplit.js) as a child process, the way
 * a user does, and watches /proc while it runs to record every BEAM node and Toxiproxy it starts
 * (its direct children), so tests can check whose processes a run used and that none outlive it.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "../util/paths.js";
import { allProcesses, type ProcInfo } from "./procs.js";

export interface CliRun {
  /** The CLI process's pid. */
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  /** Every node (beam.smp) and toxiproxy-server the run had as direct children, by pid. */
  children: Map<number, ProcInfo>;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  /** Default 120000: then the CLI is SIGKILLed and the run resolves. */
  timeoutMs?: number;
}

/** Runs `netsplit ...argv`; resolves when it exits, or after `timeoutMs` (then SIGKILLs it). */
export function runNetsplit(argv: string[], options: CliOptions = {}): Promise<CliRun> {
  return startNetsplit(argv, options).done;
}

export interface StartedCli {
  /** Fills in while the CLI runs. */
  run: CliRun;
  /** Resolves when the CLI has exited and its output is read. */
  done: Promise<CliRun>;
  /** Resolves once stdout+stderr match `pattern`; rejects after `timeoutMs` or if the CLI exits first. */
  until: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  kill: (signal: NodeJS.Signals) => void;
}

/** Starts `netsplit ...argv`: `run` fills in while it runs, `done` resolves when it has exited. */
export function startNetsplit(argv: string[], options: CliOptions = {}): StartedCli {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, "bin/netsplit.js"), ...argv], {
    cwd: REPO_ROOT,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const run: CliRun = { pid: child.pid ?? -1, code: null, signal: null, out: "", err: "", children: new Map() };
  const waiters = new Set<() => void>();
  const onData = (into: "out" | "err") => (d: Buffer) => {
    run[into] += d.toString();
    for (const w of [...waiters]) w();
  };
  child.stdout.on("data", onData("out"));
  child.stderr.on("data", onData("err"));
  const sample = () => {
    for (const p of allProcesses()) {
      if (p.ppid === run.pid && /beam|toxiproxy/.test(p.comm) && !run.children.has(p.pid)) run.children.set(p.pid, p);
    }
  };
  const sampler = setInterval(sample, 50);
  const limit = options.timeoutMs ?? 120_000;
  const done = new Promise<CliRun>((resolve) => {
    const timer = setTimeout(() => {
      run.err += `\n[test] netsplit did not exit within ${limit} ms: killed`;
      child.kill("SIGKILL");
    }, limit);
    child.once("exit", (code, signal) => {
      clearInterval(sampler);
      clearTimeout(timer);
      run.code = code;
      run.signal = signal;
      // stdout/stderr may still hold the last lines
      child.once("close", () => resolve(run));
    });
  });
  let exited = false;
  void done.then(() => {
    exited = true;
    for (const w of [...waiters]) w();
  });
  const until = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        waiters.delete(check);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (pattern.test(run.out + run.err)) settle();
        else if (exited) settle(new Error(`netsplit exited before printing ${pattern}; output:\n${run.out}${run.err}`));
      };
      const timer = setTimeout(() => settle(new Error(`netsplit printed nothing matching ${pattern} within ${timeoutMs} ms; output:\n${run.out}${run.err}`)), timeoutMs);
      waiters.add(check);
      check();
    });
  return { run, done, until, kill: (signal) => child.kill(signal) };
}

/**
 * The run directories a `netsplit run --jobs N` printed (`started: NAME (N nodes) -> DIR
 * (timeline.log there)`), by scenario name, as absolute paths.
 */
export function startedRunDirs(out: string): Map<string, string> {
  return new Map([...out.matchAll(/^started: (\S+) \(\d+ nodes\) -> (.+) \(timeline\.log there\)$/gm)].map((m) => [m[1]!, path.resolve(REPO_ROOT, m[2]!)]));
}
