/**
 * Runs one scenario end to end: a run directory, a cluster, the workload, the steps on their
 * timeline, a final heal, the checks, then every artifact. The history is written as things
 * happen; the cluster is stopped whatever happens.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { overallVerdict, runCheck, type CheckResult } from "../checks/index.js";
import { onInterrupt } from "../runtime/reaper.js";
import { startCluster, type ClusterEvent, type StartedCluster } from "../runtime/cluster.js";
import type { Scenario } from "../scenario/model.js";
import { NETSPLIT_VERSION, startRecorders, writeReports, type Recorders, type RunResults } from "../report/index.js";
import type { RunContext } from "./context.js";
import { History, now } from "./history.js";
import { randomSeed, seededRng } from "./rng.js";
import { rel, runSteps, setupNodeWorkload, GLOBAL_REGISTER_TIMEOUT_MS } from "./steps.js";
import { pgConverged } from "../checks/pg.js";
import { globalNamesUnique } from "../checks/global.js";
import { hordeUnavailable } from "../horde/supply.js";
import { spawnHordeKeys } from "../horde/workload.js";
import { prepareApp, portNames, type PreparedApp } from "../app/prepare.js";
import { kernelReadyFields, kernelReadyNote } from "./kernel-flags.js";
import { startApp } from "../app/start.js";
import { freePorts } from "../util/ports.js";
import type { NodeIdentity } from "../runtime/cluster.js";
import { startClientsPhase, stopClientsPhase } from "./clients-phase.js";

export interface RunOptions {
  /** Where run directories go. Default "runs". */
  outDir: string;
  /** Overrides the scenario's runtime. */
  runtime: "local" | "docker";
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

/** Makes the run directory `<outDir>/<name>/<start time>[-n]/` (with logs/) and points `latest` at it. */
export function runDirFor(outDir: string, name: string, startedAt: number): string {
  const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, "-");
  mkdirSync(path.join(outDir, name), { recursive: true });
  // mkdir without `recursive` fails when the folder exists, atomically: runs that start in the
  // same millisecond (in this process or another) get `<stamp>`, `<stamp>-2`, ...
  let base = stamp;
  for (let n = 2; ; n++) {
    try {
      mkdirSync(path.join(outDir, name, base));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || n > 1000) throw err;
      base = `${stamp}-${n}`;
    }
  }
  const dir = path.join(outDir, name, base);
  mkdirSync(path.join(dir, "logs"));
  const latest = path.join(outDir, name, "latest");
  rmSync(latest, { force: true });
  try {
    symlinkSync(base, latest);
  } catch {
    // a file system without symlinks, or a concurrent run made the link first: it may point to either
  }
  return dir;
}

function describeEvent(e: ClusterEvent): string | null {
  if (e.type === "node_state") return `${e.node} is ${e.state}${e.detail ? ` (${e.detail})` : ""}`;
  if (e.type === "agent_lost" || e.type === "toxiproxy_lost") return null;
  const ev = e.event;
  const peer = ev.node?.split("@")[0];
  switch (ev.event) {
    case "nodedown": return `${e.node}: nodedown ${peer} (${ev.reason})`;
    case "nodeup": return `${e.node}: nodeup ${peer}`;
    case "holder_exit": return `${e.node}: holder of "${String(ev.name)}" exited (${String(ev.reason)})`;
    case "global_op": return ev.status === "blocked" ? `${e.node}: global ${String(ev.op)} #${String(ev.seq)} is blocked` : null;
    case "op_late": return `${e.node}: a blocked global op finished after ${Math.round((Number(ev.ended_us) - Number(ev.started_us)) / 1000)} ms`;
    default: return null;
  }
}

