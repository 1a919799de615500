/**
 * The soak's verdicts from its samples: which series to judge, with which threshold, and the
 * table a person reads at the end. Pure (samples in, rows and text out), so it is tested
 * without a cluster; run.ts does the measuring.
 */
import { growth, proxyProblems, type Growth, type Point, type ProxyCount, type Threshold } from "./analysis.js";
import type { Figures, Sample } from "./sampler.js";

export type Metric = "rss_kb" | "rss_native_kb" | "fds" | "fds_net" | "heap_after_gc_kb" | "heap_net_kb";

type Kind = "harness" | "toxiproxy" | "node";

/**
 * Growth allowed over the whole soak (after the warm-up), per kind of process and metric:
 * max(absolute, relative x first median); `null`: shown, not judged.
 * - fds are exact counts, so steady growth beyond a couple of sockets in flight is a leak. The
 *   harness's and Toxiproxy's raw counts also hold the API client's keep-alive connections
 *   (0 to ~40, depending on how many requests the last fault made at once and whether they
 *   have idled out), so `fds_net`, without them, is what is judged.
 * - The harness keeps its run history in memory, which grows with every event by design (~50
 *   KiB of heap per cycle here); `heap_net` subtracts it (history-heap.ts) and is judged, so a
 *   longer soak is not failed for its longer history. The harness's RSS also holds V8's heap
 *   with its headroom (which grows with the history), so what is judged of it is the part
 *   outside V8's heap (`rss_native` = RSS - heapTotal: buffers, sockets, native code), where a
 *   native leak would show.
 * - Memory allowances sit above the noise measured over 100 cycles here (docs/SOAK.md) and
 *   well below what a leak of a few hundred KiB per cycle adds up to.
 */
export const THRESHOLDS: Record<Kind, Partial<Record<Metric, Threshold | null>>> = {
  harness: {
    rss_kb: null,
    rss_native_kb: { absolute: 16 * 1024, relative: 0 },
    heap_after_gc_kb: null,
    heap_net_kb: { absolute: 4 * 1024, relative: 0 },
    fds: null,
    fds_net: { absolute: 2, relative: 0 },
  },
  toxiproxy: {
    rss_kb: { absolute: 8 * 1024, relative: 0.25 },
    fds: null,
    fds_net: { absolute: 2, relative: 0 },
  },
  node: {
    rss_kb: { absolute: 8 * 1024, relative: 0.1 },
    fds: { absolute: 2, relative: 0 },
  },
};

export interface GrowthRow extends Omit<Growth, "verdict"> {
  process: string;
  metric: Metric;
  /** The largest value among every sample (ticks included). */
  max: number;
  /** "info": shown, not judged (no threshold). */
  verdict: Growth["verdict"] | "info";
}

export interface RowOptions {
  warmupCycles: number;
  /** Heap bytes per byte of history.msgpack (history-heap.ts); without it no heap_net row. */
  historyHeapPerFileByte?: number;
  thresholds?: typeof THRESHOLDS;
}

function figuresOf(s: Sample, proc: string): (Figures & { heap_after_gc_kb?: number; heap_total_kb?: number }) | undefined {
  if (proc === "harness") return s.harness;
  if (proc === "toxiproxy") return s.toxiproxy;
  return s.nodes[proc];
}

/** A metric's value in a sample, or undefined when the sample lacks it. */
export function metricValue(s: Sample, proc: string, metric: Metric, historyHeapPerFileByte?: number): number | undefined {
  const f = figuresOf(s, proc);
  if (!f || f.fds < 0) return undefined;
  switch (metric) {
    case "rss_kb": case "fds": case "heap_after_gc_kb":
      return f[metric];
    case "fds_net":
      return f.api_conns === undefined ? undefined : f.fds - f.api_conns;
    case "rss_native_kb":
      return f.heap_total_kb === undefined ? undefined : f.rss_kb - f.heap_total_kb;
    case "heap_net_kb":
      return f.heap_after_gc_kb === undefined || s.history_bytes === undefined || historyHeapPerFileByte === undefined
        ? undefined
        : f.heap_after_gc_kb - (s.history_bytes * historyHeapPerFileByte) / 1024;
  }
}

/** Every process seen in the samples: harness, toxiproxy, then the nodes in name order. */
export function processesIn(samples: readonly Sample[]): string[] {
  const nodes = new Set<string>();
  for (const s of samples) for (const n of Object.keys(s.nodes)) nodes.add(n);
  return ["harness", ...(samples.some((s) => s.toxiproxy) ? ["toxiproxy"] : []), ...[...nodes].sort((a, b) => a.localeCompare(b, "en", { numeric: true }))];
}

