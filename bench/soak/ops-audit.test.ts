import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { auditOps, auditOpsFile, OPEN_AT_END, summaryProblems } from "./ops-audit.js";

type Line = Record<string, unknown>;
const inv = (index: number, process: number, f = "add", start = index * 10): Line => ({ index, type: "invoke", process, node: `n${process + 1}`, f, value: index, start_ms: start, start_at: "t" });
const done = (index: number, type: string, i: Line, end = (i.start_ms as number) + 5, error?: string): Line => ({
  index, type, process: i.process, node: i.node, f: i.f, value: i.value, start_ms: i.start_ms, start_at: "t", end_ms: end, end_at: "t", ...(error ? { error } : {}),
});
const text = (lines: Line[]) => lines.map((l) => JSON.stringify(l)).join("\n") + "\n";

/** Two processes: p0 add ok, p1 read fail, p0 add info, p1 add open at the end. */
function history(): Line[] {
  const a = inv(0, 0);
  const b = inv(1, 1, "read");
  const c = inv(4, 0);
  const d = inv(5, 1);
  return [a, b, done(2, "ok", a), done(3, "fail", b, 20, "no_quorum"), c, d, done(6, "info", c, 60, "timed out"), done(7, "info", d, 70, OPEN_AT_END)];
}

describe("auditOps", () => {
  it("counts a complete history: invokes == completions, per type and per op, the open ops closed as info", () => {
    const a = auditOps(text(history()));
    expect(a).toMatchObject({ lines: 8, invokes: 4, completions: 4, ok: 1, fail: 1, info: 2, openAtEnd: 1, unmatchedInvokes: 0, complete: true, problems: [], firstStartMs: 0, lastEndMs: 70 });
    expect(a.byF).toEqual({ add: { invokes: 3, ok: 1, fail: 0, info: 2 }, read: { invokes: 1, ok: 0, fail: 1, info: 0 } });
    expect(a.bytes).toBe(Buffer.byteLength(text(history())));
  });

  it("an empty file is complete (no ops)", () => {
    expect(auditOps("")).toMatchObject({ lines: 0, invokes: 0, completions: 0, complete: true });
  });

  it("finds an invoke left without a completion (not closed at the end)", () => {
    const lines = history().slice(0, -1);
    const a = auditOps(text(lines));
    expect(a).toMatchObject({ invokes: 4, completions: 3, unmatchedInvokes: 1, complete: false });
    expect(a.problems).toEqual(["1 invokes have no completion (processes 1)"]);
  });

  it("finds a completion twice (an orphan), a completion of another op, and an invoke over an open one", () => {
    const h = history();
    const dup = { ...h[2]!, index: 8 };
    expect(auditOps(text([...h, dup])).problems).toEqual(["1 completions have no open invoke"]);
    const wrong = history();
    wrong[2] = { ...wrong[2]!, f: "read" };
    expect(auditOps(text(wrong)).problems).toEqual(["1 completions do not match their invoke (f, node or start_ms)"]);
    const twice = [inv(0, 0), { ...inv(1, 0), start_ms: 11 }, done(2, "ok", inv(1, 0, "add", 11))];
    const t = auditOps(text(twice));
    expect(t.problems).toEqual(["1 invokes on a process that had one open"]);
    expect(t.complete).toBe(false);
  });

  it("finds lines out of index order, lines that are not ops, and a torn last line", () => {
    const h = history();
    h[3] = { ...h[3]!, index: 30 };
    expect(auditOps(text(h)).problems).toEqual(["1 lines carry an index other than their position"]);
    const withJunk = text(history().slice(0, 3)) + "garbage\n" + text(history().slice(3)).replace(/"index":(\d+)/g, (_m, n: string) => `"index":${n}`);
    expect(auditOps(withJunk).problems).toContain("1 lines are not JSON ops");
    const torn = text(history()) + '{"index":8,"type":"inv';
    const a = auditOps(torn);
    expect(a.tornLastLine).toBe(true);
    expect(a.problems).toEqual(["the last line is torn (not JSON)"]);
  });

  it("reads a file", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "ops-audit-")), "ops.jsonl");
    writeFileSync(file, text(history()));
    expect(auditOpsFile(file)).toMatchObject({ invokes: 4, completions: 4, complete: true });
  });
});

describe("summaryProblems", () => {
  const audit = auditOps(text(history()));

  it("is empty when the runner's counts are the file's", () => {
    expect(summaryProblems(audit, { invokes: 4, ok: 1, fail: 1, info: 2, closed_at_stop: 1 })).toEqual([]);
  });

  it("names every count that differs, and a missing summary", () => {
    expect(summaryProblems(audit, { invokes: 5, ok: 1, fail: 1, info: 3, closed_at_stop: 0 })).toEqual([
      "the runner counted 5 invokes, ops.jsonl holds 4",
      "the runner counted 3 info, ops.jsonl holds 2",
      `the runner closed 0 ops at stop, ops.jsonl has 1 "${OPEN_AT_END}" infos`,
    ]);
    expect(summaryProblems(audit, undefined)).toEqual(["the run recorded no clients summary (clients_stopped)"]);
  });
});
