/**
 * `npm run soak -- --clients`: the clients soak (issue 15). Runs bench/soak/clients.yaml (20
 * clients at 10 ops/s = 200 ops/s against the jobs app on 5 nodes, a cut every 30 s, 20 cycles =
 * 10 minutes by default) through the library, in this process, and measures:
 *
 *   - whether the harness's memory stays flat while ~120,000 ops stream through it: RSS, RSS
 *     outside V8's heap, V8 heap after a full GC, fds (the Sampler of the partition soak, one
 *     sample per second and one at every cycle end; judged on the cycle ends after a warm-up,
 *     with analysis.ts's median change AND trend);
 *   - Toxiproxy's and every node's RSS and fds (the nodes' RSS is shown, not judged: the jobs
 *     app keeps every job in its journals by design);
 *   - whether ops.jsonl is complete (ops-audit.ts): every invoke has exactly one completion, the
 *     ops open at the end are `info`, and the file agrees with the runner's own counts.
 *
 * Writes the summary and every sample under `clients` in DIR/results.json (the partition soak's
 * figures are kept), every line of the run in DIR/clients-soak.log, the run under DIR/runs.
 * Exit 0 when the run is PASS, every cycle ran, ops.jsonl is complete and the harness does not
 * grow; 1 otherwise.
 */
import type { ClientsResults } from "../../harness/src/report/operations.js";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseScenario } from "../../harness/src/index.js";
import { growth, proxyProblems, type Growth, type Threshold } from "./analysis.js";
import { auditOpsFile, summaryProblems, type OpsAudit } from "./ops-audit.js";
import { growthFailures, growthRows, growthTable, THRESHOLDS, type Metric } from "./report.js";
import { writeClientsResults } from "./results-file.js";
import { soakProgress } from "./progress.js";
import { runSampled } from "./sampled-run.js";
import { Sampler, type Sample } from "./sampler.js";
import { planSoak } from "./scenario.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../..");

/**
 * What is judged in the clients soak. The harness: its raw RSS and heap too, not only the
 * history-corrected series of the partition soak: 20 cycles add only ~300 history entries, so
 * any growth of the harness here would be the clients' (ops kept in memory, listeners, timers).
 * The nodes' RSS is shown, not judged: the jobs app journals every accepted job in memory.
 */
export const CLIENTS_THRESHOLDS: typeof THRESHOLDS = {
  harness: {
    rss_kb: { absolute: 16 * 1024, relative: 0 },
    rss_native_kb: { absolute: 16 * 1024, relative: 0 },
    heap_after_gc_kb: { absolute: 4 * 1024, relative: 0 },
    heap_net_kb: { absolute: 4 * 1024, relative: 0 },
    fds: null,
    fds_net: { absolute: 2, relative: 0 },
  },
  toxiproxy: THRESHOLDS.toxiproxy,
  node: { rss_kb: null, fds: { absolute: 4, relative: 0 } },
};

export interface ClientsSoakOptions {
  cycles?: number;
  warmupCycles?: number;
  out?: string;
  verbose?: boolean;
  gc?: () => void;
}


const mb = (kb: number) => (kb / 1024).toFixed(1);
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

function cycleLine(s: Sample, wanted: number, load: number): string {
  const nodes = Object.values(s.nodes).map((n) => n.rss_kb);
  const h = s.harness;
  return [
    `cycle ${String(s.cycle).padStart(String(wanted).length)}/${wanted} ${(s.t_ms / 1000).toFixed(1).padStart(6)}s`,
    `harness ${mb(h.rss_kb)} MB${h.heap_after_gc_kb !== undefined ? ` (heap ${mb(h.heap_after_gc_kb)})` : ""} ${h.fds} fds`,
    s.toxiproxy ? `toxiproxy ${mb(s.toxiproxy.rss_kb)} MB` : "toxiproxy -",
    `nodes ${nodes.length ? `${mb(Math.min(...nodes))}-${mb(Math.max(...nodes))}` : "-"} MB`,
    `ops.jsonl ${s.ops_bytes !== undefined ? `${(s.ops_bytes / 1048576).toFixed(1)} MB` : "-"}`,
    `load ${load.toFixed(1)}`,
  ].join(" | ");
}

/** A growth over the 1 s ticks (x = minutes), after the warm-up cycles: shown, not judged. */
function tickGrowth(samples: readonly Sample[], warmupCycles: number, value: (s: Sample) => number | undefined): Omit<Growth, "verdict" | "allowed"> & { verdict: "info" | "too few samples"; per_minute: number } {
  const points = samples
    .filter((s) => s.at === "tick" && s.cycle >= warmupCycles)
    .flatMap((s) => {
      const y = value(s);
      return y === undefined ? [] : [{ x: s.t_ms / 60000, y }];
    });
  const { allowed: _allowed, ...g } = growth(points, { threshold: { absolute: Infinity, relative: 0 } });
  return { ...g, verdict: g.verdict === "too few samples" ? g.verdict : "info", per_minute: g.slopePerCycle };
}

