/**
 * The operation history as it happens: each invoke and completion is one JSON line appended to
 * `ops.jsonl` in the run directory (written with writeSync, so a crashed run still leaves every
 * line up to the crash). Memory stays bounded on long runs: the log keeps only the open invokes
 * (at most one per client) and counters, unless `keep` asks for every op (tests, small runs);
 * checkers read the file back with `readOps`. `closeOpen` completes every open invoke as `info`,
 * so a finished history has as many completions as invokes.
 *
 * On disk the keys are snake_case like results.json: index, type, process, node, f, value,
 * start_ms, start_at, end_ms, end_at, error.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs";
import type { Op, OpType } from "./types.js";

export interface OpSummary {
  invokes: number;
  ok: number;
  fail: number;
  info: number;
  /** Per op name: the same counts. */
  byF: Record<string, { invokes: number; ok: number; fail: number; info: number }>;
}

export interface OpLogOptions {
  /** ops.jsonl; absent = nothing written (tests). */
  file?: string;
  /** Keep every op in `ops` (unbounded memory). */
  keep?: boolean;
  /** Called with every op as it is recorded. */
  onOp?: (op: Op) => void;
}

export type Invoke = Omit<Op, "index" | "type" | "endMs" | "endAt" | "error">;

export class OpLog {
  readonly ops: Op[] = [];
  private readonly open = new Map<number, Op>();
  private readonly fd: number | undefined;
  private next = 0;
  private readonly counts: OpSummary = { invokes: 0, ok: 0, fail: 0, info: 0, byF: {} };

  constructor(private readonly options: OpLogOptions = {}) {
    this.fd = options.file ? openSync(options.file, "a") : undefined;
  }

  invoke(op: Invoke): Op {
    if (this.open.has(op.process)) throw new Error(`process ${op.process} already has an op in flight`);
    const entry: Op = { index: this.next++, type: "invoke", ...op };
    this.open.set(op.process, entry);
    return this.record(entry);
  }

  /** Completes the open op of `process`; ignored when it has none (it was closed already). */
  complete(process: number, type: Exclude<OpType, "invoke">, endMs: number, endAt: string, result: { value?: unknown; error?: string } = {}): Op | undefined {
    const inv = this.open.get(process);
    if (!inv) return undefined;
    this.open.delete(process);
    const value = type === "ok" && "value" in result ? result.value : inv.value;
    const entry: Op = {
      index: this.next++, type, process, node: inv.node, f: inv.f, value,
      startMs: inv.startMs, startAt: inv.startAt, endMs, endAt,
      ...(type !== "ok" && result.error !== undefined ? { error: result.error } : {}),
    };
    return this.record(entry);
  }

  isOpen(process: number): boolean {
    return this.open.has(process);
  }

  /** Every still-open invoke gets an `info` completion with `error` (in process order). */
  closeOpen(endMs: number, endAt: string, error = "open at the end of the run"): number {
    const processes = [...this.open.keys()].sort((a, b) => a - b);
    for (const p of processes) this.complete(p, "info", endMs, endAt, { error });
    return processes.length;
  }

  summary(): OpSummary {
    return structuredClone(this.counts);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }

  private record(op: Op): Op {
    const byF = (this.counts.byF[op.f] ??= { invokes: 0, ok: 0, fail: 0, info: 0 });
    const key = op.type === "invoke" ? "invokes" : op.type;
    this.counts[key]++;
    byF[key]++;
    if (this.fd !== undefined) writeSync(this.fd, `${JSON.stringify(toLine(op), bigintAsText)}\n`);
    if (this.options.keep) this.ops.push(op);
    this.options.onOp?.(op);
    return op;
  }
}

const bigintAsText = (_key: string, v: unknown): unknown => (typeof v === "bigint" ? v.toString() : v);

export function toLine(op: Op): Record<string, unknown> {
  return {
    index: op.index, type: op.type, process: op.process, node: op.node, f: op.f, value: op.value ?? null,
    start_ms: op.startMs, start_at: op.startAt,
    ...(op.endMs !== undefined ? { end_ms: op.endMs, end_at: op.endAt } : {}),
    ...(op.error !== undefined ? { error: op.error } : {}),
  };
}

export function fromLine(line: Record<string, unknown>): Op {
  return {
    index: line.index as number, type: line.type as OpType, process: line.process as number,
    node: line.node as string, f: line.f as string, value: line.value ?? null,
    startMs: line.start_ms as number, startAt: line.start_at as string,
    ...(line.end_ms !== undefined ? { endMs: line.end_ms as number, endAt: line.end_at as string } : {}),
    ...(line.error !== undefined ? { error: line.error as string } : {}),
  };
}

/** Reads ops.jsonl back; a torn last line (a killed writer) is dropped and reported. */
export function readOps(file: string): { ops: Op[]; truncated: boolean } {
  if (!existsSync(file)) return { ops: [], truncated: false };
  const lines = readFileSync(file, "utf8").split("\n");
  const ops: Op[] = [];
  let truncated = false;
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      ops.push(fromLine(JSON.parse(line) as Record<string, unknown>));
    } catch (err) {
      if (i >= lines.length - 2) truncated = true;
      else throw new Error(`${file}:${i + 1}: not a JSON op: ${(err as Error).message}`);
    }
  });
  return { ops, truncated };
}
