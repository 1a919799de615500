/**
 * The :global checkers' logic over hand-written history entries and agent answers: which ops
 * count as timed, how blocked ops are completed by their late end (or bounded by the run's
 * end), what global.blocking names as the worst op, and how names_unique tells its failures apart.
 */
import { describe, expect, it } from "vitest";
import type { RunContext } from "../run/context.js";
import { type HistoryEntry } from "../run/history.js";
import { now } from "../util/clock.js";
import type { GlobalBlockingCheck, GlobalNamesUniqueCheck } from "../scenario/model.js";
import { globalBlocking, globalNamesUnique, timedOps } from "./global.js";

const T0 = 1_700_000_000_000; // harness ms
const us = (ms: number) => (T0 + ms) * 1000; // node µs, same clock
const at = { file: "t.yaml", line: 1, column: 1, path: "checks[0]" };

const op = (node: string, t: number, fields: Record<string, unknown>): HistoryEntry =>
  ({ t: T0 + t, type: "node_event", node, event: { event: "global_op", op: "register_name", t_us: us(t), ...fields } });
const late = (node: string, t: number, ref: string, startedMs: number, result: unknown = "yes"): HistoryEntry =>
  ({ t: T0 + t, type: "node_event", node, event: { event: "op_late", ref, status: "ok", started_us: us(startedMs), ended_us: us(t), result, t_us: us(t) } });

describe("timedOps", () => {
  const entries: HistoryEntry[] = [
    { t: T0, type: "run_start" },
    { t: T0 + 5, type: "node_event", node: "n1", event: { event: "nodeup", node: "n2@127.0.0.1", t_us: us(5) } },
    op("n1", 12, { seq: 1, status: "ok", started_us: us(10), ended_us: us(12), result: "yes" }),
    op("n2", 40, { seq: 1, status: "error", started_us: us(30), ended_us: us(40), result: "** (exit) boom" }),
    // blocked on n1 (reported after the probe's timeout), finished much later: op_late
    op("n1", 1600, { seq: 2, status: "blocked", started_us: us(100), ended_us: null, result: null, ref: "#Ref<0.1.2.3>" }),
    // blocked on n3 with the SAME ref text as n1's: must not borrow n1's late end
    op("n3", 1600, { seq: 7, status: "blocked", started_us: us(200), ended_us: null, result: null, ref: "#Ref<0.1.2.3>" }),
    { t: T0 + 2000, type: "fault", step: "steps[0]", kind: "partition" },
    late("n1", 4100, "#Ref<0.1.2.3>", 100),
    // a global_register step: ok on n1, blocked then late on n3, and a call that failed on n2
    { t: T0 + 300, type: "global_register", node: "n1", name: "solo", outcome: { status: "ok", started_us: us(250), ended_us: us(300), result: "yes", pid: "n1@127.0.0.1/90.0" } },
    { t: T0 + 900, type: "global_register", node: "n3", name: "solo", outcome: { status: "blocked", started_us: us(260), ended_us: null, result: null, ref: "#Ref<9>" } },
    late("n3", 3260, "#Ref<9>", 260, "no"),
    { t: T0 + 999, type: "global_register", node: "n2", name: "solo", error: "agent of n2 closed the connection" },
    { t: T0 + 5000, type: "check", result: { name: "cluster.mesh" } },
  ];
  const ops = timedOps(entries, T0 + 10_000);

  it("finds every probe op and every global_register outcome, nothing else", () => {
    expect(ops.map((o) => `${o.node} ${o.op} ${o.seq ?? "-"}`)).toEqual([
      "n1 register_name 1", "n2 register_name 1", "n1 register_name 2", "n3 register_name 7",
      `n1 register_name("solo") -`, `n3 register_name("solo") -`,
    ]);
  });

  it("times an op that finished in time from its own timestamps", () => {
    expect(ops[0]).toMatchObject({ node: "n1", startedAt: T0 + 10, finished: true, result: "yes" });
    expect(ops[0]!.durationMs).toBeCloseTo(2, 6);
    expect(ops[1]).toMatchObject({ node: "n2", finished: true, result: "** (exit) boom" });
    expect(ops[1]!.durationMs).toBeCloseTo(10, 6);
  });

  it("completes a blocked op with its op_late event (same node, same ref)", () => {
    expect(ops[2]).toMatchObject({ node: "n1", seq: 2, finished: true, result: "yes" });
    expect(ops[2]!.durationMs).toBeCloseTo(4000, 6);
  });

  it("bounds a blocked op that never finished by the run's end, and says it is a lower bound", () => {
    expect(ops[3]).toMatchObject({ node: "n3", seq: 7, finished: false, result: null });
    expect(ops[3]!.durationMs).toBeCloseTo(10_000 - 200, 6);
  });

  it("times global_register steps, including a blocked one that finished late", () => {
    expect(ops[4]).toMatchObject({ node: "n1", op: 'register_name("solo")', finished: true, result: "yes" });
    expect(ops[4]!.durationMs).toBeCloseTo(50, 6);
    expect(ops[5]).toMatchObject({ node: "n3", op: 'register_name("solo")', finished: true, result: "no" });
    expect(ops[5]!.durationMs).toBeCloseTo(3000, 6);
  });

  it("returns nothing for a history without global ops", () => {
    expect(timedOps([{ t: T0, type: "run_start" }, entries[1]!], T0 + 1)).toEqual([]);
  });
});