export async function clientsSoak(options: ClientsSoakOptions): Promise<number> {
  const cyclesWanted = options.cycles ?? 20;
  const warmupCycles = options.warmupCycles ?? 2;
  const out = path.resolve(options.out ?? HERE);
  mkdirSync(out, { recursive: true });
  const logFile = path.join(out, "clients-soak.log");
  writeFileSync(logFile, "");

  const scenarioFile = path.join(HERE, "clients.yaml");
  const plan = planSoak(readFileSync(scenarioFile, "utf8"), cyclesWanted);
  const scenario = parseScenario(plan.text, path.relative(process.cwd(), scenarioFile));
  const groups = scenario.workload.clients;
  const clientCount = groups.reduce((n, g) => n + g.count, 0);
  const ratePerS = groups.reduce((n, g) => n + (g.pace.kind === "rate" ? g.count * g.pace.perSecond : 0), 0);
  const gc = options.gc;
  console.log(`clients soak: ${plan.cycles} cycles of ~30 s, ${scenario.cluster.nodes.length} nodes, ${clientCount} clients (${ratePerS} ops/s); every line of the run in ${path.relative(process.cwd(), logFile)}${gc ? "" : " (no GC control: heap figures are raw)"}`);

  const sampler = new Sampler(gc ? { gc } : {});
  const loads: { cycle: number; load1: number }[] = [];
  let stoppedLine = "";
  const { progress, runDir: runDirOf } = soakProgress({
    logFile, verbose: options.verbose === true, sampler,
    onCycle: (sample) => {
      const load1 = loadavg()[0]!;
      loads.push({ cycle: sample.cycle, load1: round(load1, 2) });
      console.log(cycleLine(sample, plan.cycles, load1));
    },
    onLine: (line) => {
      if (!/ clients (started|stopped): /.test(line)) return false;
      if (/ clients stopped: /.test(line)) stoppedLine = line.trim();
      if (!options.verbose) console.log(`  ${line.trim()}`);
      return true;
    },
  });

  const started = Date.now();
  const loadAtStart = loadavg().map((l) => round(l, 2));
  const { run, runDir, leftovers, historyHeap } = await runSampled(scenario, { outDir: path.join(out, "runs"), sampler, gc, progress, runDir: runDirOf });

  // ops.jsonl: complete? and does it agree with the runner's count?
  const opsFile = runDir ? path.join(runDir, "ops.jsonl") : "";
  let audit: OpsAudit | undefined;
  const failures: string[] = [];
  try {
    audit = auditOpsFile(opsFile);
  } catch (err) {
    failures.push(`cannot read ops.jsonl: ${(err as Error).message}`);
  }
  const clients = (run.results as { clients?: ClientsResults }).clients;
  if (audit) {
    failures.push(...audit.problems.map((p) => `ops.jsonl: ${p}`));
    failures.push(...summaryProblems(audit, clients).map((p) => `ops.jsonl: ${p}`));
  }

  const rows = growthRows(sampler.samples, { warmupCycles, thresholds: CLIENTS_THRESHOLDS, ...(historyHeap ? { historyHeapPerFileByte: historyHeap.heapPerFileByte } : {}) });
  const healCounts = [...sampler.healCounts].sort((a, b) => a.cycle - b.cycle);
  if (run.results.verdict !== "pass") failures.push(`the run's verdict is ${run.results.verdict.toUpperCase()}, not PASS`);
  if (sampler.cycles < plan.cycles) failures.push(`only ${sampler.cycles} of ${plan.cycles} cycles completed`);
  const proxy = proxyProblems(healCounts);
  failures.push(...proxy.map((p) => `Toxiproxy: ${p}`));
  if (leftovers.length > 0) failures.push(`processes left running after the run: ${leftovers.map((p) => `${p.label} (pid ${p.pid})`).join(", ")}`);
  failures.push(...growthFailures(rows));

  const ends = sampler.samples.filter((s) => s.at === "cycle_end");
  const lastEnd = ends.at(-1);
  const afterLastCycle = sampler.samples.filter((s) => lastEnd && s.t_ms > lastEnd.t_ms);
  const activeS = audit?.firstStartMs !== undefined && audit.lastEndMs !== undefined ? (audit.lastEndMs - audit.firstStartMs) / 1000 : undefined;
  const opsBytes = (() => {
    try {
      return statSync(opsFile).size;
    } catch {
      return undefined;
    }
  })();
  const checks = run.results.checks.filter((c) => !c.mid_run);
  const load1s = loads.map((l) => l.load1);
  const summary = {
    soak: {
      scenario: path.relative(REPO, scenarioFile),
      cycles_planned: plan.cycles,
      cycles_done: sampler.cycles,
      warmup_cycles: warmupCycles,
      nodes: scenario.cluster.nodes.length,
      clients: clientCount,
      target_ops_per_s: ratePerS,
      started_at: new Date(started).toISOString(),
      duration_ms: Date.now() - started,
      run_dir: path.relative(REPO, runDir),
      gc_control: gc !== undefined,
      node_version: process.version,
      load_average_at_start: loadAtStart,
      load_average_at_end: loadavg().map((l) => round(l, 2)),
      load_1m_at_cycle_ends: load1s.length ? { min: Math.min(...load1s), max: Math.max(...load1s), mean: round(load1s.reduce((a, b) => a + b, 0) / load1s.length, 2) } : undefined,
    },
    verdict: failures.length === 0 ? "pass" : "fail",
    failures,
    run: {
      verdict: run.results.verdict,
      duration_ms: run.results.duration_ms,
      clients_stopped: stoppedLine,
      final_checks: checks.map((c) => ({ name: c.name, verdict: c.verdict, detail: c.detail })),
    },
    ops: audit
      ? {
          complete: audit.complete,
          problems: audit.problems,
          lines: audit.lines,
          invokes: audit.invokes,
          completions: audit.completions,
          ok: audit.ok,
          fail: audit.fail,
          info: audit.info,
          open_at_end_info: audit.openAtEnd,
          by_f: audit.byF,
          runner_summary: clients ? { invokes: clients.invokes, ok: clients.ok, fail: clients.fail, info: clients.info, closed_at_stop: clients.closed_at_stop } : null,
          file_bytes: opsBytes ?? audit.bytes,
          bytes_per_line: round((opsBytes ?? audit.bytes) / Math.max(1, audit.lines), 1),
          active_s: activeS !== undefined ? round(activeS, 1) : null,
          achieved_ops_per_s: activeS ? round(audit.invokes / activeS, 1) : null,
        }
      : null,
    growth: rows,
    harness_ticks: {
      note: "1 s ticks after the warm-up, x in minutes; shown, not judged",
      rss_kb: tickGrowth(sampler.samples, warmupCycles, (s) => s.harness.rss_kb),
      heap_used_kb: tickGrowth(sampler.samples, warmupCycles, (s) => s.harness.heap_used_kb),
    },
    harness_after_last_cycle: afterLastCycle.length
      ? { note: "ticks after the last cycle end: the final heal, the clients' stop and the history checks (which read ops.jsonl back)", max_rss_kb: Math.max(...afterLastCycle.map((s) => s.harness.rss_kb)), max_heap_used_kb: Math.max(...afterLastCycle.map((s) => s.harness.heap_used_kb)) }
      : null,
    thresholds: CLIENTS_THRESHOLDS,
    toxiproxy: { after_heal: { counted: healCounts.length, problems: proxy } },
    history: historyHeap ? { entries: historyHeap.entries, file_bytes: historyHeap.fileBytes, heap_bytes: historyHeap.heapBytes } : null,
    sampler_problems: [...sampler.problems],
    load_at_cycle_ends: loads,
  };
  const resultsFile = path.join(out, "results.json");
  writeClientsResults(resultsFile, { ...summary, samples: sampler.samples });

  console.log("");
  console.log(growthTable(rows));
  console.log("");
  console.log(`judged on the cycle-end samples after a warm-up of ${warmupCycles} cycles; "grows" = the last-10% median AND the fitted trend both exceed the allowance; "info": shown, not judged`);
  const t = summary.harness_ticks.rss_kb;
  console.log(`harness RSS at 1 s ticks (${t.samples}): ${mb(t.firstMedian)} -> ${mb(t.lastMedian)} MB, ${t.per_minute >= 0 ? "+" : ""}${t.per_minute.toFixed(0)} KB per minute`);
  if (summary.harness_after_last_cycle) console.log(`harness after the last cycle (stop + history checks): RSS up to ${mb(summary.harness_after_last_cycle.max_rss_kb)} MB, heap used up to ${mb(summary.harness_after_last_cycle.max_heap_used_kb)} MB`);
  if (summary.ops) {
    const o = summary.ops;
    console.log(`ops.jsonl: ${o.invokes} invokes, ${o.completions} completions (${o.ok} ok, ${o.fail} fail, ${o.info} info, of them ${o.open_at_end_info} open at the end): ${o.complete ? "complete" : "INCOMPLETE"}; ${(o.file_bytes / 1048576).toFixed(1)} MB, ${o.achieved_ops_per_s ?? "?"} ops/s over ${o.active_s ?? "?"} s`);
    for (const [f, c] of Object.entries(o.by_f)) console.log(`  ${f}: ${c.invokes} invokes, ${c.ok} ok, ${c.fail} fail, ${c.info} info`);
  }
  console.log(`run: ${run.results.verdict.toUpperCase()} in ${(run.results.duration_ms / 1000).toFixed(0)} s, ${sampler.cycles}/${plan.cycles} cycles; final: ${checks.map((c) => `${c.name} ${c.verdict.toUpperCase()}`).join(", ")}`);
  console.log(`load average: start ${loadAtStart.join(" ")}, end ${summary.soak.load_average_at_end.join(" ")}`);
  console.log(`processes left running: ${leftovers.length}`);
  console.log(`run directory: ${path.relative(process.cwd(), runDir)}; results: ${path.relative(process.cwd(), resultsFile)} ("clients")`);
  console.log(failures.length === 0 ? "clients soak: PASS" : `clients soak: FAIL\n${failures.map((f) => `  - ${f}`).join("\n")}`);
  return failures.length === 0 ? 0 : 1;
}

export type { Metric, Threshold };
