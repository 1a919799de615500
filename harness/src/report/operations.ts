/**
 * The clients' operations in the reports (issue 15): `clients` in results.json (the summary the
 * runner recorded when it stopped the clients: counts per op, each client's node, the compact
 * ops lane), and the "Operations" section of report.md: counts per op and, for each history
 * check, the ops behind its anomalies (which client, node, when, in which fault window), capped.
 */
import type { OpsLane } from "../clients/lane.js";
import type { HistoryEntry } from "../run/history.js";
import { at } from "./format.js";

export interface ClientsResults {
  invokes: number;
  ok: number;
  fail: number;
  info: number;
  by_f: Record<string, { invokes: number; ok: number; fail: number; info: number }>;
  /** The node of each client (index = process). */
  bindings: string[];
  /** Ops still open when the clients stopped, recorded info. */
  closed_at_stop: number;
  /** The history file, relative to the run directory. */
  file: string;
  lane?: OpsLane;
}

/** The clients of a run from its history, or undefined when it had none. */
export function clientsResults(entries: readonly HistoryEntry[]): ClientsResults | undefined {
  const stopped = entries.find((e) => e.type === "clients_stopped");
  const s = stopped?.summary as Record<string, unknown> | undefined;
  if (!s) return entries.some((e) => e.type === "clients_started") ? { invokes: 0, ok: 0, fail: 0, info: 0, by_f: {}, bindings: [], closed_at_stop: 0, file: "ops.jsonl" } : undefined;
  const n = (k: string) => (typeof s[k] === "number" ? (s[k] as number) : 0);
  return {
    invokes: n("invokes"), ok: n("ok"), fail: n("fail"), info: n("info"),
    by_f: (s.byF ?? {}) as ClientsResults["by_f"],
    bindings: Array.isArray(s.bindings) ? (s.bindings as string[]) : [],
    closed_at_stop: n("closedAtStop"),
    file: typeof s.file === "string" ? s.file : "ops.jsonl",
    ...(stopped?.lane ? { lane: stopped.lane as OpsLane } : {}),
  };
}

interface CheckLike { name: string; verdict: string; detail: string; data?: unknown }
interface AnomalyLike { kind: string; value: string; process?: number; node?: string; start_ms?: number; end_ms?: number; outcome?: string; error?: string; faults: string[] }

export const MARKDOWN_ANOMALY_ROWS = 15;
const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");

/** report.md's "Operations" section; [] when the run had no clients. */
export function operationsMarkdown(clients: ClientsResults | undefined, checks: readonly CheckLike[]): string[] {
  if (!clients) return [];
  const pct = (a: number, b: number) => (b ? ` (${Math.round((100 * a) / b)}% ok)` : "");
  const rows = Object.entries(clients.by_f).map(([f, c]) => `| \`${f}\` | ${c.invokes} | ${c.ok} | ${c.fail} | ${c.info} |`);
  const nodes = [...new Set(clients.bindings)];
  const out = [
    "### Operations",
    "",
    `${clients.bindings.length} clients on ${nodes.join(", ") || "?"}: ${clients.invokes} ops${pct(clients.ok, clients.invokes)}; every op in [${clients.file}](${clients.file}).` +
      (clients.closed_at_stop ? ` ${clients.closed_at_stop} still open when the clients stopped (info).` : ""),
    "",
    "| op | invokes | ok | fail | info |",
    "|---|---|---|---|---|",
    ...rows,
    `| all | ${clients.invokes} | ${clients.ok} | ${clients.fail} | ${clients.info} |`,
    "",
  ];
  for (const c of checks.filter((x) => x.name.startsWith("history."))) {
    const data = (c.data ?? {}) as { anomaly_ops?: AnomalyLike[] };
    const anomalies = data.anomaly_ops ?? [];
    if (anomalies.length === 0) continue;
    out.push(`**\`${c.name}\`** ${c.verdict}: ${cell(c.detail)}`, "", "| anomaly | element | client | node | invoked | completed | window |", "|---|---|---|---|---|---|---|");
    for (const a of anomalies.slice(0, MARKDOWN_ANOMALY_ROWS)) {
      const done = a.outcome ? `${a.outcome}${a.end_ms !== undefined ? ` at ${at(a.end_ms)}` : ""}${a.error ? `: ${a.error}` : ""}` : "never attempted";
      out.push(`| ${a.kind} | \`${cell(a.value)}\` | ${a.process ?? ""} | ${a.node ?? ""} | ${a.start_ms !== undefined ? at(a.start_ms) : ""} | ${cell(done)} | ${cell(a.faults.join(", ") || "calm")} |`);
    }
    if (anomalies.length > MARKDOWN_ANOMALY_ROWS) out.push(`| … | ${anomalies.length - MARKDOWN_ANOMALY_ROWS} more in results.json | | | | | |`);
    out.push("");
  }
  return out;
}
