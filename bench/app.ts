/**
 * Cluster ready with a small application under test (examples/jobs, a compiled Mix project with
 * no dependencies), on the local runtime, through the runner itself: `runScenario` on a minimal
 * in-memory scenario (`cluster: { nodes: N, app: { mix: examples/jobs } }`, no steps, no checks,
 * no `ready:` call, so "ready" is the default: the app's applications started on every node),
 * read back from the run's history:
 *
 *   with app  = cluster_ready.boot_ms + (app_ready.t − cluster_ready.t)
 *               i.e. from the start of startCluster (Toxiproxy, nodes with the app's code paths
 *               and environment, the full mesh) until the runner recorded app_ready: every node
 *               answered `app_start` (Application.ensure_all_started inside the node).
 *   floor     = cluster_ready.boot_ms of the same scenario without the app (same N, same run,
 *               alternating which goes first), plus the app's own start time: the median `ms`
 *               of every app_started entry of that N (what ensure_all_started took inside the
 *               node, as the agent measured it). The floor's samples are the bare boots shifted
 *               by that median, so the floor's median is exactly median(bare) + median(start).
 *
 * What is not timed: prepareApp (resolving the project, reading config.exs on the host, before
 * any node boots), the runner's workload setup, the reports and the stop.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { runScenario } from "../harness/src/index.js";
import { History, type HistoryEntry } from "../harness/src/run/history.js";
import { REPO_ROOT } from "../harness/src/util/paths.js";
import { figure, type Figure } from "./lib/results.js";
import { median } from "./lib/stats.js";
import { sleep } from "./lib/procs.js";
import type { Log } from "./lib/log.js";

export const APP_DIR = path.join(REPO_ROOT, "examples", "jobs");
export const APP_TARGET = { maxRatio: 1.5, text: "≤ 1.5× floor" };
export const APP_FLOOR_LABEL = "cluster ready of the same N without the app (the runner's boot_ms, same run, alternating) + the app's own start (median ms of the app_started entries: Application.ensure_all_started inside the node)";

interface AppRunSample {
  /** cluster_ready.boot_ms */
  bootMs: number;
  /** app_ready.t − cluster_ready.t (0 without app) */
  afterBootMs: number;
  /** app_ready.ms: the runner's startApp, from its call to app_ready */
  startAppMs: number;
  /** app_started.ms of every node */
  appStartedMs: number[];
}

/** The minimal scenario: N nodes, with or without examples/jobs (no steps, no checks). */
export function appScenario(n: number, withApp: boolean): Record<string, unknown> {
  return {
    netsplit: 1,
    name: `bench-app-n${n}-${withApp ? "app" : "bare"}`,
    cluster: {
      nodes: n,
      ...(withApp ? { app: { mix: APP_DIR, env: { JOBS_NODES: "{nodes}" } } } : {}),
    },
  };
}

/** Reads the figures of one run from its history entries; throws when the run did not get there. */
export function sampleFromHistory(entries: readonly HistoryEntry[], withApp: boolean): AppRunSample {
  const ready = entries.find((e) => e.type === "cluster_ready");
  const failed = entries.find((e) => e.type === "run_error");
  if (!ready) throw new Error(`the run ended before cluster_ready: ${String(failed?.error ?? "no error recorded")}`);
  const bootMs = Number(ready.boot_ms);
  if (!withApp) return { bootMs, afterBootMs: 0, startAppMs: 0, appStartedMs: [] };
  const appReady = entries.find((e) => e.type === "app_ready");
  if (!appReady) throw new Error(`the run ended before app_ready: ${String(failed?.error ?? "no error recorded")}`);
  return {
    bootMs,
    afterBootMs: appReady.t - ready.t,
    startAppMs: Number(appReady.ms),
    appStartedMs: entries.filter((e) => e.type === "app_started").map((e) => Number(e.ms)),
  };
}

async function runOnce(n: number, withApp: boolean, outDir: string): Promise<AppRunSample> {
  const { runDir, results } = await runScenario(appScenario(n, withApp), { outDir });
  const { entries } = History.read(path.join(runDir, "history.msgpack"));
  const s = sampleFromHistory(entries, withApp);
  if (results.verdict === "unknown") throw new Error(`the ${withApp ? "app" : "bare"} run at N = ${n} ended as unknown: ${String(entries.find((e) => e.type === "run_error")?.error)}`);
  rmSync(runDir, { recursive: true, force: true });
  return s;
}

export async function measureApp(sizes: readonly number[], reps: number, log: Log): Promise<Figure[]> {
  const outDir = mkdtempSync(path.join(tmpdir(), "netsplit-bench-app-"));
  const load = () => loadavg().map((l) => Math.round(l * 100) / 100);
  const loadAtStart = load();
  const withApp = new Map<number, AppRunSample[]>(sizes.map((n) => [n, []]));
  const bare = new Map<number, AppRunSample[]>(sizes.map((n) => [n, []]));
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const n of sizes) {
        // alternate which goes first, so a slow moment of the machine hurts both alike
        const order = rep % 2 === 0 ? [false, true] : [true, false];
        for (const app of order) {
          (app ? withApp : bare).get(n)!.push(await runOnce(n, app, outDir));
          await sleep(300);
        }
        const a = withApp.get(n)!.at(-1)!;
        const b = bare.get(n)!.at(-1)!;
        log(`app N=${n} rep ${rep + 1}/${reps}: with app ${Math.round(a.bootMs + a.afterBootMs)} ms (boot ${Math.round(a.bootMs)} + app ${Math.round(a.afterBootMs)}; ensure_all_started ${a.appStartedMs.join("/")} ms), without ${Math.round(b.bootMs)} ms`);
      }
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  const loadAtEnd = load();
  return sizes.map((n) => {
    const a = withApp.get(n)!;
    const b = bare.get(n)!;
    const appStart = median(a.flatMap((s) => s.appStartedMs));
    return figure({
      id: `app.jobs.n${n}`,
      group: "app",
      label: `cluster + app ready (examples/jobs), N = ${n}`,
      unit: "ms",
      samples: a.map((s) => s.bootMs + s.afterBootMs),
      floor: { label: APP_FLOOR_LABEL, samples: b.map((s) => s.bootMs + appStart) },
      target: APP_TARGET,
      detail: {
        boot_with_app_ms: Math.round(median(a.map((s) => s.bootMs))),
        boot_without_app_ms: Math.round(median(b.map((s) => s.bootMs))),
        after_boot_ms: Math.round(median(a.map((s) => s.afterBootMs))),
        start_app_ms: Math.round(median(a.map((s) => s.startAppMs))),
        app_started_ms: Math.round(appStart),
        app_started_max_ms: Math.round(median(a.map((s) => Math.max(...s.appStartedMs)))),
        // this measurement's own load (the page's header may describe another run after --only merges)
        load_average_start: loadAtStart,
        load_average_end: loadAtEnd,
      },
      note: "with app = the runner's cluster_ready.boot_ms + the time from cluster_ready to app_ready (app_start answered on every node; no ready: call); floor = boot_ms of the same N without the app + the median ms of the app_started entries",
    });
  });
}
