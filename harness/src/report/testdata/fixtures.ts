/**
 * Recorded runs for the report tests (real clusters, real Toxiproxy):
 * - majority-minority-split: scenarios/majority-minority-split.yaml, a clean 3|2 blackhole split.
 * - mixed-faults: kill + restart n4, a one-way cut n1→n2, pause/resume n3, delay on all links.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { History, type HistoryEntry } from "../../run/history.js";
import { scenarioInfo, type RunRecord } from "../record.js";

export const TESTDATA = path.dirname(fileURLToPath(import.meta.url));
export type Fixture = "majority-minority-split" | "mixed-faults";

export function fixtureDir(name: Fixture): string {
  return path.join(TESTDATA, name);
}

export function loadFixture(name: Fixture): RunRecord {
  const { entries, truncated } = History.read(path.join(fixtureDir(name), "history.msgpack"));
  const text = readFileSync(path.join(fixtureDir(name), "scenario.yaml"), "utf8");
  return { entries, truncated, scenario: scenarioInfo(text, String(entries[0]!.file)) };
}

/** The run's start (harness ms). */
export const t0Of = (r: RunRecord) => r.entries.find((e) => e.type === "run_start")!.t;

/** nodeup/nodedown events as [observer, peer, kind, node-clock ms, reason]. */
export function nodeEvents(r: RunRecord): { node: string; peer: string; kind: string; t: number; reason?: string }[] {
  return r.entries.flatMap((e: HistoryEntry) => {
    const ev = e.event as { event?: string; node?: string; reason?: string; t_us?: number } | undefined;
    if (e.type !== "node_event" || (ev?.event !== "nodeup" && ev?.event !== "nodedown")) return [];
    return [{ node: String(e.node), peer: ev.node!.split("@")[0]!, kind: ev.event, t: ev.t_us! / 1000, ...(ev.reason ? { reason: ev.reason } : {}) }];
  });
}
