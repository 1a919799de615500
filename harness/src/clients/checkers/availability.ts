/**
 * `history.availability`: how many ops succeeded, overall and split by whether they were invoked
 * during a fault (any of `faults`, from the run's fault history) or in a calm period, with the
 * latency (invoke to completion, ok ops) p50 / p95 / p99 per kind and per fault label. Passes
 * when the share of ok ops in `during` (default all) is at least `min`; without `min` it is an
 * informational pass with the figures. No op at all: unknown.
 */
import type { FaultWindow, HistoryVerdict, Op } from "../types.js";
import { plural } from "./common.js";

export interface AvailabilityOptions {
  /** 0..1: the least share of ok ops. */
  min?: number;
  /** Which ops `min` judges. Default "all". */
  during?: "all" | "fault" | "calm";
  /** Only these op names (default: every op). */
  f?: readonly string[];
}

export interface WindowFigures {
  ops: number;
  ok: number;
  fail: number;
  info: number;
  /** ok / ops, 4 decimals; null when no op. */
  availability: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

export function checkAvailability(ops: readonly Op[], faults: readonly FaultWindow[], options: AvailabilityOptions = {}): HistoryVerdict {
  const groups = new Map<string, Op[]>([["all", []], ["fault", []], ["calm", []]]);
  const byLabel = new Map<string, Op[]>();
  for (const op of ops) {
    if (op.type === "invoke" || (options.f && !options.f.includes(op.f))) continue;
    const hits = faults.filter((w) => op.startMs >= w.startMs && (w.endMs === undefined || op.startMs < w.endMs));
    groups.get("all")!.push(op);
    groups.get(hits.length ? "fault" : "calm")!.push(op);
    for (const label of new Set(hits.map((w) => w.label))) byLabel.set(label, [...(byLabel.get(label) ?? []), op]);
  }
  const figures = Object.fromEntries([...groups].map(([k, list]) => [k, figuresOf(list)])) as Record<"all" | "fault" | "calm", WindowFigures>;
  const labels = Object.fromEntries([...byLabel.keys()].sort().map((l) => [l, figuresOf(byLabel.get(l)!)]));
  const data = { ...figures, by_fault: labels, ...(options.min !== undefined ? { min: options.min } : {}) };
  const all = figures.all;
  if (all.ops === 0) return { verdict: "unknown", detail: "no client op completed, so availability cannot be measured", data };

  const summary = `${pct(all.availability)} of ${plural(all.ops, "op")} ok (during faults ${pct(figures.fault.availability)}, calm ${pct(figures.calm.availability)})`;
  if (options.min === undefined) return { verdict: "pass", detail: summary, data };
  const during = options.during ?? "all";
  const judged = figures[during];
  if (judged.availability === null) return { verdict: "unknown", detail: `no op was invoked ${during === "fault" ? "during a fault" : "in a calm period"}; ${summary}`, data };
  const verdict = judged.availability >= options.min ? "pass" : "fail";
  const scope = during === "all" ? "" : during === "fault" ? " during faults" : " in calm periods";
  return { verdict, detail: `${pct(judged.availability)} ok${scope}, ${verdict === "pass" ? "at least" : "below"} ${pct(options.min)}; ${summary}`, data };
}

function figuresOf(list: readonly Op[]): WindowFigures {
  const count = (t: string) => list.filter((o) => o.type === t).length;
  const ok = count("ok");
  const latencies = list.filter((o) => o.type === "ok" && o.endMs !== undefined).map((o) => o.endMs! - o.startMs).sort((a, b) => a - b);
  return {
    ops: list.length, ok, fail: count("fail"), info: count("info"),
    availability: list.length ? Math.round((ok / list.length) * 10000) / 10000 : null,
    p50_ms: quantile(latencies, 0.5), p95_ms: quantile(latencies, 0.95), p99_ms: quantile(latencies, 0.99),
  };
}

/** Nearest-rank quantile of sorted values (ms, rounded to 0.1). */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const v = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return Math.round(v * 10) / 10;
}

function pct(share: number | null): string {
  return share === null ? "n/a" : `${Math.round(share * 1000) / 10}%`;
}
