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

/** Starts `netsplit ...argv`: `run` fills in while it runs, `done` resolves when it has exited. */
export function startNetsplit(argv: string[], options: CliOptions = {}): { run: CliRun; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, "bin/netsplit.js"), ...argv], {
    cwd: REPO_ROOT,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const run: CliRun = { pid: child.pid ?? -1, code: null, out: "", err: "", children: new Map() };
  child.stdout.on("data", (d: Buffer) => (run.out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (run.err += d.toString()));
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
    child.once("exit", (code) => {
      clearInterval(sampler);
      clearTimeout(timer);
      run.code = code;
      // stdout/stderr may still hold the last lines
      child.once("close", () => resolve(run));
    });
  });
  return { run, done };
}
