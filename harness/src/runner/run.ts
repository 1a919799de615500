/**
 * Runs one scenario end to end, as named phases a reader can follow:
 *
 *   prepare ─▶ boot ─▶ workloads ─▶ timeline ─▶ final heal ─▶ checks ─▶ cleanup ─▶ report
 *   run dir,   app,      app under   the steps   network       final     recorders, results.json,
 *   history,   cluster,  test; pg,   (faults,    healed,       checks    probes,    report.md,
 *   limits     events,   global,     waits, …)   nodes resumed           cluster    junit, html
 *              recorders Horde; converged
 *
 * The history is written as things happen, each phase's duration too (a `phase` entry, shown
 * in report.md: where the run's time went). A phase that fails skips the phases up to cleanup;
 * the cluster is stopped whatever happens, and the reports are written last, from the history
 * (so they include the cleanup; the report phase's own entry is in the history only).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { overallVerdict, runCheck, type CheckResult } from "../checks/index.js";
import { hordeUnavailable } from "../horde/supply.js";
import { NETSPLIT_VERSION, startRecorders, writeReports, type Recorders, type RunResults } from "../report/index.js";
import type { RunContext } from "../run/context.js";
import type { PhaseName } from "../run/events.js";
import { History, HISTORY_VERSION } from "../run/history.js";
import { rel } from "../run/progress.js";
import { randomSeed, seededRng } from "../run/rng.js";
import type { NodeIdentity, StartedCluster } from "../runtime/cluster.js";
import { onInterrupt } from "../runtime/reaper.js";
import { startCluster, type RuntimeName } from "../runtime/registry.js";
import type { Scenario } from "../scenario/model.js";
import { now } from "../util/clock.js";
import { untilAborted } from "./abort.js";
import { runDirFor } from "./run-dir.js";
import { runSteps } from "./steps.js";
import { describeEvent, injectedHarnessFault, watchHarnessParts } from "./watch.js";
import { startClientsPhase, stopClientsPhase } from "../workloads/clients.js";
import { kernelReadyFields, kernelReadyNote } from "./kernel-flags.js";
import { prepareRunApp, setupWorkload, startAppOnEveryNode } from "./workload.js";

export { runDirFor } from "./run-dir.js";

export interface RunOptions {
  /** Where run directories go. Default "runs". */
  outDir: string;
  /** Overrides the scenario's runtime. */
  runtime: RuntimeName;
  /** Overrides the scenario's seed. */
  seed: number;
  /** Receives progress lines (no newline). Default: none. */
  progress: (line: string) => void;
  /**
   * Extra code paths for every node (`-pa`), e.g. Horde's ebin directories (the CLI's
   * `--horde-path` / NETSPLIT_HORDE_PATH; `hordePathFromEnv()` reads the variable). Default: none.
   */
  extraCodePaths: readonly string[];
}

export interface RunOutcome {
  results: RunResults;
  runDir: string;
}

/** How long stopping the cluster may take before the run goes on to its reports. */
const STOP_LIMIT_MS = 30_000;

/** One run as it goes through its phases. */
interface Run {
  readonly scenario: Scenario;
  readonly runtime: RuntimeName;
  readonly seed: number;
  readonly extraCodePaths: readonly string[];
  readonly progress: (line: string) => void;
  readonly startedAt: number;
  readonly runDir: string;
  readonly history: History;
  readonly abort: AbortController;
  /** Why the run stops early: its time limit, or a part of the harness that failed. First wins. */
  stopCause: string | undefined;
  readonly timeLimit: NodeJS.Timeout;
  readonly removeInterruptHook: () => void;
  /** Mid-run and final check results, in the order they were decided. */
  readonly results: CheckResult[];
  cluster?: StartedCluster;
  ctx?: RunContext;
  recorders?: Recorders;
  error?: string;
}

export async function runScenario(scenario: Scenario, options: Partial<RunOptions> = {}): Promise<RunOutcome> {
  const run = prepare(scenario, options);
  try {
    const ctx = await phase(run, "boot", () => boot(run));
    await phase(run, "workloads", () => untilAborted(workloads(ctx), run.abort.signal));
    await phase(run, "timeline", () => timeline(run, ctx));
    await phase(run, "final_heal", () => untilAborted(finalHeal(ctx), run.abort.signal));
    await phase(run, "checks", () => finalChecks(run, ctx));
  } catch (err) {
    // what a failed part causes downstream (refused API calls, closed agents) is not the cause
    run.error = run.stopCause ?? (err as Error)?.message ?? String(err);
    run.history.record("run_error", { error: run.error });
    if (run.stopCause === undefined) run.progress(`error: ${run.error}`);
  } finally {
    await phase(run, "cleanup", () => cleanup(run));
  }
  return phase(run, "report", () => report(run));
}

/** Runs one phase and records its duration in the history, whether it succeeds or not. */
async function phase<T>(run: Run, name: PhaseName, body: () => Promise<T>): Promise<T> {
  const t0 = now();
  try {
    return await body();
  } finally {
    run.history.record("phase", { name, ms: now() - t0 });
  }
}

