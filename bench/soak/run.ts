/**
 * `npm run soak`: runs bench/soak/soak.yaml (100 partition/heal cycles on 5 nodes by default)
 * through the library, in this process, and measures whether anything grows while it runs:
 * RSS and open fds of the harness (and its V8 heap after a full GC), toxiproxy-server and every
 * BEAM node, and Toxiproxy's proxies and toxics after every heal. Prints one line per cycle and
 * a summary table; writes DIR/results.json (summary + every sample), DIR/soak.log (every line
 * of the run) and the run directory under DIR/runs. Exit 0 when every verdict is right (the run
 * PASS, every mid-run check PASS, every cycle done, no process left) and nothing grows past its
 * threshold (report.ts); 1 otherwise; 254 bad flags.
 *
 *   npm run soak -- [--cycles N] [--out DIR] [--warmup N] [--verbose]
 *   npx tsx bench/soak/run.ts --cycles 10              (without the bootstrap)
 *   npx tsx bench/soak/run.ts --from bench/soak/results.json   (judge saved samples again)
 *   npm run soak -- --clients [--cycles N] [--warmup N]   the clients soak (clients.ts): 200 ops/s
 *                                                          on 5 nodes for 10 minutes (20 cycles)
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parseScenario } from "../../harness/src/index.js";
import { growth, proxyProblems } from "./analysis.js";
import { fmt, growthFailures, growthRows, growthTable, soakFailures, tallyChecks, THRESHOLDS, type GrowthRow } from "./report.js";
import { soakProgress } from "./progress.js";
import { runSampled } from "./sampled-run.js";
import { Sampler, type Sample } from "./sampler.js";
import { writeSoakResults } from "./results-file.js";
import { planSoak } from "./scenario.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../..");
const USAGE = "usage: npm run soak -- [--cycles N (default 100)] [--out DIR (default bench/soak)] [--warmup N (default 5)] [--verbose] | --from RESULTS.json [--warmup N] | --clients [--cycles N (default 20, ~30 s each)] [--warmup N (default 2)] [--out DIR] [--verbose]";

function fail(message: string): never {
  process.stderr.write(`soak: ${message}\n${USAGE}\n`);
  process.exit(254);
}

function intFlag(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

/** A full GC on demand without restarting node with --expose-gc (tsx starts node itself). */
function exposeGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

const mb = (kb: number) => (kb / 1024).toFixed(1);

function range(values: number[], f: (v: number) => string): string {
  if (values.length === 0) return "-";
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? f(lo) : `${f(lo)}-${f(hi)}`;
}

function cycleLine(s: Sample, wanted: number): string {
  const nodes = Object.values(s.nodes);
  const h = s.harness;
  return [
    `cycle ${String(s.cycle).padStart(String(wanted).length)}/${wanted} ${(s.t_ms / 1000).toFixed(1).padStart(6)}s`,
    `harness ${mb(h.rss_kb)} MB${h.heap_after_gc_kb !== undefined ? ` (heap ${mb(h.heap_after_gc_kb)})` : ""} ${h.fds} fds`,
    s.toxiproxy ? `toxiproxy ${mb(s.toxiproxy.rss_kb)} MB ${s.toxiproxy.fds} fds` : "toxiproxy -",
    `nodes ${range(nodes.map((n) => n.rss_kb), mb)} MB ${range(nodes.map((n) => n.fds), String)} fds`,
    `history ${s.history_bytes !== undefined ? `${(s.history_bytes / 1024).toFixed(0)} KB` : "-"}`,
  ].join(" | ");
}