/** One row per process and metric, judged on the cycle-end samples (same phase every cycle). */
export function growthRows(samples: readonly Sample[], options: RowOptions): GrowthRow[] {
  const thresholds = options.thresholds ?? THRESHOLDS;
  const rows: GrowthRow[] = [];
  const ends = samples.filter((s) => s.at === "cycle_end");
  for (const proc of processesIn(samples)) {
    const kind: Kind = proc === "harness" ? "harness" : proc === "toxiproxy" ? "toxiproxy" : "node";
    for (const [metric, threshold] of Object.entries(thresholds[kind]) as [Metric, Threshold | null][]) {
      const value = (s: Sample) => metricValue(s, proc, metric, options.historyHeapPerFileByte);
      const points: Point[] = ends.flatMap((s) => {
        const y = value(s);
        return y === undefined ? [] : [{ x: s.cycle, y }];
      });
      if (points.length === 0) continue;
      const all = samples.map(value).filter((v): v is number => v !== undefined);
      const g = growth(points, { threshold: threshold ?? { absolute: Infinity, relative: 0 }, warmupCycles: options.warmupCycles });
      rows.push({ process: proc, metric, max: all.reduce((m, v) => Math.max(m, v), -Infinity), ...g, verdict: threshold === null && g.verdict !== "too few samples" ? "info" : g.verdict });
    }
  }
  return rows;
}

export interface CheckTally {
  total: number;
  byVerdict: Record<string, number>;
  /** `name: VERDICT (detail)` of each check that did not pass, at most 20. */
  notPassed: string[];
}

export function tallyChecks(checks: readonly { name: string; verdict: string; detail: string }[]): CheckTally {
  const byVerdict: Record<string, number> = {};
  const notPassed: string[] = [];
  for (const c of checks) {
    byVerdict[c.verdict] = (byVerdict[c.verdict] ?? 0) + 1;
    if (c.verdict !== "pass" && notPassed.length < 20) notPassed.push(`${c.name}: ${c.verdict.toUpperCase()} (${c.detail})`);
  }
  return { total: checks.length, byVerdict, notPassed };
}

export interface SoakVerdictInput {
  runVerdict: string;
  cyclesWanted: number;
  cyclesDone: number;
  midRun: CheckTally;
  final: CheckTally;
  rows: readonly GrowthRow[];
  healCounts: readonly ProxyCount[];
}

/** Every reason the soak fails; empty when it passes. */
export function soakFailures(input: SoakVerdictInput): string[] {
  const reasons: string[] = [];
  if (input.runVerdict !== "pass") reasons.push(`the run's verdict is ${input.runVerdict.toUpperCase()}, not PASS`);
  if (input.cyclesDone < input.cyclesWanted) reasons.push(`only ${input.cyclesDone} of ${input.cyclesWanted} cycles completed`);
  const midBad = input.midRun.total - (input.midRun.byVerdict.pass ?? 0);
  if (midBad > 0) reasons.push(`${midBad} of ${input.midRun.total} mid-run checks did not pass`);
  const finalBad = input.final.total - (input.final.byVerdict.pass ?? 0);
  if (finalBad > 0) reasons.push(`${finalBad} of ${input.final.total} final checks did not pass`);
  reasons.push(...growthFailures(input.rows));
  reasons.push(...proxyProblems(input.healCounts).map((p) => `Toxiproxy: ${p}`));
  return reasons;
}

/** One sentence per series that grows. */
export function growthFailures(rows: readonly GrowthRow[]): string[] {
  return rows
    .filter((r) => r.verdict === "grows")
    .map((r) => `${r.process} ${label(r.metric)} grows: ${fmt(r.metric, r.firstMedian)} -> ${fmt(r.metric, r.lastMedian)} (allowed +${fmt(r.metric, r.allowed)})`);
}

const LABELS: Record<Metric, string> = {
  rss_kb: "RSS",
  rss_native_kb: "RSS outside V8 heap",
  fds: "fds",
  fds_net: "fds w/o API conns",
  heap_after_gc_kb: "heap after GC",
  heap_net_kb: "heap w/o history",
};

function label(metric: Metric): string {
  return LABELS[metric];
}

const isCount = (metric: Metric) => metric === "fds" || metric === "fds_net";

/** A value in its unit: KiB shown as MB with one decimal, fds as integers (medians may be .5). */
export function fmt(metric: Metric, v: number): string {
  if (!Number.isFinite(v)) return "-";
  if (isCount(metric)) return Number.isInteger(v) ? String(v) : v.toFixed(1);
  return `${(v / 1024).toFixed(1)} MB`;
}

function signed(metric: Metric, v: number): string {
  if (isCount(metric)) return `${v >= 0 ? "+" : ""}${Number.isInteger(v) ? v : v.toFixed(2)}`;
  return `${v >= 0 ? "+" : "-"}${Math.abs(v) >= 1024 ? `${(Math.abs(v) / 1024).toFixed(2)} MB` : `${Math.abs(v).toFixed(1)} KB`}`;
}

/** The summary table: one line per process and metric. */
export function growthTable(rows: readonly GrowthRow[]): string {
  const header = ["process", "metric", "first 10%", "last 10%", "change", "slope/cycle", "max", "allowed", "verdict"];
  const lines = rows.map((r) => [
    r.process, label(r.metric), fmt(r.metric, r.firstMedian), fmt(r.metric, r.lastMedian), signed(r.metric, r.delta),
    signed(r.metric, r.slopePerCycle), fmt(r.metric, r.max), Number.isFinite(r.allowed) ? `+${fmt(r.metric, r.allowed)}` : "-", r.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  return [row(header), ...lines.map(row)].join("\n");
}
