/**
 * The run's history: every fault, node event, probe result and check, in the order it
 * happened, with harness timestamps (`t`, ms since the epoch). Entries are appended to
 * `history.msgpack` as they happen (one MessagePack value after another), so a run that crashes
 * or is interrupted still leaves a readable history.
 *
 * Writers record typed events (run/events.ts: the one list of entry kinds); readers get
 * `HistoryEntry` values and the file's format version (1 for files written before versions
 * were stored).
 */
import { appendFileSync, readFileSync } from "node:fs";
import { Packr, Unpackr } from "msgpackr";
import { now } from "../util/clock.js";
import { HISTORY_VERSION, type EventFields, type EventType, type HistoryEntry, type RunEvent } from "./events.js";

export type { HistoryEntry, RunEvent } from "./events.js";

const packr = new Packr({ useRecords: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });

export interface ReadHistory {
  entries: HistoryEntry[];
  /** The last entry was cut off mid-write (a killed writer) and dropped. */
  truncated: boolean;
  /** The format version (run_start's `history_version`; 1 when the file predates it). */
  version: number;
}

export class History {
  readonly entries: HistoryEntry[] = [];
  private readonly listeners = new Set<(e: HistoryEntry) => void>();

  constructor(private readonly file?: string) {}

  record<K extends EventType>(type: K, fields: EventFields[K], t = now()): RunEvent {
    const entry = { t, type, ...fields } as RunEvent;
    this.entries.push(entry as HistoryEntry);
    if (this.file) appendFileSync(this.file, packr.pack(entry));
    for (const l of this.listeners) l(entry as HistoryEntry);
    return entry;
  }

  on(listener: (e: HistoryEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads a history file; a truncated last entry (a killed writer) is dropped, not fatal. */
  static read(file: string): ReadHistory {
    const data = readFileSync(file);
    const entries: HistoryEntry[] = [];
    let truncated = false;
    try {
      unpackr.unpackMultiple(data, (value: unknown) => {
        entries.push(value as HistoryEntry);
      });
    } catch {
      truncated = true;
    }
    return { entries, truncated, version: historyVersion(entries) };
  }
}

/** The format version of a history: run_start's `history_version`, 1 when absent. */
export function historyVersion(entries: readonly HistoryEntry[]): number {
  const v = entries.find((e) => e.type === "run_start")?.history_version;
  return typeof v === "number" && Number.isInteger(v) && v >= 1 ? v : 1;
}

export { HISTORY_VERSION };