function printVerdict(rows: readonly GrowthRow[], warmupCycles: number, failures: readonly string[]): void {
  console.log("");
  console.log(growthTable(rows));
  console.log("");
  console.log(`judged on the cycle-end samples after a warm-up of ${warmupCycles} cycles; "grows" = the last-10% median AND the fitted trend both exceed the allowance; "info": shown, not judged`);
  for (const line of pendingLines.splice(0)) console.log(line);
  console.log(failures.length === 0 ? "soak: PASS" : `soak: FAIL\n${failures.map((f) => `  - ${f}`).join("\n")}`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

/** Lines printed between the table and the verdict. */
const pendingLines: string[] = [];

interface SavedResults {
  soak: { warmup_cycles: number };
  other_failures: string[];
  history: { heap_per_file_byte?: number };
  samples: Sample[];
}

/** --from: judges the samples of an earlier soak again (other thresholds, another warm-up). */
function judgeSaved(file: string, warmupFlag: string | undefined): void {
  let saved: SavedResults;
  try {
    saved = JSON.parse(readFileSync(file, "utf8")) as SavedResults;
  } catch (err) {
    fail(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (!Array.isArray(saved.samples)) fail(`${file} has no "samples": give a results.json written by this runner`);
  const warmupCycles = intFlag(warmupFlag, "warmup", saved.soak?.warmup_cycles ?? 5, 0);
  const ratio = saved.history?.heap_per_file_byte;
  const rows = growthRows(saved.samples, { warmupCycles, ...(ratio !== undefined ? { historyHeapPerFileByte: ratio } : {}) });
  printVerdict(rows, warmupCycles, [...(saved.other_failures ?? []), ...growthFailures(rows)]);
}

async function soak(values: { cycles?: string; out?: string; warmup?: string; verbose?: boolean }): Promise<void> {
  const cyclesWanted = intFlag(values.cycles, "cycles", 100, 1);
  const warmupCycles = intFlag(values.warmup, "warmup", 5, 0);
  const out = path.resolve(values.out ?? HERE);
  mkdirSync(out, { recursive: true });
  const logFile = path.join(out, "soak.log");
  writeFileSync(logFile, "");

  const scenarioFile = path.join(HERE, "soak.yaml");
  const plan = planSoak(readFileSync(scenarioFile, "utf8"), cyclesWanted);
  const scenario = parseScenario(plan.text, path.relative(REPO, scenarioFile));
  const gc = exposeGc();
  console.log(`soak: ${plan.cycles} cycles (${plan.rounds} rounds of ${plan.cyclesPerRound}), ${scenario.cluster.nodes.length} nodes; every line of the run in ${path.relative(process.cwd(), logFile)}${gc ? "" : " (no GC control: heap figures are raw)"}`);

  const sampler = new Sampler(gc ? { gc } : {});
  const { progress, runDir: runDirOf } = soakProgress({
    logFile, verbose: values.verbose === true, sampler,
    onCycle: (sample) => console.log(cycleLine(sample, plan.cycles)),
  });

  const started = Date.now();
  const { run, runDir, leftovers, historyHeap } = await runSampled(scenario, { outDir: path.join(out, "runs"), sampler, gc, progress, runDir: runDirOf });
  const checks = run.results.checks;
  const midRun = tallyChecks(checks.filter((c) => c.mid_run));
  const final = tallyChecks(checks.filter((c) => !c.mid_run));
  const rows = growthRows(sampler.samples, { warmupCycles, ...(historyHeap ? { historyHeapPerFileByte: historyHeap.heapPerFileByte } : {}) });
  const healCounts = [...sampler.healCounts].sort((a, b) => a.cycle - b.cycle);
  const otherFailures = soakFailures({ runVerdict: run.results.verdict, cyclesWanted: plan.cycles, cyclesDone: sampler.cycles, midRun, final, rows: [], healCounts });
  if (healCounts.length < sampler.cycles) otherFailures.push(`Toxiproxy was counted after ${healCounts.length} of ${sampler.cycles} heals (${[...sampler.problems].join("; ") || "no reason recorded"})`);
  if (leftovers.length > 0) otherFailures.push(`processes left running after the run: ${leftovers.map((p) => `${p.label} (pid ${p.pid})`).join(", ")}`);
  const failures = [...otherFailures, ...growthFailures(rows)];
  const ends = sampler.samples.filter((s) => s.at === "cycle_end");
  const historyGrowth = growth(ends.flatMap((s) => (s.history_bytes === undefined ? [] : [{ x: s.cycle, y: s.history_bytes / 1024 }])), { threshold: { absolute: 0, relative: 0 } });
  const tickToxics = sampler.samples.flatMap((s) => (s.proxies ? [s.proxies.toxics] : []));

  const summary = {
    soak: {
      scenario: path.relative(REPO, scenarioFile),
      cycles_wanted: cyclesWanted,
      cycles_planned: plan.cycles,
      cycles_done: sampler.cycles,
      rounds: plan.rounds,
      warmup_cycles: warmupCycles,
      started_at: new Date(started).toISOString(),
      duration_ms: Date.now() - started,
      run_dir: path.relative(REPO, runDir),
      gc_control: gc !== undefined,
      node_version: process.version,
      load_average_at_end: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    verdict: failures.length === 0 ? "pass" : "fail",
    failures,
    other_failures: otherFailures,
    run: {
      verdict: run.results.verdict,
      duration_ms: run.results.duration_ms,
      mid_run_checks: midRun,
      final_checks: checks.filter((c) => !c.mid_run).map((c) => ({ name: c.name, verdict: c.verdict, value_ms: c.value_ms, detail: c.detail })),
    },
    growth: rows,
    thresholds: THRESHOLDS,
    toxiproxy: {
      after_heal: {
        counted: healCounts.length,
        proxies: [...new Set(healCounts.map((c) => c.proxies))],
        max_toxics: Math.max(0, ...healCounts.map((c) => c.toxics)),
        problems: proxyProblems(healCounts),
      },
      max_toxics_at_ticks: Math.max(0, ...tickToxics),
    },
    history: {
      first_kb: historyGrowth.firstMedian,
      last_kb: historyGrowth.lastMedian,
      kb_per_cycle: historyGrowth.slopePerCycle,
      ...(historyHeap ? { entries: historyHeap.entries, file_bytes: historyHeap.fileBytes, heap_bytes: historyHeap.heapBytes, heap_per_file_byte: historyHeap.heapPerFileByte } : {}),
    },
    sampler_problems: [...sampler.problems],
    heal_counts: healCounts,
  };
  const resultsFile = path.join(out, "results.json");
  writeSoakResults(resultsFile, { ...summary, samples: sampler.samples });

  const a = summary.toxiproxy.after_heal;
  pendingLines.push(
    `Toxiproxy after each heal: ${a.proxies.join("/") || "?"} proxies, at most ${a.max_toxics} toxics (${a.counted} heals counted); at 1 s ticks (mid-fault too) at most ${summary.toxiproxy.max_toxics_at_ticks} toxics`,
    `history.msgpack: ${fmt("rss_kb", historyGrowth.firstMedian)} -> ${fmt("rss_kb", historyGrowth.lastMedian)} (${historyGrowth.slopePerCycle.toFixed(1)} KB per cycle)${historyHeap ? `; its ${historyHeap.entries} entries held ${(historyHeap.heapBytes / 1048576).toFixed(1)} MB of heap at the end (${historyHeap.heapPerFileByte.toFixed(1)} bytes per file byte)` : ""}`,
    `run: ${run.results.verdict.toUpperCase()} in ${(run.results.duration_ms / 1000).toFixed(0)} s, ${sampler.cycles}/${plan.cycles} cycles; mid-run checks ${JSON.stringify(midRun.byVerdict)} of ${midRun.total}; final: ${checks.filter((c) => !c.mid_run).map((c) => `${c.name} ${c.verdict.toUpperCase()}`).join(", ")}`,
    ...[...midRun.notPassed, ...final.notPassed].map((n) => `  ${n}`),
    `processes left running: ${leftovers.length}`,
    `run directory: ${path.relative(process.cwd(), runDir)}; soak results: ${path.relative(process.cwd(), resultsFile)}`,
  );
  printVerdict(rows, warmupCycles, failures);
}

async function main(): Promise<void> {
  const { values } = (() => {
    try {
      return parseArgs({ options: { cycles: { type: "string" }, out: { type: "string" }, warmup: { type: "string" }, verbose: { type: "boolean" }, from: { type: "string" }, clients: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
    } catch (err) {
      return fail((err as Error).message);
    }
  })();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.clients) {
    if (values.from !== undefined) fail("--clients runs the clients soak; it takes no --from");
    const { clientsSoak } = await import("./clients.js");
    const gc = exposeGc();
    process.exitCode = await clientsSoak({
      ...(values.cycles !== undefined ? { cycles: intFlag(values.cycles, "cycles", 20, 1) } : {}),
      ...(values.warmup !== undefined ? { warmupCycles: intFlag(values.warmup, "warmup", 2, 0) } : {}),
      ...(values.out !== undefined ? { out: values.out } : {}),
      ...(values.verbose ? { verbose: true } : {}),
      ...(gc ? { gc } : {}),
    });
    return;
  }
  if (values.from !== undefined) {
    if (values.cycles !== undefined || values.out !== undefined) fail("--from judges saved samples again; it takes no --cycles or --out");
    judgeSaved(values.from, values.warmup);
    return;
  }
  await soak(values);
}

await main();
