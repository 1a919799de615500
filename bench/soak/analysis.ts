/**
 * Does a figure grow over a soak? Pure functions over (cycle, value) points, so the verdict
 * is unit-tested apart from any real process.
 *
 *   points (x = cycles done, y = RSS, fds, ...)
 *     └─ warm-up points (x < warmupCycles) left out: allocators, code loading and the
 *        first :global/:pg re-syncs grow a process once, which is not a leak
 *     └─ first window  = the first 10% of the remaining points   ─┐
 *        last window   = the last 10%                              ├─ median of each: `delta`
 *     └─ least-squares slope over all of them, per cycle ─────────┘  slope x span: `trend`
 *
 * A series "grows" when BOTH the change of the medians (`delta`) and the fitted trend over the
 * soak (`trend` = slope x cycles spanned) exceed the allowance `max(absolute, relative x first
 * median)`. Requiring both keeps one late spike (delta without trend) or noise around a flat
 * line (trend without delta) from being called a leak, while a real leak moves both. A leak of
 * `L` per cycle is caught once `L x cycles` exceeds the allowance.
 */

export interface Point {
  /** Cycles completed when the value was taken. */
  x: number;
  y: number;
}

export interface Threshold {
  /** Growth allowed over the whole soak, in the series' unit. */
  absolute: number;
  /** Growth allowed as a fraction of the first window's median (0.1 = 10%). */
  relative: number;
}

export type GrowthVerdict = "no growth" | "grows" | "too few samples";

export interface Growth {
  /** Points used (after the warm-up). */
  samples: number;
  firstMedian: number;
  lastMedian: number;
  /** lastMedian - firstMedian. */
  delta: number;
  /** Least-squares slope, per cycle. */
  slopePerCycle: number;
  /** slopePerCycle x (last x - first x): the growth the fitted line says happened. */
  trend: number;
  /** max(threshold.absolute, threshold.relative x firstMedian). */
  allowed: number;
  verdict: GrowthVerdict;
}

/** Median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of an empty list: give at least one value");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Least-squares slope dy/dx; 0 when there are fewer than 2 points or all x are equal. */
export function slope(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

/** The first and last `fraction` of the points in x order (at least one point each). */
export function windows(points: readonly Point[], fraction = 0.1): { first: Point[]; last: Point[] } {
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const size = Math.max(1, Math.round(sorted.length * fraction));
  return { first: sorted.slice(0, size), last: sorted.slice(-size) };
}

export interface GrowthOptions {
  threshold: Threshold;
  /** Points with x below this are the warm-up and left out. Default 0. */
  warmupCycles?: number;
  /** Window size as a fraction of the points. Default 0.1. */
  fraction?: number;
  /** Fewer points than this (after the warm-up) give "too few samples". Default 10. */
  minSamples?: number;
}

export function growth(points: readonly Point[], options: GrowthOptions): Growth {
  const used = points.filter((p) => p.x >= (options.warmupCycles ?? 0) && Number.isFinite(p.y));
  const { first, last } = windows(used.length > 0 ? used : [{ x: 0, y: 0 }], options.fraction ?? 0.1);
  const firstMedian = median(first.map((p) => p.y));
  const lastMedian = median(last.map((p) => p.y));
  const s = slope(used);
  const span = used.length > 0 ? used.reduce((m, p) => Math.max(m, p.x), -Infinity) - used.reduce((m, p) => Math.min(m, p.x), Infinity) : 0;
  const allowed = Math.max(options.threshold.absolute, options.threshold.relative * firstMedian);
  const delta = lastMedian - firstMedian;
  const trend = s * span;
  const verdict: GrowthVerdict = used.length < (options.minSamples ?? 10)
    ? "too few samples"
    : delta > allowed && trend > allowed ? "grows" : "no growth";
  return { samples: used.length, firstMedian, lastMedian, delta, slopePerCycle: s, trend, allowed, verdict };
}

/** What Toxiproxy holds at the end of each cycle (after the heal). */
export interface ProxyCount {
  proxies: number;
  enabled: number;
  toxics: number;
}

/**
 * Toxiproxy's state at cycle ends must not change: the same proxies, all enabled, no toxic left.
 * Returns one sentence per problem (empty: fine).
 */
export function proxyProblems(counts: readonly ProxyCount[]): string[] {
  if (counts.length === 0) return ["no Toxiproxy sample was taken at a cycle end"];
  const problems: string[] = [];
  const expected = counts[0]!.proxies;
  const changed = counts.filter((c) => c.proxies !== expected).length;
  if (changed > 0) problems.push(`the proxy count changed at ${changed} cycle ends (first ${expected})`);
  const disabled = counts.filter((c) => c.enabled !== c.proxies).length;
  if (disabled > 0) problems.push(`${disabled} cycle ends had disabled proxies after the heal`);
  const withToxics = counts.filter((c) => c.toxics > 0);
  if (withToxics.length > 0) problems.push(`${withToxics.length} cycle ends had toxics left after the heal (up to ${withToxics.reduce((m, c) => Math.max(m, c.toxics), 0)})`);
  return problems;
}
