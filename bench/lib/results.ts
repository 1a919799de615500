/**
 * The shape of bench/results.json and how one figure is built from its samples: median, the
 * floor measured in the same run, the ratio, the target and whether it was met. The report
 * generator (bench/report.ts) reads only this file, so a rerun on an idle machine regenerates
 * docs/BENCHMARKS.md without measuring anything twice.
 */
import { median, ratio, round } from "./stats.js";

export type Unit = "ms" | "MiB" | "s";

export interface Floor {
  /** What the floor is, in one sentence. */
  label: string;
  samples: number[];
  median: number;
}

export interface Target {
  /** The ratio to the floor must stay at or below this. */
  maxRatio?: number;
  /** The median must stay at or below this (in the figure's unit). */
  max?: number;
  /** The target as the issue states it. */
  text: string;
}

export interface Figure {
  /** Stable id, e.g. "cluster_ready.n16". */
  id: string;
  /** Section of the table, e.g. "cluster ready". */
  group: string;
  label: string;
  unit: Unit;
  samples: number[];
  median: number;
  floor?: Floor;
  ratio?: number;
  target?: Target;
  met?: boolean;
  /** Context measured with the figure (phases, per-side values, counts). */
  detail?: Record<string, unknown>;
  /** One sentence shown next to the figure. */
  note?: string;
}

export interface Skipped {
  id: string;
  group: string;
  label: string;
  reason: string;
}

export interface MachineFacts {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
  os: string;
  node: string;
  otp: string;
  elixir: string;
  toxiproxy: string;
  docker?: string;
}

export interface BenchResults {
  netsplitBench: 1;
  startedAt: string;
  finishedAt: string;
  durationS: number;
  /** The command line that produced this file. */
  command: string;
  options: { quick: boolean; only: string[]; reps: number | null };
  machine: MachineFacts;
  figures: Figure[];
  skipped: Skipped[];
}

export interface FigureInput {
  id: string;
  group: string;
  label: string;
  unit: Unit;
  samples: readonly number[];
  floor?: { label: string; samples: readonly number[] };
  target?: Target;
  detail?: Record<string, unknown>;
  note?: string;
}

/** Builds a figure: rounds the samples, takes the medians, the ratio and the verdict on the target. */
export function figure(input: FigureInput): Figure {
  const samples = input.samples.map(round);
  const med = round(median(input.samples));
  const out: Figure = { id: input.id, group: input.group, label: input.label, unit: input.unit, samples, median: med };
  if (input.floor) {
    const floorMedian = round(median(input.floor.samples));
    out.floor = { label: input.floor.label, samples: input.floor.samples.map(round), median: floorMedian };
    const r = ratio(median(input.samples), median(input.floor.samples));
    if (r !== undefined) out.ratio = r;
  }
  if (input.target) {
    out.target = input.target;
    out.met = meets(out, input.target);
  }
  if (input.detail) out.detail = input.detail;
  if (input.note) out.note = input.note;
  return out;
}

function meets(f: Figure, t: Target): boolean {
  if (t.maxRatio !== undefined && !(f.ratio !== undefined && f.ratio <= t.maxRatio)) return false;
  if (t.max !== undefined && !(f.median <= t.max)) return false;
  return true;
}
