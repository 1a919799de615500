/**
 * Several scenarios at once (`netsplit run --jobs N`, `runScenarios`): each run is as isolated as
 * two `netsplit run` processes are (own Toxiproxy, ports, cookie, secret, node HOME, run
 * directory: runner/concurrent.int.test.ts), and a CPU budget decides how many run at a time.
 *
 * The rule (docs/SCALING.md, "Several scenarios at once"): the budget is the machine's cores
 * (`os.availableParallelism()`, or `cpus`); a scenario costs
 *
 *     cost = 0.25 + nodes / 8 cores,  and at least 1 core when net_ticktime < 4 s
 *
 * and one starts, in the order given, only while the costs of the running ones plus its own fit
 * in the budget (and fewer than `jobs` run). A scenario that costs more than the whole budget
 * runs alone. Why these numbers, measured on 2 cores (OTP 25): a node's boot costs ~0.46 s of CPU
 * (docs/BENCHMARKS.md) and, once booted, ~1% of a core (sampled from /proc while the shipped
 * scenarios ran: 5 nodes 0.02–0.1 cores, 16 nodes 0.06–0.2, with spikes of ~0.05 core per node
 * while :global re-syncs after a heal); 1/8 of a core per node is ~10× the steady state and more
 * than the heal spikes, so a running timeline never needs more than its share, while the boot
 * burst (which precedes the timeline, and which the kernel scheduler hands to whoever is
 * runnable) finishes in ~0.46 × 8 ≈ 3.7 s even on the share alone. The 0.25 is the harness's
 * own work per run (the control connections, the reports) and Toxiproxy. A short net_ticktime
 * (ticks every net_ticktime/4, a peer is down after net_ticktime of silence) leaves no margin for
 * a node that waits for a core while another run boots, so such a scenario reserves a whole one.
 */
import os from "node:os";
import { openSync, writeSync, closeSync } from "node:fs";
import path from "node:path";
import type { Scenario } from "../scenario/model.js";
import type { RunVerdict } from "../report/results.js";
import { runScenario, type RunOptions, type RunOutcome } from "./run.js";

/** Cores a run costs on top of its nodes: the harness's own share and Toxiproxy. */
export const FIXED_CORES = 0.25;
/** Cores per node (see above: ~10× a booted node's measured steady state). */
export const CORES_PER_NODE = 1 / 8;
/** Below this net_ticktime (seconds) a scenario reserves at least MIN_CORES_SHORT_TICK. */
export const SHORT_TICKTIME_S = 4;
export const MIN_CORES_SHORT_TICK = 1;

/** The CPU a scenario reserves while it runs, in cores, and why. */
export interface JobCost {
  cores: number;
  nodes: number;
  netTicktimeS: number;
  /** "0.25 + 5/8 = 0.875 cores" or "1 core (net_ticktime 2 s < 4 s)". */
  why: string;
}

export function jobCost(nodes: number, netTicktimeS: number): JobCost {
  const base = FIXED_CORES + nodes * CORES_PER_NODE;
  if (netTicktimeS < SHORT_TICKTIME_S && base < MIN_CORES_SHORT_TICK) {
    return { cores: MIN_CORES_SHORT_TICK, nodes, netTicktimeS, why: `${MIN_CORES_SHORT_TICK} core (net_ticktime ${netTicktimeS} s < ${SHORT_TICKTIME_S} s)` };
  }
  return { cores: base, nodes, netTicktimeS, why: `${FIXED_CORES} + ${nodes}/8 = ${fmtCores(base)} cores` };
}

export function scenarioCost(s: Scenario): JobCost {
  return jobCost(s.cluster.nodes.length, s.cluster.kernel.netTicktimeSeconds);
}

export function fmtCores(c: number): string {
  return Number.isInteger(c) ? String(c) : String(Number(c.toFixed(3)));
}

/** The default CPU budget: the cores this process may use. */
export function defaultCpuBudget(): number {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}

/**
 * The default `jobs`: as many as the budget holds of the cheapest scenario, at most one per
 * scenario, at least one. The budget still decides, per scenario, when each one may start.
 */
export function autoJobs(costs: readonly number[], budget: number): number {
  if (costs.length === 0) return 1;
  const cheapest = Math.min(...costs);
  return Math.max(1, Math.min(costs.length, Math.floor((budget + 1e-9) / cheapest)));
}

export interface RunningJob {
  name: string;
  cost: number;
  nodes: number;
}

/**
 * The admission rule, pure: whether a job of `cost` may start now, and if not, why. Nothing
 * running: it starts (a scenario bigger than the budget runs alone).
 */
export function admit(cost: number, running: readonly RunningJob[], budget: number, jobs: number): { ok: true } | { ok: false; reason: string } {
  if (running.length === 0) return { ok: true };
  const used = running.reduce((s, r) => s + r.cost, 0);
  const by = running.map((r) => `${r.name} (${r.nodes} nodes)`).join(", ");
  if (running.length >= jobs) return { ok: false, reason: `${running.length} of ${jobs} jobs running: ${by}` };
  if (used + cost > budget + 1e-9) {
    return { ok: false, reason: `${fmtCores(used)} of ${fmtCores(budget)} cores in use by ${by}; it needs ${fmtCores(cost)}` };
  }
  return { ok: true };
}

/** One scenario of a `runScenarios` call. */
export interface Job {
  /** Its position in the input (results keep the input order). */
  index: number;
  scenario: Scenario;
  cost: JobCost;
  /** Once started. */
  runDir?: string;
  startedAt?: number;
}