/** The run directory, the history and its first entry, the time limit and the interrupt hook. */
function prepare(scenario: Scenario, options: Partial<RunOptions>): Run {
  const runtime = options.runtime ?? scenario.cluster.runtime;
  const progress = options.progress ?? (() => undefined);
  const seed = options.seed ?? scenario.seed ?? randomSeed();
  const startedAt = now();
  const runDir = runDirFor(options.outDir ?? "runs", scenario.name, startedAt);
  writeFileSync(path.join(runDir, "scenario.yaml"), scenario.source.text);
  const history = new History(path.join(runDir, "history.msgpack"));
  history.record("run_start", { scenario: scenario.name, description: scenario.description, file: scenario.source.file, netsplit: NETSPLIT_VERSION, seed, runtime, kernel: scenario.cluster.kernel, nodes: scenario.cluster.nodes, reconnect: scenario.cluster.reconnect, history_version: HISTORY_VERSION });
  progress(`netsplit: ${scenario.name} (seed ${seed}) -> ${runDir}`);
  const run: Run = {
    scenario, runtime, seed, progress, startedAt, runDir, history, extraCodePaths: options.extraCodePaths ?? [],
    abort: new AbortController(),
    stopCause: undefined,
    timeLimit: setTimeout(() => stopRun(run, `the run exceeded its time limit of ${scenario.limits.runTimeoutMs} ms (limits.run_timeout)`, { part: "time_limit" }), scenario.limits.runTimeoutMs),
    // SIGINT/SIGTERM at any phase, reporting included: the history says so and the reports are
    // written from it (marked partial unless the run had ended); the reaper then stops the rest
    removeInterruptHook: onInterrupt(() => {
      history.record("interrupted", {});
      try {
        writeReports(runDir, history.entries);
      } catch {
        // the history is on disk: `netsplit report` can rebuild the reports
      }
    }),
    results: [],
  };
  history.record("phase", { name: "prepare", ms: now() - startedAt });
  return run;
}

/** Stops the run early, naming the cause once: the phases under way are abandoned. */
function stopRun(run: Run, cause: string, fields: { part?: string; node?: string } = {}): void {
  if (run.stopCause !== undefined) return;
  run.stopCause = cause;
  run.history.record("harness_fault", { error: cause, ...fields });
  run.progress(`error: ${cause}`);
  run.abort.abort();
}

/** Resolves the application under test, starts the cluster, records it, builds the run context and starts the recorders. */
async function boot(run: Run): Promise<RunContext> {
  const { scenario, history, progress } = run;
  const app = await prepareRunApp(scenario, run.runDir);
  const starting = startCluster(run.runtime, {
    progress,
    nodes: scenario.cluster.nodes,
    kernel: {
      net_ticktime: scenario.cluster.kernel.netTicktimeSeconds,
      net_setuptime: scenario.cluster.kernel.netSetuptimeSeconds,
      prevent_overlapping_partitions: scenario.cluster.kernel.preventOverlappingPartitions,
      connect_all: scenario.cluster.kernel.connectAll,
    },
    reconnect: scenario.cluster.reconnect,
    bootTimeoutMs: scenario.cluster.bootTimeoutMs,
    logDir: path.join(run.runDir, "logs"),
    extraCodePaths: [...run.extraCodePaths, ...(app?.codePaths ?? [])],
    formation: scenario.cluster.formation,
    ...(app ? { nodeEnv: (n: NodeIdentity) => app.prepareNode(n), mounts: app.mounts } : {}),
    // release: / command: apps start their nodes themselves (runtime/app-process.ts)
    ...(app && app.spec.source.kind !== "mix" ? { appProcess: { app: app.spec.source, dirOf: app.dirOf } } : {}),
  });
  // a boot that outlives the run's time limit is abandoned, and stopped whenever it ends
  const c = await untilAborted(starting, run.abort.signal, () => void starting.then((s) => s.stop(), () => undefined));
  run.cluster = c;
  const hello = c.agent(c.names[0]!).hello;
  const kernel = kernelReadyFields(c, scenario); // each node's flags, read inside it
  history.record("cluster_ready", { boot_ms: c.bootMs, toxiproxy: c.toxiproxy.version, toxiproxy_pid: c.toxiproxy.pid, ...(c.engine ? { engine: c.engine } : {}), toxiproxy_api: c.toxiproxy.url, otp: hello.otp_release, elixir: hello.elixir, kernel_flags: hello.flags, ...kernel, nodes: c.nodes.map((n) => ({ name: n.name, full_name: n.fullName, dist_port: n.distPort, pid: n.pid, control: `${n.controlHost}:${n.controlPort}` })) });
  progress(`${rel(run)}  cluster of ${c.names.length} ready in ${Math.round(c.bootMs)} ms (OTP ${hello.otp_release}, kernel ${JSON.stringify(hello.flags)}${kernelReadyNote(kernel)})`);
  const ctx: RunContext = {
    scenario, cluster: c, history, rng: seededRng(run.seed), seed: run.seed, progress, startedAt: run.startedAt,
    sides: null, lastChangeAt: null,
    globalNames: new Set(scenario.workload.globalNames.map((g) => g.name)),
    hordeUnavailable: await hordeUnavailable(c, run.extraCodePaths, scenario.workload.horde.length > 0),
    signal: run.abort.signal,
    app,
  };
  run.ctx = ctx;
  c.on((e) => {
    const { type, at, ...fields } = e;
    history.record(type, fields as never, at);
    const line = describeEvent(e);
    if (line) progress(`${rel(ctx, e.at)}    ${line}`);
    watchHarnessParts(c, e, run.runDir, (cause, f) => stopRun(run, cause, f));
  });
  run.recorders = startRecorders(ctx);
  return ctx;
}

