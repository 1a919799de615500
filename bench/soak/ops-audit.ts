/**
 * Is a finished `ops.jsonl` complete? Every invoke must have exactly one completion (ok, fail or
 * info) on the same process, for the same op, before that process invokes again; invokes still
 * open when the clients stopped must have been closed as `info` ("open at the end of the run"),
 * so at the end invokes == completions and nothing is left open. Pure over the file's lines, so
 * it is unit-tested without a run; `auditOpsFile` reads the file.
 */
import { readFileSync } from "node:fs";

export const OPEN_AT_END = "open at the end of the run";

type Counts = { invokes: number; ok: number; fail: number; info: number };

export interface OpsAudit {
  /** Non-empty lines. */
  lines: number;
  bytes: number;
  invokes: number;
  /** ok + fail + info. */
  completions: number;
  ok: number;
  fail: number;
  info: number;
  byF: Record<string, Counts>;
  /** `info` completions with the error "open at the end of the run" (closed at stop). */
  openAtEnd: number;
  /** Invokes with no completion at the end of the file. */
  unmatchedInvokes: number;
  /** Completions with no open invoke on their process. */
  orphanCompletions: number;
  /** Completions whose f, node or start_ms differ from their invoke's. */
  mismatched: number;
  /** Invokes on a process that still had one open. */
  doubleInvokes: number;
  /** Lines whose `index` is not their position (0, 1, 2...). */
  indexGaps: number;
  /** Lines that are not a JSON op (not counting a torn last line). */
  badLines: number;
  /** The last line is not JSON (a writer killed mid-line). */
  tornLastLine: boolean;
  /** The first invoke's start_ms and the last completion's end_ms (ms since the run started). */
  firstStartMs?: number;
  lastEndMs?: number;
  /** True when every invoke has exactly one matching completion and every line reads. */
  complete: boolean;
  /** One sentence per problem (empty: complete). */
  problems: string[];
}

interface Line {
  index?: unknown;
  type?: unknown;
  process?: unknown;
  node?: unknown;
  f?: unknown;
  start_ms?: unknown;
  end_ms?: unknown;
  error?: unknown;
}

export function auditOps(text: string): OpsAudit {
  const all = text.split("\n");
  const lastNonEmpty = all.reduce((last, l, i) => (l.trim() === "" ? last : i), -1);
  const open = new Map<number, Line>();
  const byF: Record<string, Counts> = {};
  const a = { lines: 0, invokes: 0, ok: 0, fail: 0, info: 0, openAtEnd: 0, orphanCompletions: 0, mismatched: 0, doubleInvokes: 0, indexGaps: 0, badLines: 0 };
  let tornLastLine = false;
  let firstStartMs: number | undefined;
  let lastEndMs: number | undefined;
  all.forEach((raw, i) => {
    if (raw.trim() === "") return;
    let op: Line;
    try {
      op = JSON.parse(raw) as Line;
      if (typeof op !== "object" || op === null || typeof op.type !== "string" || typeof op.process !== "number") throw new Error("not an op");
    } catch {
      if (i === lastNonEmpty) tornLastLine = true;
      else a.badLines++;
      return;
    }
    if (op.index !== a.lines) a.indexGaps++;
    a.lines++;
    const f = typeof op.f === "string" ? op.f : "?";
    const counts = (byF[f] ??= { invokes: 0, ok: 0, fail: 0, info: 0 });
    const p = op.process as number;
    if (op.type === "invoke") {
      a.invokes++;
      counts.invokes++;
      if (typeof op.start_ms === "number") firstStartMs = Math.min(firstStartMs ?? Infinity, op.start_ms);
      if (open.has(p)) a.doubleInvokes++;
      open.set(p, op);
      return;
    }
    if (op.type !== "ok" && op.type !== "fail" && op.type !== "info") {
      a.badLines++;
      return;
    }
    a[op.type]++;
    counts[op.type]++;
    if (typeof op.end_ms === "number") lastEndMs = Math.max(lastEndMs ?? -Infinity, op.end_ms);
    if (op.type === "info" && op.error === OPEN_AT_END) a.openAtEnd++;
    const inv = open.get(p);
    if (!inv) {
      a.orphanCompletions++;
      return;
    }
    open.delete(p);
    if (inv.f !== op.f || inv.node !== op.node || inv.start_ms !== op.start_ms) a.mismatched++;
  });
  const completions = a.ok + a.fail + a.info;
  const problems: string[] = [];
  if (open.size > 0) problems.push(`${open.size} invokes have no completion (processes ${[...open.keys()].sort((x, y) => x - y).slice(0, 10).join(", ")})`);
  if (a.orphanCompletions > 0) problems.push(`${a.orphanCompletions} completions have no open invoke`);
  if (a.mismatched > 0) problems.push(`${a.mismatched} completions do not match their invoke (f, node or start_ms)`);
  if (a.doubleInvokes > 0) problems.push(`${a.doubleInvokes} invokes on a process that had one open`);
  if (a.indexGaps > 0) problems.push(`${a.indexGaps} lines carry an index other than their position`);
  if (a.badLines > 0) problems.push(`${a.badLines} lines are not JSON ops`);
  if (tornLastLine) problems.push("the last line is torn (not JSON)");
  if (a.invokes !== completions && problems.length === 0) problems.push(`${a.invokes} invokes but ${completions} completions`);
  return {
    lines: a.lines, bytes: Buffer.byteLength(text), invokes: a.invokes, completions, ok: a.ok, fail: a.fail, info: a.info, byF,
    openAtEnd: a.openAtEnd, unmatchedInvokes: open.size, orphanCompletions: a.orphanCompletions, mismatched: a.mismatched,
    doubleInvokes: a.doubleInvokes, indexGaps: a.indexGaps, badLines: a.badLines, tornLastLine,
    ...(firstStartMs !== undefined ? { firstStartMs } : {}), ...(lastEndMs !== undefined ? { lastEndMs } : {}),
    complete: problems.length === 0, problems,
  };
}

export function auditOpsFile(file: string): OpsAudit {
  return auditOps(readFileSync(file, "utf8"));
}

/**
 * The runner's own count (the `clients stopped` summary) against the file's: they must agree,
 * and the ops the runner closed at stop must be the file's "open at the end" infos.
 */
export function summaryProblems(audit: OpsAudit, summary: { invokes: number; ok: number; fail: number; info: number; closed_at_stop: number } | undefined): string[] {
  if (!summary) return ["the run recorded no clients summary (clients_stopped)"];
  const out: string[] = [];
  for (const k of ["invokes", "ok", "fail", "info"] as const) {
    if (summary[k] !== audit[k]) out.push(`the runner counted ${summary[k]} ${k}, ops.jsonl holds ${audit[k]}`);
  }
  if (summary.closed_at_stop !== audit.openAtEnd) out.push(`the runner closed ${summary.closed_at_stop} ops at stop, ops.jsonl has ${audit.openAtEnd} "${OPEN_AT_END}" infos`);
  return out;
}
