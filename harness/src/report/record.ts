/**
 * What every report is built from: a run's history (the MessagePack stream the runner appends
 * to as things happen) and, when it is readable, the scenario file copied into the run
 * directory. Nothing else: `netsplit report` rebuilds every file from these alone.
 */
import type { HistoryEntry } from "../run/history.js";
import { faultKindOf, isFaultStep } from "../faults/kinds/index.js";
import { loadScenarioText } from "../scenario/load.js";
import type { Step } from "../scenario/model.js";
import { duration } from "./format.js";

export type { HistoryEntry } from "../run/history.js";

export interface RunRecord {
  readonly entries: readonly HistoryEntry[];
  /** The history's last entry was cut off mid-write (a killed runner). */
  readonly truncated: boolean;
  /** From the run's scenario.yaml; null when it is missing or no longer valid. */
  readonly scenario: ScenarioInfo | null;
}

/** What the reports take from the scenario file. */
export interface ScenarioInfo {
  readonly text: string;
  readonly description: string | undefined;
  /** The final checks, in order (a partial run lists those never decided). */
  readonly checks: readonly { name: string; source: string }[];
  /** Each node's global probe (its op and interval), to tell an op still in flight at the end. */
  readonly probes: ReadonlyMap<string, { op: string; everyMs: number }>;
  /** Short descriptions of fault steps by path, e.g. steps[3] -> "delay 200±20 ms on all links". */
  readonly steps: ReadonlyMap<string, string>;
}

export function scenarioInfo(text: string, file: string): ScenarioInfo | null {
  const loaded = loadScenarioText(text, file);
  if (!loaded.ok) return null;
  const s = loaded.scenario;
  const probes = new Map<string, { op: string; everyMs: number }>();
  for (const p of s.workload.globalProbes) for (const n of p.nodes) if (!probes.has(n)) probes.set(n, { op: p.op, everyMs: p.everyMs });
  const steps = new Map<string, string>();
  const visit = (list: readonly Step[]) => {
    for (const step of list) {
      const d = describeStep(step);
      if (d) steps.set(step.at.path, d);
      if (step.kind === "repeat") visit(step.steps);
    }
  };
  visit(s.steps);
  return {
    text,
    description: s.description,
    checks: s.checks.map((c) => ({ name: c.name, source: `${c.at.file}:${c.at.line}:${c.at.column}` })),
    probes,
    steps,
  };
}

function describeStep(step: Step): string | undefined {
  if (isFaultStep(step)) return faultKindOf(step).describe(step);
  switch (step.kind) {
    case "nemesis": return `nemesis (${step.faults.join(", ")})`;
    case "wait": return `wait ${duration(step.ms)}`;
    case "wait_until": return `wait until ${step.until}, at most ${duration(step.timeoutMs)}`;
    case "check": return `check ${step.check.name}`;
    case "repeat": return `repeat ${step.times} times`;
    default: return undefined;
  }
}

/** The first entry of a type. */
export function first(entries: readonly HistoryEntry[], type: string): HistoryEntry | undefined {
  return entries.find((e) => e.type === type);
}

export const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export { shortName } from "../util/names.js";

/** A node event's inner map. */
export function nodeEvent(e: HistoryEntry): Record<string, unknown> | undefined {
  return e.type === "node_event" && typeof e.event === "object" && e.event !== null ? (e.event as Record<string, unknown>) : undefined;
}

/**
 * When a node event happened (harness ms since the epoch): the node's own clock (`t_us`) when
 * it agrees with the harness within 10 s, else when the harness received it.
 */
export function eventTime(e: HistoryEntry): number {
  const tUs = num(nodeEvent(e)?.t_us);
  if (tUs !== undefined && Math.abs(tUs / 1000 - e.t) < 10_000) return tUs / 1000;
  return e.t;
}

/** The run's nodes, in cluster order. */
export function runNodes(entries: readonly HistoryEntry[]): string[] {
  const start = first(entries, "run_start");
  if (Array.isArray(start?.nodes)) return (start.nodes as unknown[]).map(String);
  const ready = first(entries, "cluster_ready");
  if (Array.isArray(ready?.nodes)) return (ready.nodes as { name?: unknown }[]).map((n) => String(n.name));
  return [];
}
