import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OpLog, readOps } from "./history.js";
import type { Op } from "./types.js";

const at = (ms: number) => new Date(ms).toISOString();

describe("OpLog", () => {
  let dir: string | undefined;
  afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); dir = undefined; });

  it("numbers ops, completes with the invoke's fields, and counts by type and f", () => {
    const log = new OpLog({ keep: true });
    log.invoke({ process: 0, node: "n1", f: "add", value: 1, startMs: 5, startAt: at(5) });
    log.invoke({ process: 1, node: "n2", f: "read", value: null, startMs: 6, startAt: at(6) });
    log.complete(1, "ok", 9, at(9), { value: [1] });
    log.complete(0, "fail", 10, at(10), { error: "returned false", value: "ignored" });
    expect(log.ops[2]).toEqual({ index: 2, type: "ok", process: 1, node: "n2", f: "read", value: [1], startMs: 6, startAt: at(6), endMs: 9, endAt: at(9) });
    expect(log.ops[3]).toMatchObject({ index: 3, type: "fail", value: 1, error: "returned false" });
    expect(log.summary()).toEqual({ invokes: 2, ok: 1, fail: 1, info: 0, byF: { add: { invokes: 1, ok: 0, fail: 1, info: 0 }, read: { invokes: 1, ok: 1, fail: 0, info: 0 } } });
  });

  it("refuses a second op in flight for a process; ignores a completion with none open", () => {
    const log = new OpLog();
    log.invoke({ process: 0, node: "n1", f: "add", value: 1, startMs: 0, startAt: at(0) });
    expect(() => log.invoke({ process: 0, node: "n1", f: "add", value: 2, startMs: 1, startAt: at(1) })).toThrow("process 0 already has an op in flight");
    expect(log.complete(3, "ok", 2, at(2))).toBeUndefined();
  });

  it("keeps no op in memory unless asked, and closes open invokes as info in process order", () => {
    const seen: Op[] = [];
    const log = new OpLog({ onOp: (o) => seen.push(o) });
    for (const p of [2, 0]) log.invoke({ process: p, node: "n1", f: "add", value: p, startMs: 0, startAt: at(0) });
    expect(log.closeOpen(50, at(50))).toBe(2);
    expect(log.ops).toEqual([]);
    expect(seen.slice(2).map((o) => [o.process, o.type, o.error])).toEqual([[0, "info", "open at the end of the run"], [2, "info", "open at the end of the run"]]);
    expect(log.isOpen(0)).toBe(false);
  });

  it("streams snake_case JSON lines and reads them back; a torn last line is dropped", () => {
    dir = mkdtempSync(join(tmpdir(), "netsplit-ops-"));
    const file = join(dir, "ops.jsonl");
    const log = new OpLog({ file, keep: true });
    log.invoke({ process: 0, node: "n1", f: "add", value: 1, startMs: 0, startAt: at(0) });
    log.complete(0, "info", 3, at(3), { error: "raised boom" });
    log.close();
    expect(readOps(file)).toEqual({ ops: log.ops, truncated: false });
    appendFileSync(file, '{"index":2,"type":"inv');
    expect(readOps(file)).toEqual({ ops: log.ops, truncated: true });
    expect(readOps(join(dir, "missing.jsonl"))).toEqual({ ops: [], truncated: false });
  });
});
