/**
 * `runCheck` and `overallVerdict` without a cluster: the real checkers run against a small fake
 * run context whose agents answer from plain functions, so retries, thrown errors and the
 * verdict ordering can be driven exactly.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RunContext } from "../run/context.js";
import { History } from "../run/history.js";
import { now } from "../util/clock.js";
import type { Check } from "../scenario/model.js";
import { overallVerdict, POLL_MS, runCheck, type CheckResult, type Verdict } from "./index.js";

const at = { file: "t.yaml", line: 7, column: 5, path: "checks[0]" };
const NODES = ["n1", "n2", "n3"];
const full = (n: string) => `${n}@127.0.0.1`;

type Answer = (node: string, op: string, args: Record<string, unknown>) => unknown;

interface FakeOptions {
  answer: Answer;
  running?: () => string[];
  lastChangeAt?: number | null;
  startedAt?: number;
  hordeUnavailable?: string | null;
  signal?: AbortSignal;
  history?: History;
}

function fakeCtx(o: FakeOptions): RunContext {
  const running = o.running ?? (() => NODES);
  const cluster = {
    names: NODES,
    running,
    node: (n: string) => ({ name: n, state: running().includes(n) ? "running" : "killed" }),
    agent: (n: string) => ({ call: async (op: string, args: Record<string, unknown> = {}) => o.answer(n, op, args) }),
  };
  return {
    scenario: { workload: { pg: [], globalNames: [], globalProbes: [], horde: [] } },
    cluster,
    history: o.history ?? new History(),
    startedAt: o.startedAt ?? now(),
    sides: null,
    lastChangeAt: o.lastChangeAt ?? null,
    globalNames: new Set<string>(),
    hordeUnavailable: o.hordeUnavailable ?? null,
    signal: o.signal ?? new AbortController().signal,
    progress: () => undefined,
  } as unknown as RunContext;
}

const meshView: Answer = (n) => ({ nodes: NODES.filter((m) => m !== n).map(full) });
const n3Alone: Answer = (n) => ({ nodes: n === "n3" ? [] : NODES.filter((m) => m !== n && m !== "n3").map(full) });

const mesh = (withinMs: number): Check => ({ name: "cluster.mesh", withinMs, at });

describe("runCheck", () => {
  it("turns a checker that throws into unknown with the error text, and returns normally", async () => {
    const ctx = fakeCtx({ answer: meshView, running: () => { throw new Error("boom: the cluster object is broken"); } });
    const r = await runCheck(ctx, mesh(0), false);
    expect(r).toMatchObject({ name: "cluster.mesh", verdict: "unknown", attempts: 1, mid_run: false, source: "t.yaml:7:5" });
    expect(r.detail).toBe("the checker failed: boom: the cluster object is broken");
    expect(r.value_ms).toBeUndefined();
  });

  it.each([
    ["a string", "plain text thrown", "plain text thrown"],
    ["null", null, "null"],
    ["an object without a message", { code: 42 }, "[object Object]"],
  ])("reports a thrown %s as unknown too", async (_what, thrown, text) => {
    const ctx = fakeCtx({ answer: meshView, running: () => { throw thrown; } });
    const r = await runCheck(ctx, mesh(0), true);
    expect(r.verdict).toBe("unknown");
    expect(r.detail).toBe(`the checker failed: ${text}`);
    expect(r.mid_run).toBe(true);
  });

  it("keeps retrying a checker that throws until `within` runs out, then reports unknown", async () => {
    let calls = 0;
    const ctx = fakeCtx({ answer: meshView, running: () => { calls++; throw new Error(`attempt ${calls} failed`); } });
    const t0 = now();
    const r = await runCheck(ctx, mesh(4 * POLL_MS), false);
    expect(r.verdict).toBe("unknown");
    expect(r.attempts).toBeGreaterThan(1);
    expect(r.attempts).toBe(calls);
    expect(r.detail).toBe(`the checker failed: attempt ${calls} failed`);
    expect(r.decided_at - t0).toBeGreaterThanOrEqual(4 * POLL_MS - 2);
  });

  it("answers unknown for a check name no checker has", async () => {
    const r = await runCheck(fakeCtx({ answer: meshView }), { name: "cluster.nope", withinMs: 0, at } as unknown as Check, false);
    expect(r).toMatchObject({ verdict: "unknown", detail: "no checker named cluster.nope", attempts: 0 });
  });

  it("retries a convergence check until it passes: the third attempt passes, so there is no fourth", async () => {
    const calls = new Map<string, number>();
    const ctx = fakeCtx({
      answer: (n, op, args) => {
        const c = (calls.get(n) ?? 0) + 1;
        calls.set(n, c);
        return c < 3 ? n3Alone(n, op, args) : meshView(n, op, args);
      },
    });
    const r = await runCheck(ctx, mesh(60_000), false);
    expect(r.verdict).toBe("pass");
    expect(r.attempts).toBe(3);
    expect([...calls.values()]).toEqual([3, 3, 3]);
    expect(r.detail).toBe("all 3 running nodes see each other");
    // no heal in this run: the time to converge counts from the check's start, two polls at least
    expect(r.value_ms).toBeGreaterThanOrEqual(2 * POLL_MS - 2);
  });

  it("gives up when `within` runs out and keeps the last attempt's detail", async () => {
    const ctx = fakeCtx({ answer: n3Alone });
    const t0 = now();
    const r = await runCheck(ctx, mesh(3 * POLL_MS), false);
    expect(r.verdict).toBe("fail");
    expect(r.attempts).toBeGreaterThan(1);
    expect(r.detail).toBe("the cluster is not a full mesh: n1 does not see n3; n2 does not see n3; n3 does not see n1, n2");
    expect(r.decided_at - t0).toBeGreaterThanOrEqual(3 * POLL_MS - 2);
    expect(r.value_ms).toBeUndefined();
  });

  it("evaluates once when `within` is 0", async () => {
    const r = await runCheck(fakeCtx({ answer: n3Alone }), mesh(0), false);
    expect(r).toMatchObject({ verdict: "fail", attempts: 1 });
  });

  it("never retries a check that does not converge (global.blocking), whatever it answers", async () => {
    const history = new History();
    const t = now();
    history.record("node_event", { node: "n1", event: { event: "global_op", t_us: t * 1000, op: "register_name", seq: 1, status: "ok", started_us: t * 1000, ended_us: (t + 5000) * 1000, result: "yes" } });
    const r = await runCheck(fakeCtx({ answer: meshView, history }), { name: "global.blocking", maxMs: 1000, minMs: undefined, at }, false);
    expect(r).toMatchObject({ verdict: "fail", attempts: 1, value_ms: 5000 });
  });

  it("stops at once on skipped (Horde unavailable), even with a long `within`", async () => {
    const ctx = fakeCtx({ answer: meshView, hordeUnavailable: "Horde is not loaded" });
    const r = await runCheck(ctx, { name: "horde.unique", withinMs: 60_000, registry: undefined, supervisor: undefined, at }, false);
    expect(r).toMatchObject({ verdict: "skipped", attempts: 1, detail: "Horde is not available (Horde is not loaded)" });
  });

  it("stops retrying when the run is aborted", async () => {
    const abort = new AbortController();
    abort.abort();
    const r = await runCheck(fakeCtx({ answer: n3Alone, signal: abort.signal }), mesh(60_000), false);
    expect(r).toMatchObject({ verdict: "fail", attempts: 1 });
  });

  it("measures convergence from the last heal: 0 when it passes at once and nothing was healed", async () => {
    const t = now();
    const healed = await runCheck(fakeCtx({ answer: meshView, startedAt: t - 10_000, lastChangeAt: t - 2_000 }), mesh(5000), false);
    expect(healed.attempts).toBe(1);
    expect(healed.value_ms).toBeGreaterThanOrEqual(2000);
    expect(healed.value_ms).toBeLessThan(10_000);
    const never = await runCheck(fakeCtx({ answer: meshView, startedAt: t - 10_000 }), mesh(5000), false);
    expect(never.value_ms).toBe(0);
  });

  it("reports the unknown of a node that does not answer, naming it", async () => {
    const ctx = fakeCtx({ answer: (n, op, args) => { if (n === "n2") throw new Error("call view to n2 timed out after 2000 ms"); return meshView(n, op, args); } });
    const r = await runCheck(ctx, mesh(0), false);
    expect(r.verdict).toBe("unknown");
    expect(r.detail).toBe("could not ask n2: call view to n2 timed out after 2000 ms");
  });
});

const result = (verdict: Verdict): CheckResult => ({ name: "x", verdict, detail: "", decided_at: 0, source: "", mid_run: false, attempts: 1 });

describe("overallVerdict", () => {
  it.each<[Verdict[], string]>([
    [[], "pass"],
    [["pass"], "pass"],
    [["skipped"], "pass"],
    [["pass", "skipped", "pass"], "pass"],
    [["pass", "unknown", "skipped"], "unknown"],
    [["unknown", "pass", "fail"], "fail"],
    [["fail", "unknown"], "fail"],
    [["skipped", "fail"], "fail"],
  ])("%j -> %s", (verdicts, expected) => {
    expect(overallVerdict(verdicts.map(result))).toBe(expected);
  });

  it("fail beats unknown beats pass, in any order; skipped never counts", () => {
    const verdict = fc.constantFrom<Verdict>("pass", "fail", "unknown", "skipped");
    fc.assert(fc.property(fc.array(verdict), (vs) => {
      const expected = vs.includes("fail") ? "fail" : vs.includes("unknown") ? "unknown" : "pass";
      expect(overallVerdict(vs.map(result))).toBe(expected);
      expect(overallVerdict(vs.filter((v) => v !== "skipped").map(result))).toBe(expected);
    }));
  });
});
