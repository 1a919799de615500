/**
 * `history.counter`: clients increment a counter and read it. Every ok read must lie within
 *
 *   lower = increments certainly applied before the read began: ok increments that completed
 *           before it started
 *   upper = lower + every increment that may have been applied by the time the read completed:
 *           ok or info increments invoked before it completed (fail increments never count)
 *
 * Amounts are the invoke's value (1 when none); a negative amount moves the lower bound instead
 * (each possible increment widens the interval on its own side). An info increment stays
 * possible for the rest of the history: it may land at any time after its invoke.
 */
import type { HistoryVerdict, Op } from "../types.js";
import { endMs, outcome, pairOps, plural, type OpPair } from "./common.js";

export interface CounterOptions {
  /** Default "add". */
  add?: string;
  /** Default "read". */
  read?: string;
}

interface Bad {
  index: number;
  process: number;
  node: string;
  value: number;
  lower: number;
  upper: number;
}

export function checkCounter(ops: readonly Op[], options: CounterOptions = {}): HistoryVerdict {
  const addF = options.add ?? "add";
  const readF = options.read ?? "read";
  const pairs = pairOps(ops);
  const incs = pairs.filter((p) => p.invoke.f === addF && outcome(p) !== "fail");
  const reads = pairs.filter((p) => p.invoke.f === readF && outcome(p) === "ok");
  if (reads.length === 0) return { verdict: "unknown", detail: `no ${readF} returned ok, so the counter was never observed`, data: { reads: 0 } };

  const bad: Bad[] = [];
  let unreadable = 0;
  for (const r of reads) {
    const value = toNumber(r.completion!.value);
    if (value === undefined) { unreadable++; continue; }
    const { lower, upper } = bounds(incs, r);
    if (value < lower || value > upper) {
      bad.push({ index: r.completion!.index, process: r.invoke.process, node: r.invoke.node, value, lower, upper });
    }
  }
  const checked = reads.length - unreadable;
  const data = { reads: reads.length, checked, unreadable, errors: bad.length, first_errors: bad.slice(0, 20) };
  if (checked === 0) return { verdict: "unknown", detail: `none of the ${plural(reads.length, `${readF} result`)} was a number`, data };
  if (bad.length) {
    const b = bad[0]!;
    return { verdict: "fail", detail: `${bad.length} of ${plural(checked, "read")} out of bounds; the first: ${b.value} on ${b.node} (op ${b.index}), expected ${b.lower}..${b.upper}`, data };
  }
  return { verdict: "pass", detail: `all ${plural(checked, "read")} within the bounds of the increments${unreadable ? ` (${unreadable} not a number)` : ""}`, data };
}

function bounds(incs: readonly OpPair[], read: OpPair): { lower: number; upper: number } {
  let lower = 0, upper = 0;
  const readStart = read.invoke.startMs, readEnd = read.completion!.endMs!;
  for (const inc of incs) {
    const amount = toNumber(inc.invoke.value) ?? 1;
    const certain = outcome(inc) === "ok" && endMs(inc) < readStart;
    if (certain) { lower += amount; upper += amount; continue; }
    if (inc.invoke.startMs < readEnd) {
      if (amount >= 0) upper += amount;
      else lower += amount;
    }
  }
  return { lower, upper };
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}