export async function runScenario(scenario: Scenario, options: Partial<RunOptions> = {}): Promise<RunOutcome> {
  const runtime = options.runtime ?? scenario.cluster.runtime;
  const progress = options.progress ?? (() => undefined);
  const seed = options.seed ?? scenario.seed ?? randomSeed();
  const startedAt = now();
  const runDir = runDirFor(options.outDir ?? "runs", scenario.name, startedAt);
  writeFileSync(path.join(runDir, "scenario.yaml"), scenario.source.text);
  const history = new History(path.join(runDir, "history.msgpack"));
  history.record("run_start", { scenario: scenario.name, description: scenario.description, file: scenario.source.file, netsplit: NETSPLIT_VERSION, seed, runtime, kernel: scenario.cluster.kernel, nodes: scenario.cluster.nodes, reconnect: scenario.cluster.reconnect });
  progress(`netsplit: ${scenario.name} (seed ${seed}) -> ${runDir}`);

  const abort = new AbortController();
  /** Why the run stops early: its time limit, or a part of the harness that failed. First wins. */
  let stopCause: string | undefined;
  const stopRun = (cause: string, fields: Record<string, unknown> = {}) => {
    if (stopCause !== undefined) return;
    stopCause = cause;
    history.record("harness_fault", { error: cause, ...fields });
    progress(`error: ${cause}`);
    abort.abort();
  };
  const timeLimit = setTimeout(() => stopRun(`the run exceeded its time limit of ${scenario.limits.runTimeoutMs} ms (limits.run_timeout)`, { part: "time_limit" }), scenario.limits.runTimeoutMs);
  // SIGINT/SIGTERM at any phase, reporting included: the history says so and the reports are
  // written from it (marked partial unless the run had ended); the reaper then stops the rest
  const removeHook = onInterrupt(() => {
    history.record("interrupted", {});
    try {
      writeReports(runDir, history.entries);
    } catch {
      // the history is on disk: `netsplit report` can rebuild the reports
    }
  });
  const results: CheckResult[] = [];
  let cluster: StartedCluster | undefined;
  let error: string | undefined;
  let ctx: RunContext | undefined;
  let recorders: Recorders | undefined;
  try {
    const app = await prepareRunApp(scenario, runDir);
    const starting = startCluster(runtime, {
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
      logDir: path.join(runDir, "logs"),
      extraCodePaths: [...(options.extraCodePaths ?? []), ...(app?.codePaths ?? [])],
      formation: scenario.cluster.formation,
      ...(app ? { nodeEnv: (n: NodeIdentity) => app.prepareNode(n), mounts: app.mounts } : {}),
      // release: / command: apps start their nodes themselves (runtime/app-process.ts)
      ...(app && app.spec.source.kind !== "mix" ? { appProcess: { app: app.spec.source, dirOf: app.dirOf } } : {}),
    });
    // a boot that outlives the run's time limit is abandoned, and stopped whenever it ends
    cluster = await untilAborted(starting, abort.signal, () => void starting.then((c) => c.stop(), () => undefined));
    const c = cluster;
    const hello = c.agent(c.names[0]!).hello;
    const kernel = kernelReadyFields(c, scenario); // each node's flags, read inside it
    history.record("cluster_ready", { boot_ms: c.bootMs, toxiproxy: c.toxiproxy.version, toxiproxy_pid: c.toxiproxy.pid, otp: hello.otp_release, elixir: hello.elixir, kernel_flags: hello.flags, ...kernel, nodes: c.nodes.map((n) => ({ name: n.name, full_name: n.fullName, dist_port: n.distPort, pid: n.pid })) });
    progress(`${rel({ startedAt } as RunContext)}  cluster of ${c.names.length} ready in ${Math.round(c.bootMs)} ms (OTP ${hello.otp_release}, kernel ${JSON.stringify(hello.flags)}${kernelReadyNote(kernel)})`);
    ctx = {
      scenario, cluster: c, history, rng: seededRng(seed), seed, progress, startedAt,
      sides: null, lastChangeAt: null,
      globalNames: new Set(scenario.workload.globalNames.map((g) => g.name)),
      hordeUnavailable: await hordeUnavailable(c, options.extraCodePaths ?? [], scenario.workload.horde.length > 0),
      signal: abort.signal,
      app,
    };
    const context = ctx;
    c.on((e) => {
      const { type, at, ...fields } = e;
      history.record(type, fields, at);
      const line = describeEvent(e);
      if (line) progress(`${rel(context, e.at)}    ${line}`);
      watchHarnessParts(c, e, runDir, stopRun);
    });
    recorders = startRecorders(context);
    if (app) await untilAborted(startAppPhase(context, app), abort.signal);
    // a step stuck on a call with no answer (a hung container engine) cannot outlive the run's
    // time limit or a failed part: the run goes on to its cleanup
    await untilAborted(setupWorkload(context), abort.signal);
    startClientsPhase(context, runDir);
    await untilAborted(runSteps(context, scenario.steps, results), abort.signal);
    if (stopCause !== undefined) throw new Error(stopCause);
    await untilAborted(finalHeal(context), abort.signal);
    await untilAborted(stopClientsPhase(context, context.clients), abort.signal);
    for (const check of scenario.checks) {
      if (stopCause !== undefined) throw new Error(stopCause);
      const r = await untilAborted(runCheck(context, check, false), abort.signal);
      results.push(r);
      history.record("check", { result: r });
      progress(`${rel(context)}  ${r.verdict.toUpperCase().padEnd(7)} ${r.name}${r.value_ms !== undefined ? ` (${r.value_ms} ms)` : ""}: ${r.detail}`);
    }
    // a check decided while a part of the harness was failing is not evidence
    if (stopCause !== undefined) throw new Error(stopCause);
  } catch (err) {
    // what a failed part causes downstream (refused API calls, closed agents) is not the cause
    error = stopCause ?? (err as Error)?.message ?? String(err);
    history.record("run_error", { error });
    if (stopCause === undefined) progress(`error: ${error}`);
  } finally {
    clearTimeout(timeLimit);
    // clients stopped on every path (an error, the time limit), before the cluster goes
    if (ctx?.clients) await stopClientsPhase(ctx, ctx.clients).catch(() => undefined);
    await recorders?.stop();
    if (cluster) {
      await Promise.all(cluster.running().map(async (n) => cluster!.agent(n).call("global_probes_stop", {}, 2000)).map((p) => p.catch(() => undefined)));
      const c = cluster;
      let limit: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([c.stop().then(() => true), new Promise<false>((r) => (limit = setTimeout(() => r(false), STOP_LIMIT_MS)))]);
      clearTimeout(limit); // a pending timer would keep the run's whole state alive for 30 s
      if (!stopped) progress(`warning: the cluster did not stop within ${STOP_LIMIT_MS / 1000} s; what is left is swept at the next run`);
    }
  }
  const verdict = error ? "unknown" : overallVerdict(results);
  history.record("run_end", { verdict, error });
  progress(`writing the reports`);
  const hold = injectedHarnessFault("hold_report");
  if (hold !== undefined) await new Promise((r) => setTimeout(r, hold));
  let runResults: RunResults;
  try {
    runResults = writeReports(runDir, history.entries);
  } finally {
    removeHook();
  }
  progress(`verdict: ${verdict.toUpperCase()}  (${runDir})`);
  return { results: runResults, runDir };
}