function ctxWith(entries: HistoryEntry[], answers: Record<string, unknown> = {}, silent: Record<string, string> = {}): RunContext {
  const names = Object.keys({ ...answers, ...silent });
  return {
    startedAt: T0,
    history: { entries },
    cluster: {
      running: () => names,
      agent: (n: string) => ({
        call: async () => {
          if (silent[n]) throw new Error(silent[n]);
          return answers[n];
        },
      }),
    },
  } as unknown as RunContext;
}

const blocking = (maxMs: number | undefined, minMs: number | undefined): GlobalBlockingCheck => ({ name: "global.blocking", maxMs, minMs, at });

describe("global.blocking", () => {
  const history = [
    op("n1", 12, { seq: 1, status: "ok", started_us: us(10), ended_us: us(12), result: "yes" }),
    op("n2", 1600, { seq: 3, status: "blocked", started_us: us(1500), ended_us: null, result: null, ref: "r1" }),
    late("n2", 8500, "r1", 1500),
    op("n3", 900, { seq: 2, status: "ok", started_us: us(100), ended_us: us(900), result: "yes" }),
  ];

  it("fails a max_ms bound, counting the ops over it and naming the worst op, its node, start and duration", async () => {
    const a = await globalBlocking.attempt(ctxWith(history), blocking(500, undefined));
    expect(a.verdict).toBe("fail");
    expect(a.valueMs).toBe(7000);
    expect(a.detail).toBe("2 of 3 global ops exceeded 500 ms; the worst: register_name #3 on n2 started at +1.50s took 7000 ms");
    expect(a.data).toMatchObject({ ops: 3, worst: { node: "n2", seq: 3, durationMs: 7000, finished: true } });
  });

  it("passes a max_ms bound every op respects", async () => {
    const a = await globalBlocking.attempt(ctxWith(history), blocking(7000, undefined));
    expect(a).toMatchObject({ verdict: "pass", valueMs: 7000 });
    expect(a.detail).toBe("3 global ops, <= 7000 ms; the slowest: register_name #3 on n2 started at +1.50s took 7000 ms");
  });

  it("passes min_ms when one op blocked that long, fails it when none did", async () => {
    expect(await globalBlocking.attempt(ctxWith(history), blocking(undefined, 7000))).toMatchObject({ verdict: "pass", valueMs: 7000 });
    const a = await globalBlocking.attempt(ctxWith(history), blocking(undefined, 7001));
    expect(a.verdict).toBe("fail");
    expect(a.detail).toBe("no global op took 7001 ms or more (3 ops; the slowest: register_name #3 on n2 started at +1.50s took 7000 ms)");
  });

  it("checks both bounds together", async () => {
    const a = await globalBlocking.attempt(ctxWith(history), blocking(8000, 1000));
    expect(a).toMatchObject({ verdict: "pass", detail: "3 global ops, <= 8000 ms and one >= 1000 ms; the slowest: register_name #3 on n2 started at +1.50s took 7000 ms" });
    expect((await globalBlocking.attempt(ctxWith(history), blocking(6000, 1000))).verdict).toBe("fail");
  });

  it("says `more than` for an op still blocked when the check runs (a lower bound up to now)", async () => {
    const started = now() - 3000; // the harness clock: ms since the epoch
    const entries: HistoryEntry[] = [{ t: started, type: "node_event", node: "n3", event: { event: "global_op", op: "trans", seq: 9, status: "blocked", started_us: started * 1000, ended_us: null, result: null, ref: "r" } }];
    const ctx = { ...ctxWith(entries), startedAt: started - 1000 } as RunContext;
    const a = await globalBlocking.attempt(ctx, blocking(1000, undefined));
    expect(a.verdict).toBe("fail");
    expect(a.valueMs).toBeGreaterThanOrEqual(3000);
    expect(a.detail).toMatch(/^1 of 1 global ops exceeded 1000 ms; the worst: trans #9 on n3 started at \+1\.00s took more than \d+ ms$/);
  });

  it("is unknown, with a hint, when no timed op ran", async () => {
    const a = await globalBlocking.attempt(ctxWith([]), blocking(1000, undefined));
    expect(a.verdict).toBe("unknown");
    expect(a.detail).toContain("no timed global op ran");
    expect(a.detail).toContain("probe: register_name");
  });
});

const names = (...ns: string[]): GlobalNamesUniqueCheck => ({ name: "global.names_unique", withinMs: 0, names: ns, at });
const view = (names: Record<string, string | null>, holders: { name: string; pid: string }[] = []) => ({ names, holders });
const P1 = "n1@127.0.0.1/120.0";
const P3 = "n3@127.0.0.1/77.0";

describe("global.names_unique", () => {
  it("passes when every node resolves the name to the same live holder", async () => {
    const ctx = ctxWith([], { n1: view({ leader: P1 }, [{ name: "leader", pid: P1 }]), n2: view({ leader: P1 }), n3: view({ leader: P1 }) });
    const a = await globalNamesUnique.attempt(ctx, names("leader"));
    expect(a).toMatchObject({ verdict: "pass", detail: '"leader" resolve to one live pid on all 3 nodes' });
    expect(a.data).toEqual({ leader: { n1: P1, n2: P1, n3: P1 } });
  });

  it("fails when nodes disagree, grouping the nodes by what they resolve to", async () => {
    const ctx = ctxWith([], { n1: view({ leader: P1 }, [{ name: "leader", pid: P1 }]), n2: view({ leader: P1 }), n3: view({ leader: null }) });
    const a = await globalNamesUnique.attempt(ctx, names("leader"));
    expect(a.verdict).toBe("fail");
    expect(a.detail).toMatch(/^"leader" resolves differently: /);
    expect(a.detail).toContain("n3 → nothing");
    expect(a.detail).toMatch(new RegExp(`(n1, n2|n2, n1) → ${P1}`));
  });

  it("fails when the name is registered nowhere, and when it resolves to a pid no node holds", async () => {
    const nowhere = ctxWith([], { n2: view({ leader: null }), n3: view({ leader: null }) });
    expect(await globalNamesUnique.attempt(nowhere, names("leader"))).toMatchObject({ verdict: "fail", detail: '"leader" is registered nowhere' });
    const stale = ctxWith([], { n2: view({ leader: P1 }), n3: view({ leader: P1 }) });
    expect(await globalNamesUnique.attempt(stale, names("leader"))).toMatchObject({ verdict: "fail", detail: `"leader" resolves to ${P1}, which is not a live process` });
  });

  it("reports every failing name and adds the holder exits of the history as evidence", async () => {
    const exit: HistoryEntry = { t: T0 + 2500, type: "node_event", node: "n3", event: { event: "holder_exit", name: "solo", pid: P3, reason: ":killed" } };
    const other: HistoryEntry = { t: T0 + 2600, type: "node_event", node: "n3", event: { event: "holder_exit", name: "unrelated", pid: P3, reason: ":normal" } };
    const ctx = ctxWith([exit, other], { n1: view({ solo: P1, leader: null }, [{ name: "solo", pid: P1 }]), n3: view({ solo: P1, leader: null }) });
    const a = await globalNamesUnique.attempt(ctx, names("solo", "leader"));
    expect(a.verdict).toBe("fail");
    expect(a.detail).toBe(`"leader" is registered nowhere (n3's holder of "solo" exited (:killed) at +2.50s)`);
  });

  it("is unknown when a node does not answer", async () => {
    const ctx = ctxWith([], { n1: view({ leader: P1 }, [{ name: "leader", pid: P1 }]) }, { n2: "call global_view to n2 timed out after 2000 ms" });
    expect(await globalNamesUnique.attempt(ctx, names("leader"))).toMatchObject({ verdict: "unknown", detail: "could not ask n2: call global_view to n2 timed out after 2000 ms" });
  });
});

describe("timedOps and ops still in flight", () => {
  it("counts a probe op that started but never reported, up to the run's end", () => {
    const entries = [
      { t: 1, type: "node_event", node: "n1", event: { event: "global_op_start", op: "register_name", seq: 1, probe: "7", started_us: 1_000_000 } },
      { t: 2, type: "node_event", node: "n1", event: { event: "global_op", op: "register_name", seq: 1, probe: "7", status: "ok", started_us: 1_000_100, ended_us: 1_003_100, result: "yes" } },
      { t: 3, type: "node_event", node: "n1", event: { event: "global_op_start", op: "register_name", seq: 2, probe: "7", started_us: 2_000_000 } },
    ];
    const ops = timedOps(entries, 9_000);
    expect(ops).toHaveLength(2);
    const open = ops.find((o) => !o.finished)!;
    expect(open).toMatchObject({ node: "n1", seq: 2, finished: false });
    expect(open.durationMs).toBe(7_000);
    expect(ops.find((o) => o.finished)!.durationMs).toBe(3);
  });
});
