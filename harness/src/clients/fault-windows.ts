/**
 * The fault windows of a run, from its history's `fault` entries (and `final_heal`): when each
 * fault was in force, in ms since the run started, for `history.availability` and for saying
 * which fault an anomalous op overlapped. Pure.
 *
 *   partition / oneway / delay / bandwidth / pause_link   applied -> the heal that removes it
 *                                                        (`heal: all`, or a heal of all its pairs)
 *   kill / stop                                          applied -> the node's restart
 *   pause                                                applied -> its resume (or the final heal)
 *   restart (of a running node)                          started -> applied
 *
 * A window still open at the final heal ends there; one with no end at all has no `endMs`.
 */
import type { FaultWindow } from "./types.js";

/** The fields of a history entry this reads (run/events.ts HistoryEntry). */
export interface FaultEntry {
  t: number;
  type: string;
  [key: string]: unknown;
}

const NETWORK = new Set(["partition", "oneway", "delay", "bandwidth", "pause_link"]);

interface Open { window: FaultWindow; pairs?: string[]; node?: string; kind: string }

const pairKey = (p: unknown): string => (Array.isArray(p) ? [...p].map(String).sort().join("<->") : String(p));

export function faultWindows(entries: readonly FaultEntry[], runStartedAt: number): FaultWindow[] {
  const rel = (t: unknown) => Math.round(((typeof t === "number" ? t : 0) - runStartedAt) * 10) / 10;
  const out: FaultWindow[] = [];
  const open: Open[] = [];
  const close = (o: Open, at: number) => {
    o.window.endMs = at;
    open.splice(open.indexOf(o), 1);
  };
  for (const e of entries) {
    if (e.type === "final_heal") {
      for (const o of [...open]) if (!(o.kind === "kill" || o.kind === "stop")) close(o, rel(e.t));
      continue;
    }
    if (e.type !== "fault") continue;
    const kind = String(e["kind"] ?? "");
    const applied = rel(e["appliedAt"] ?? e.t);
    const started = rel(e["startedAt"] ?? e.t);
    const nodes = Array.isArray(e["nodes"]) ? (e["nodes"] as unknown[]).map(String) : [];
    const step = typeof e["step"] === "string" ? e["step"] : "";
    if (NETWORK.has(kind)) {
      const pairs = Array.isArray(e["pairs"]) ? (e["pairs"] as unknown[]).map(pairKey) : [];
      const what = kind === "partition" && e["mode"] ? `partition (${String(e["mode"])})` : kind;
      const window: FaultWindow = { startMs: applied, label: `${what}${step ? ` ${step}` : ""}` };
      out.push(window);
      open.push({ window, pairs, kind });
    } else if (kind === "heal") {
      const dirs = Array.isArray(e["directions"]) ? (e["directions"] as unknown[]).map(String) : [];
      const healed = new Set(Array.isArray(e["pairs"]) ? (e["pairs"] as unknown[]).map(pairKey) : []);
      for (const o of [...open]) {
        if (o.pairs === undefined) continue;
        if (dirs.includes("all") || (o.pairs.length > 0 && o.pairs.every((p) => healed.has(p)))) close(o, applied);
      }
    } else if (kind === "kill" || kind === "stop" || kind === "pause") {
      for (const n of nodes) {
        const window: FaultWindow = { startMs: started, label: `${kind} ${n}` };
        out.push(window);
        open.push({ window, node: n, kind });
      }
    } else if (kind === "restart" || kind === "resume") {
      for (const n of nodes) {
        const down = open.filter((o) => o.node === n && (kind === "resume" ? o.kind === "pause" : o.kind !== "pause"));
        for (const o of down) close(o, applied);
        if (kind === "restart" && down.length === 0) out.push({ startMs: started, endMs: applied, label: `restart ${n}` });
      }
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** The windows in force at `ms` (none: calm). */
export function windowsAt(windows: readonly FaultWindow[], ms: number): FaultWindow[] {
  return windows.filter((w) => ms >= w.startMs && (w.endMs === undefined || ms < w.endMs));
}