/** How long stopping the cluster may take before the run goes on to its reports. */
const STOP_LIMIT_MS = 30_000;

/** Resolves/rejects with `p`, or rejects once `signal` aborts; `onAbandon` sees an abandoned `p`. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal, onAbandon?: () => void): Promise<T> {
  if (signal.aborted) {
    onAbandon?.();
    p.catch(() => undefined);
    return Promise.reject(new Error("the run was stopped"));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      onAbandon?.();
      p.catch(() => undefined);
      reject(new Error("the run was stopped"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener("abort", onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener("abort", onAbort); reject(e as Error); },
    );
  });
}

/**
 * Stops the run, naming the cause, when a part of the harness fails on its own: Toxiproxy ends,
 * a node exits without a step asking for it, or an agent closes its control connection while
 * its node keeps running. Whatever the checks would say after that is not evidence.
 */
function watchHarnessParts(c: StartedCluster, e: ClusterEvent, runDir: string, stopRun: (cause: string, fields: Record<string, unknown>) => void): void {
  const log = (file: string) => path.join(runDir, "logs", file);
  if (e.type === "toxiproxy_lost") {
    stopRun(`Toxiproxy died mid-run: ${e.reason}; every link through it is gone and no fault or heal can be applied (its log: ${log("toxiproxy.log")})`, { part: "toxiproxy" });
  } else if (e.type === "node_state" && e.state === "killed" && e.detail?.startsWith("exited unexpectedly")) {
    stopRun(`node ${e.node} ${e.detail} while no step stopped it (its log: ${log(`${e.node}.log`)})`, { part: "node", node: e.node });
  } else if (e.type === "agent_lost") {
    const node = c.nodes.find((n) => n.name === e.node);
    if (!node || (node.state !== "running" && node.state !== "paused")) return;
    // a node that died takes its agent with it: give its exit a moment to be the named cause
    setTimeout(() => {
      if (node.state === "running" || node.state === "paused") {
        stopRun(`the agent of ${e.node} closed its control connection (${e.reason}) while the node kept running; the harness cannot observe ${e.node} any more (its log: ${log(`${e.node}.log`)})`, { part: "agent", node: e.node });
      }
    }, 500).unref();
  }
}

