/**
 * Which ops caused a history check's anomalies: for every element a checker names (a lost add, a
 * duplicated id...), the op that added it: its client (process), node, when it ran, how it
 * completed, and the fault windows in force when it was invoked. Capped per kind, in the order
 * the checker listed them. Pure: the report renders what this returns, stored in the check's data.
 */
import { key, pairOps, type OpPair } from "./checkers/common.js";
import { windowsAt } from "./fault-windows.js";
import type { FaultWindow, Op } from "./types.js";

export interface AnomalyOp {
  /** lost, duplicated, unexpected, failed_read, failed_done. */
  kind: string;
  /** The element, as text. */
  value: string;
  /** Absent for an element no client added (unexpected). */
  process?: number;
  node?: string;
  f?: string;
  start_ms?: number;
  end_ms?: number;
  /** ok / fail / info. */
  outcome?: string;
  error?: string;
  /** Labels of the fault windows in force at the invoke; [] = calm. */
  faults: string[];
}

export const ANOMALY_CAP = 10;

/** The lists of `data` (capped `{ count, items }`) that name anomalous elements, per check. */
const KINDS: Record<string, readonly string[]> = {
  "history.set": ["lost", "unexpected", "failed_read", "duplicated"],
  "history.exactly_once": ["lost", "duplicated", "failed_done"],
  "history.unique_ids": ["duplicated"],
};

export function anomalyOps(checkName: string, addF: string, ops: readonly Op[], data: Record<string, unknown>, windows: readonly FaultWindow[]): AnomalyOp[] {
  const kinds = KINDS[checkName];
  if (!kinds) return [];
  // unique_ids: the element is the ok result, else the invoke's value
  const byValue = new Map<string, OpPair[]>();
  for (const p of pairOps(ops)) {
    if (p.invoke.f !== addF) continue;
    const k = checkName === "history.unique_ids" ? (p.completion?.type === "ok" ? key(p.completion.value) : undefined) : key(p.invoke.value);
    if (k === undefined) continue;
    byValue.set(k, [...(byValue.get(k) ?? []), p]);
  }
  const out: AnomalyOp[] = [];
  for (const kind of kinds) {
    const list = data[kind] as { items?: unknown } | undefined;
    const items = Array.isArray(list?.items) ? (list.items as unknown[]).map(String) : [];
    for (const value of items.slice(0, ANOMALY_CAP)) {
      const pairs = byValue.get(value) ?? [];
      if (pairs.length === 0) { out.push({ kind, value, faults: [] }); continue; }
      for (const p of pairs.slice(0, 3)) {
        const c = p.completion;
        const r1 = (ms: number) => Math.round(ms * 10) / 10;
        out.push({
          kind, value, process: p.invoke.process, node: p.invoke.node, f: p.invoke.f, start_ms: r1(p.invoke.startMs),
          ...(c?.endMs !== undefined ? { end_ms: r1(c.endMs) } : {}),
          outcome: c?.type ?? "info", ...(c?.error ? { error: c.error } : {}),
          faults: windowsAt(windows, p.invoke.startMs).map((w) => w.label),
        });
      }
    }
  }
  return out;
}