export type JobEvent =
  | { type: "plan"; jobs: number; budget: number; costs: JobCost[] }
  | { type: "waiting"; job: Job; reason: string }
  | { type: "start"; job: Job }
  | { type: "progress"; job: Job; line: string }
  | { type: "end"; job: Job; outcome: RunOutcome; ms: number }
  /** Work done once before the runs start (the docker runtime's images). */
  | { type: "setup"; line: string };

export interface RunScenariosOptions extends Omit<RunOptions, "progress"> {
  /** How many scenarios may run at once, at most; "auto" (default): see autoJobs. */
  jobs: number | "auto";
  /** The CPU budget in cores. Default: os.availableParallelism(). */
  cpus: number;
  /** Every scheduling event and every progress line of every run. */
  onEvent: (e: JobEvent) => void;
  /** Write each run's progress lines to `timeline.log` in its run directory. Default true. */
  timelineLog: boolean;
}

export interface ScenariosOutcome {
  /** In the input order. */
  runs: RunOutcome[];
  /** fail > unknown > pass. */
  verdict: RunVerdict;
  jobs: number;
  budget: number;
}

/** The worst of the verdicts: fail > unknown > pass (nothing run: unknown). */
export function worstVerdict(verdicts: readonly string[]): RunVerdict {
  if (verdicts.includes("fail")) return "fail";
  if (verdicts.includes("unknown") || verdicts.length === 0) return "unknown";
  return "pass";
}

/** Resolves `jobs` ("auto" or a number) for these scenarios and this budget. */
export function effectiveJobs(jobs: number | "auto" | undefined, costs: readonly number[], budget: number): number {
  if (jobs === undefined || jobs === "auto") return autoJobs(costs, budget);
  return Math.max(1, Math.min(jobs, Math.max(1, costs.length)));
}

/**
 * Runs the scenarios, up to `jobs` at a time within the CPU budget, in the order given; resolves
 * with every outcome in that order. A run never rejects because a check failed (see runScenario).
 */
export async function runScenarios(scenarios: readonly Scenario[], options: Partial<RunScenariosOptions> = {}): Promise<ScenariosOutcome> {
  const budget = options.cpus ?? defaultCpuBudget();
  const jobsOf = scenarios.map((scenario, index): Job => ({ index, scenario, cost: scenarioCost(scenario) }));
  const jobs = effectiveJobs(options.jobs, jobsOf.map((j) => j.cost.cores), budget);
  const emit = options.onEvent ?? (() => undefined);
  emit({ type: "plan", jobs, budget, costs: jobsOf.map((j) => j.cost) });
  // docker runs each make sure their images exist: once here, so concurrent runs do not build
  // the same missing image side by side. A failure is left to each run to report (unknown).
  if (jobs > 1 && scenarios.some((s) => (options.runtime ?? s.cluster.runtime) === "docker")) {
    const { ensureImages } = await import("../runtime/docker/images.js");
    await ensureImages({ progress: (line) => emit({ type: "setup", line }) }).catch(() => undefined);
  }
  const outcomes: RunOutcome[] = new Array(scenarios.length);
  const running = new Map<Job, RunningJob>();
  const queue = [...jobsOf];
  let lastWait = "";
  let wake: (() => void) | undefined;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();

  const start = (job: Job) => {
    running.set(job, { name: job.scenario.name, cost: job.cost.cores, nodes: job.cost.nodes });
    const t0 = performance.now();
    job.startedAt = Date.now();
    const log = options.timelineLog === false ? undefined : new TimelineLog();
    const p = (async () => {
      let started = false;
      const progress = (line: string) => {
        if (!started) {
          // the run's first line names its directory: `netsplit: NAME (seed N) -> DIR`
          started = true;
          const m = / -> (.+)$/.exec(line);
          if (m) job.runDir = m[1]!;
          if (job.runDir) log?.open(path.join(job.runDir, "timeline.log"));
          emit({ type: "start", job });
        }
        log?.write(line);
        emit({ type: "progress", job, line });
      };
      const { jobs: _j, cpus: _c, onEvent: _e, timelineLog: _t, ...runOptions } = options;
      try {
        const outcome = await runScenario(job.scenario, { ...runOptions, progress });
        outcomes[job.index] = outcome;
        job.runDir = outcome.runDir;
        emit({ type: "end", job, outcome, ms: performance.now() - t0 });
      } finally {
        log?.close();
      }
    })()
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => {
        running.delete(job);
        inFlight.delete(p);
        wake?.();
      });
    inFlight.add(p);
  };

  while (queue.length > 0 && failure === undefined) {
    const next = queue[0]!;
    const verdict = admit(next.cost.cores, [...running.values()], budget, jobs);
    if (verdict.ok) {
      queue.shift();
      lastWait = "";
      start(next);
      continue;
    }
    if (verdict.reason !== lastWait) {
      lastWait = verdict.reason;
      emit({ type: "waiting", job: next, reason: verdict.reason });
    }
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
  await Promise.all([...inFlight]);
  if (failure !== undefined) throw failure;
  return { runs: outcomes, verdict: worstVerdict(outcomes.map((o) => o.results.verdict)), jobs, budget };
}

/** A run's progress lines, as printed by `netsplit run` with one job, in `timeline.log`. */
class TimelineLog {
  private fd: number | undefined;
  private pending: string[] = [];
  private closed = false;

  open(file: string): void {
    try {
      this.fd = openSync(file, "a");
    } catch {
      this.closed = true; // no timeline file, the run goes on
      return;
    }
    for (const line of this.pending) this.write(line);
    this.pending = [];
  }

  write(line: string): void {
    if (this.closed) return;
    if (this.fd === undefined) {
      this.pending.push(line);
      return;
    }
    try {
      writeSync(this.fd, `${line}\n`);
    } catch {
      // a full disk must not stop the run: the history holds everything
    }
  }

  close(): void {
    this.closed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
