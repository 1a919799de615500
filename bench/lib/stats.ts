/**
 * The few statistics the benchmarks need: medians of samples and ratios to a floor. Pure
 * functions, so the report generator and the measurements agree on every number.
 */

/** The median of the samples (mean of the two middle ones for an even count); NaN when empty. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The smallest and largest sample; [NaN, NaN] when empty. */
export function range(samples: readonly number[]): [number, number] {
  if (samples.length === 0) return [Number.NaN, Number.NaN];
  return [Math.min(...samples), Math.max(...samples)];
}

/** `value / floor`, rounded to 2 decimals; undefined when the floor is not a positive number. */
export function ratio(value: number, floor: number): number | undefined {
  if (!Number.isFinite(value) || !Number.isFinite(floor) || floor <= 0) return undefined;
  return Math.round((value / floor) * 100) / 100;
}

/** Rounds for the results file: 1 decimal below 100, whole numbers above. */
export function round(n: number): number {
  if (!Number.isFinite(n)) return n;
  return Math.abs(n) < 100 ? Math.round(n * 10) / 10 : Math.round(n);
}
