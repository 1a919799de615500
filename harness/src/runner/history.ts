/**
 * The run's history: every fault, node event, probe result and check, in the order it
 * happened, with harness timestamps (`t`, ms since the epoch). Entries are appended to
 * `history.msgpack` as they happen (one MessagePack value after another), so a run that crashes
 * or is interrupted still leaves a readable history.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { Packr, Unpackr } from "msgpackr";

export interface HistoryEntry {
  t: number;
  type: string;
  [key: string]: unknown;
}

const packr = new Packr({ useRecords: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });

export class History {
  readonly entries: HistoryEntry[] = [];
  private readonly listeners = new Set<(e: HistoryEntry) => void>();

  constructor(private readonly file?: string) {}

  record(type: string, fields: Record<string, unknown> = {}, t = now()): HistoryEntry {
    const entry: HistoryEntry = { t, type, ...fields };
    this.entries.push(entry);
    if (this.file) appendFileSync(this.file, packr.pack(entry));
    for (const l of this.listeners) l(entry);
    return entry;
  }

  on(listener: (e: HistoryEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads a history file; a truncated last entry (a killed writer) is dropped, not fatal. */
  static read(file: string): { entries: HistoryEntry[]; truncated: boolean } {
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
    return { entries, truncated };
  }
}

export function now(): number {
  return performance.timeOrigin + performance.now();
}