/** The application under test (when the scenario has one), then the scenario's workload, both ready before the timeline. */
async function workloads(ctx: RunContext): Promise<void> {
  if (ctx.app) await startAppOnEveryNode(ctx, ctx.app);
  await setupWorkload(ctx);
}

/** The scenario's steps. A step stuck on a call with no answer (a hung container engine) cannot outlive the run's time limit or a failed part. */
async function timeline(run: Run, ctx: RunContext): Promise<void> {
  // the clients (workload.clients) invoke while the faults happen
  startClientsPhase(ctx, run.runDir);
  await untilAborted(runSteps(ctx, run.scenario.steps, run.results), run.abort.signal);
  if (run.stopCause !== undefined) throw new Error(run.stopCause);
}

/** Every run ends healed: network faults removed and paused nodes resumed before the checks. */
async function finalHeal(ctx: RunContext): Promise<void> {
  const { cluster } = ctx;
  const paused = cluster.nodes.filter((n) => n.state === "paused").map((n) => n.name);
  for (const n of paused) await cluster.resume(n);
  if (!cluster.faults.healed) {
    const f = await cluster.faults.heal();
    ctx.lastChangeAt = f.appliedAt;
    ctx.sides = null;
    ctx.history.record("fault", { step: "final_heal", ...f }, f.startedAt);
  }
  ctx.history.record("final_heal", { resumed: paused });
  ctx.progress(`${rel(ctx)}  final heal${paused.length ? ` (resumed ${paused.join(", ")})` : ""}; running the checks`);
  // the clients stop once the cluster is healed, before the checks judge what they saw
  await stopClientsPhase(ctx, ctx.clients);
}

/** The scenario's final checks, in order. A check decided while a part of the harness was failing is not evidence. */
async function finalChecks(run: Run, ctx: RunContext): Promise<void> {
  for (const check of run.scenario.checks) {
    if (run.stopCause !== undefined) throw new Error(run.stopCause);
    const r = await untilAborted(runCheck(ctx, check, false), run.abort.signal);
    run.results.push(r);
    run.history.record("check", { result: r });
    run.progress(`${rel(ctx)}  ${r.verdict.toUpperCase().padEnd(7)} ${r.name}${r.value_ms !== undefined ? ` (${r.value_ms} ms)` : ""}: ${r.detail}`);
  }
  if (run.stopCause !== undefined) throw new Error(run.stopCause);
}

/** Stops the recorders, the global probes and the cluster (bounded: what is left is swept at the next run). */
async function cleanup(run: Run): Promise<void> {
  clearTimeout(run.timeLimit);
  // clients stopped on every path (an error, the time limit), before the cluster goes
  if (run.ctx?.clients) await stopClientsPhase(run.ctx, run.ctx.clients).catch(() => undefined);
  await run.recorders?.stop();
  const c = run.cluster;
  if (!c) return;
  await Promise.all(c.running().map(async (n) => c.agent(n).call("global_probes_stop", {}, 2000)).map((p) => p.catch(() => undefined)));
  let limit: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([c.stop().then(() => true), new Promise<false>((r) => (limit = setTimeout(() => r(false), STOP_LIMIT_MS)))]);
  clearTimeout(limit); // a pending timer would keep the run's whole state alive for 30 s
  if (!stopped) run.progress(`warning: the cluster did not stop within ${STOP_LIMIT_MS / 1000} s; what is left is swept at the next run`);
}

/** The verdict, the run's last entry, and every report derived from the history. */
async function report(run: Run): Promise<RunOutcome> {
  const verdict = run.error ? "unknown" : overallVerdict(run.results);
  run.history.record("run_end", { verdict, error: run.error });
  run.progress(`writing the reports`);
  const hold = injectedHarnessFault("hold_report");
  if (hold !== undefined) await new Promise((r) => setTimeout(r, hold));
  let results: RunResults;
  try {
    results = writeReports(run.runDir, run.history.entries);
  } finally {
    run.removeInterruptHook();
  }
  run.progress(`verdict: ${verdict.toUpperCase()}  (${run.runDir})`);
  return { results, runDir: run.runDir };
}