/**
 * `NETSPLIT_FAULT_INJECT` entries for the harness itself (`action:harness:ms`), used by
 * netsplit's own tests to hold a phase open; the node agents read the same variable
 * (nodes/lib/netsplit/agent/fault_inject.ex). Returns the entry's ms, if any.
 */
function injectedHarnessFault(action: string): number | undefined {
  for (const entry of (process.env.NETSPLIT_FAULT_INJECT ?? "").split(",")) {
    const [a, who, ms] = entry.split(":");
    if (a === action && who === "harness" && ms !== undefined && /^\d+$/.test(ms)) return Number(ms);
  }
  return undefined;
}

/** Resolves the scenario's application under test for this run (ports for `{port:NAME}` included). */
async function prepareRunApp(scenario: Scenario, runDir: string): Promise<PreparedApp | undefined> {
  const spec = scenario.cluster.app;
  if (!spec) return undefined;
  const names = portNames(spec);
  const free = names.length ? await freePorts("127.0.0.1", names.length * scenario.cluster.nodes.length) : [];
  const ports = new Map(scenario.cluster.nodes.flatMap((n, i) => names.map((p, j) => [`${n}/${p}`, free[i * names.length + j]!] as const)));
  return prepareApp(spec, runDir, (node, name) => ports.get(`${node}/${name}`)!);
}

/** Starts the application under test on every node and waits until it is ready. */
async function startAppPhase(ctx: RunContext, app: PreparedApp): Promise<void> {
  const t0 = now();
  const what = app.mix ? `${app.mix.apps.join(", ")} (mix, ${app.mix.mixEnv})` : app.spec.source.kind;
  await startApp(ctx, app, ctx.cluster.names);
  ctx.progress(`${rel(ctx)}  application under test ${what} started and ready on ${ctx.cluster.names.length} nodes in ${Math.round(now() - t0)} ms${app.spec.ready ? ` (${app.spec.ready.call.text})` : ""}`);
}

async function setupWorkload(ctx: RunContext): Promise<void> {
  const { workload } = ctx.scenario;
  // :global syncs in the background after nodeup; let it finish so the timeline starts from
  // one global view (otherwise a first-step conflict can come from the boot, not the fault)
  await Promise.all(ctx.cluster.running().map((n) => ctx.cluster.agent(n).call("global_sync", {}, 10_000)));
  for (const g of workload.globalNames) {
    const outcome = await ctx.cluster.agent(g.node).call<Record<string, unknown>>("global_register", { name: g.name, timeout_ms: GLOBAL_REGISTER_TIMEOUT_MS }, GLOBAL_REGISTER_TIMEOUT_MS + 5000);
    ctx.history.record("global_register", { node: g.node, name: g.name, outcome, workload: true });
  }
  await setupNodeWorkload(ctx, ctx.cluster.names, false);
  await spawnHordeKeys(ctx);
  // the timeline starts from a converged workload, so what the checks see comes from the faults
  const at = { file: "", line: 0, column: 0, path: "" };
  if (workload.pg.length > 0) await untilPass(() => pgConverged.attempt(ctx, { name: "pg.converged", withinMs: 0, scope: undefined, groups: "all", at }));
  if (ctx.globalNames.size > 0) await untilPass(() => globalNamesUnique.attempt(ctx, { name: "global.names_unique", withinMs: 0, names: [...ctx.globalNames], at }));
  ctx.history.record("workload_ready", {});
  const horde = workload.horde.length === 0 ? "" : ctx.hordeUnavailable ? ", Horde skipped: Horde is not available" : `, ${workload.horde.reduce((s, h) => s + h.keys, 0)} Horde keys`;
  ctx.progress(`${rel(ctx)}  workload started (${workload.pg.length} pg groups, ${workload.globalNames.length} global names, ${workload.globalProbes.length} global probes${horde})`);
  if (workload.horde.length > 0 && ctx.hordeUnavailable) {
    ctx.history.record("horde_skipped", { reason: `Horde is not available (${ctx.hordeUnavailable})` });
    ctx.progress(`${rel(ctx)}  SKIPPED the Horde workload: Horde is not available (${ctx.hordeUnavailable})`);
  }
}

async function untilPass(attempt: () => Promise<{ verdict: string }>, timeoutMs = 10_000): Promise<void> {
  const t0 = now();
  while (now() - t0 < timeoutMs && (await attempt()).verdict !== "pass") await new Promise((r) => setTimeout(r, 20));
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
}
