/** The narrative of a run (narrative.ts), its recognisers (recognise.ts) and causality (causality.ts). */
import type { HistoryEntry } from "../run/history.js";
import { eventMs } from "./narrative.js";

export { buildNarrative, eventMs, type Narrative, type NarrativeLine, type NarrativeMark } from "./narrative.js";
export { causality, type Causality, type FaultEffect, type HealEffect } from "./causality.js";
export { recognise, RECOGNISERS, type Fact, type LogInput } from "./recognise.js";
export { narrativeMarkdown, narrativeHtml, narrativeForCheck, narrativeLaneMarks, narrativeRefsHtml, narrativeRefsMarkdown, NARRATIVE_CSS } from "./render.js";

/** The nodes' forwarded log lines and drop counts, for the event log: none is left out. */
export function nodeLogLines(entries: readonly HistoryEntry[], t0: number): { atMs: number; node: string; text: string; kind: string }[] {
  const out: { atMs: number; node: string; text: string; kind: string }[] = [];
  for (const e of entries) {
    if (e.type !== "node_event") continue;
    const ev = e.event as Record<string, unknown>;
    if (ev.event === "log") out.push({ atMs: eventMs(e, t0), node: String(e.node ?? ""), kind: "node_log", text: `[${String(ev.level)}] ${String(ev.text ?? "")}` });
    else if (ev.event === "log_dropped") out.push({ atMs: eventMs(e, t0), node: String(e.node ?? ""), kind: "node_log", text: `dropped ${String(ev.count)} log lines over the rate limit (${String(ev.total)} so far)` });
  }
  return out;
}
