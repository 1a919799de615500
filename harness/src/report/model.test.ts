import { describe, expect, it } from "vitest";
import { buildReportModel } from "./model.js";
import { loadFixture, nodeEvents, t0Of } from "./testdata/fixtures.js";
import type { ViewInterval } from "./topology.js";

const split = loadFixture("majority-minority-split");
const mixed = loadFixture("mixed-faults");

/** The state of a cell at a moment, from the model's intervals. */
function stateAt(views: readonly ViewInterval[], node: string, peer: string, atMs: number) {
  return views.find((v) => v.node === node && v.peer === peer && v.fromMs <= atMs && atMs < v.toMs);
}

describe("report model: a clean 3|2 split", () => {
  const m = buildReportModel(split);
  const t0 = t0Of(split);
  const fault = split.entries.find((e) => e.type === "fault" && e.kind === "partition")!;
  const heal = split.entries.find((e) => e.type === "fault" && e.kind === "heal")!;

  it("has one lane per node and one fault window, from the cut to the heal", () => {
    expect(m.topology.nodes).toEqual(["n1", "n2", "n3", "n4", "n5"]);
    expect(m.topology.faults).toHaveLength(1);
    expect(m.topology.faults[0]).toMatchObject({
      kind: "partition",
      label: "partition n1 n2 n3 | n4 n5 (blackhole)",
      startMs: Number(fault.startedAt) - t0,
      appliedMs: Number(fault.appliedAt) - t0,
      endMs: Number(heal.appliedAt) - t0,
      open: false,
      nodes: ["n1", "n2", "n3", "n4", "n5"],
    });
    expect(m.topology.marks).toMatchObject([{ kind: "heal", label: "heal all", step: "steps[4]" }]);
  });

  it("derives each node's view from its own nodeup/nodedown events, starting from the full mesh", () => {
    const { views, readyMs, endMs } = m.topology;
    // every cell is covered from cluster_ready to the end, without gaps or overlaps
    for (const n of m.topology.nodes) {
      for (const p of m.topology.nodes.filter((x) => x !== n)) {
        const cell = views.filter((v) => v.node === n && v.peer === p).sort((a, b) => a.fromMs - b.fromMs);
        expect(cell[0]!.fromMs).toBe(readyMs);
        expect(cell[0]!.state).toBe("up");
        expect(cell.at(-1)!.toMs).toBe(endMs);
        for (let i = 1; i < cell.length; i++) expect(cell[i]!.fromMs).toBe(cell[i - 1]!.toMs);
      }
    }
    // right after each event, the observer's cell for the peer says what the event said
    const events = nodeEvents(split);
    expect(events.filter((e) => e.kind === "nodedown")).toHaveLength(12);
    for (const e of events) {
      expect(stateAt(views, e.node, e.peer, e.t - t0 + 0.001)?.state).toBe(e.kind === "nodeup" ? "up" : "down");
    }
    // n1 lost exactly n4 and n5, and got them back
    const n1n4 = views.filter((v) => v.node === "n1" && v.peer === "n4").map((v) => v.state);
    expect(n1n4).toEqual(["up", "down", "up"]);
    expect(views.filter((v) => v.node === "n1" && v.peer === "n2").map((v) => v.state)).toEqual(["up"]);
  });

  it("shows the view matrices: full mesh, the two sides, full mesh again", () => {
    const s = m.topology.snapshots;
    expect(s.map((x) => x.label)).toEqual(["cluster ready", "just before heal all", "end of run"]);
    const before = s[1]!.matrix;
    for (const a of ["n1", "n2", "n3"]) for (const b of ["n4", "n5"]) {
      expect(before[a]![b]).toBe("down");
      expect(before[b]![a]).toBe("down");
    }
    expect(before.n1!.n2).toBe("up");
    expect(before.n4!.n5).toBe("up");
    expect(before.n3!.n3).toBe("self");
    expect(Object.values(s[2]!.matrix).flatMap((r) => Object.values(r)).filter((c) => c === "down")).toEqual([]);
  });

  it("measures detection from the fault's start to each nodedown across the cut", () => {
    const downs = nodeEvents(split).filter((e) => e.kind === "nodedown").map((e) => e.t - Number(fault.startedAt));
    const [d] = m.topology.detections;
    expect(d).toMatchObject({ kind: "partition", expected: 12, missing: [] });
    expect(d!.observed).toHaveLength(12);
    expect(Math.min(...d!.observed.map((o) => o.ms))).toBeCloseTo(Math.min(...downs), 6);
    expect(Math.max(...d!.observed.map((o) => o.ms))).toBeCloseTo(Math.max(...downs), 6);
    expect(new Set(d!.observed.map((o) => o.reason))).toEqual(new Set(["net_tick_timeout", "connection_closed"]));
    // 4 s of net_ticktime: the cut is noticed after 3..6 s
    expect(Math.min(...d!.observed.map((o) => o.ms))).toBeGreaterThan(3000);
    expect(Math.max(...d!.observed.map((o) => o.ms))).toBeLessThan(6000);
  });

  it("measures convergence from the heal to the last nodeup that closes the mesh", () => {
    const lastUp = Math.max(...nodeEvents(split).filter((e) => e.kind === "nodeup").map((e) => e.t));
    expect(m.topology.convergence).toHaveLength(1);
    expect(m.topology.convergence[0]!.meshMs).toBeCloseTo(lastUp - Number(heal.appliedAt), 6);
  });

  it("has global op latencies, with the ops still in flight at the end", () => {
    expect(m.ops.length).toBeGreaterThan(10);
    expect(m.ops.every((o) => o.durationMs >= 0)).toBe(true);
    const open = m.ops.filter((o) => o.status === "in_flight");
    for (const o of open) {
      // an op is in flight when its node's probe said nothing after it started
      const later = split.entries.filter((e) => e.type === "node_event" && e.node === o.node && (e.event as { event: string }).event === "global_op" && e.t - t0 > o.startMs);
      expect(later).toEqual([]);
    }
  });

  it("has :pg membership per node over time: each side sees only its own members during the split", () => {
    const pg = m.pg!;
    expect(pg.groups).toEqual(["demo/workers"]);
    expect(pg.max).toBe(10);
    const detected = m.topology.detections[0]!;
    const from = detected.atMs + Math.max(...detected.observed.map((o) => o.ms)) + 600;
    const to = m.topology.faults[0]!.endMs;
    const during = (n: string) => pg.byNode[n]!.filter((s) => s.atMs > from && s.atMs < to && s.groups);
    expect(during("n4").length).toBeGreaterThan(0);
    for (const s of during("n4")) expect(s.groups!["demo/workers"]).toEqual({ n4: 2, n5: 2 });
    for (const s of during("n1")) expect(s.groups!["demo/workers"]).toEqual({ n1: 2, n2: 2, n3: 2 });
    const last = pg.byNode.n1!.at(-1)!;
    expect(Object.values(last.groups!["demo/workers"]!).reduce((a, b) => a + b, 0)).toBe(10);
  });

  it("places each checker's verdict at the moment it was decided, with its value", () => {
    const decided = split.entries.filter((e) => e.type === "check").map((e) => e.result as { name: string; decided_at: number; value_ms?: number });
    expect(m.checks.map((c) => c.name)).toEqual(decided.map((c) => c.name));
    m.checks.forEach((c, i) => {
      expect(c.atMs).toBe(Math.round(decided[i]!.decided_at - t0));
      expect(c.valueMs).toBe(decided[i]!.value_ms);
    });
    const mesh = m.checks.find((c) => c.name === "cluster.mesh")!;
    expect(mesh.spanFromMs).toBe(mesh.atMs - mesh.valueMs!);
    expect(m.checks.find((c) => c.name === "global.blocking")!.spanFromMs).toBeUndefined();
  });

  it("has no Horde census here, and says why", () => {
    expect(m.horde).toBeNull();
    expect(m.hordeNote).toMatch(/no Horde/);
  });

  it("keeps the Toxiproxy counters snapshotted before and after each fault", () => {
    expect(m.metrics.map((s) => `${s.phase} ${s.step}`)).toEqual(expect.arrayContaining(["before steps[0]", "after steps[0]", "before steps[4]", "after steps[4]"]));
    for (const s of m.metrics) expect(Object.keys(s.proxies).every((p) => /^n\d_to_n\d$/.test(p))).toBe(true);
  });

  it("is complete: no partial banner", () => {
    expect(m.partialBanner).toBeUndefined();
    expect(m.results.partial).toBe(false);
  });
});

describe("report model: node faults, a one-way cut and a restart", () => {
  const m = buildReportModel(mixed);
  const t0 = t0Of(mixed);

  it("has a window per fault, node faults on their node's lane only", () => {
    const byKind = Object.fromEntries(m.topology.faults.map((f) => [f.kind, f]));
    expect(Object.keys(byKind).sort()).toEqual(["delay", "kill", "oneway", "pause", "restart"]);
    expect(byKind.kill!.nodes).toEqual(["n4"]);
    expect(byKind.pause!.nodes).toEqual(["n3"]);
    expect(byKind.oneway!.label).toBe("one-way n1→n2");
    expect(byKind.delay!.label).toBe("delay 100±10 ms on all links");
    // the kill lasts until the restart begins; the pause until the resume
    const restart = mixed.entries.find((e) => e.type === "fault" && e.kind === "restart")!;
    expect(byKind.kill!.endMs).toBeCloseTo(Number(restart.startedAt) - t0, 6);
    const resume = mixed.entries.find((e) => e.type === "fault" && e.kind === "resume")!;
    expect(byKind.pause!.endMs).toBeCloseTo(Number(resume.appliedAt) - t0, 6);
  });

  it("shows a killed node as dead, and after its restart takes its view from its peers until it reports", () => {
    const { views, nodeStates } = m.topology;
    const killed = nodeStates.find((s) => s.node === "n4" && s.state === "killed")!;
    expect(killed).toBeDefined();
    expect(stateAt(views, "n4", "n1", (killed.fromMs + killed.toMs) / 2)?.state).toBe("dead");
    // a fresh VM: until n4 reports on n2, its view of n2 is taken from n2's view of it
    expect(stateAt(views, "n4", "n2", killed.toMs + 0.5)).toMatchObject({ state: "down", inferred: true });
    const own = nodeEvents(mixed).find((e) => e.node === "n4" && e.peer === "n2" && e.kind === "nodeup" && e.t - t0 > killed.toMs)!;
    expect(stateAt(views, "n4", "n2", own.t - t0 + 1)).toMatchObject({ state: "up", inferred: false });
    expect(nodeStates.find((s) => s.node === "n3" && s.state === "paused")).toBeDefined();
  });

  it("detects the kill, the one-way cut and the pause on every link they touch", () => {
    const d = Object.fromEntries(m.topology.detections.map((x) => [x.kind, x]));
    expect(d.kill).toMatchObject({ expected: 3, missing: [] });
    expect(d.kill!.observed.map((o) => `${o.node}>${o.peer}`).sort()).toEqual(["n1>n4", "n2>n4", "n3>n4"]);
    expect(d.oneway).toMatchObject({ expected: 2, missing: [] });
    expect(d.pause).toMatchObject({ expected: 3, missing: [] });
    expect(d.pause!.observed.every((o) => o.reason === "net_tick_timeout")).toBe(true);
  });

  it("re-meshes after each heal", () => {
    expect(m.topology.convergence.length).toBeGreaterThanOrEqual(2);
    for (const c of m.topology.convergence) expect(c.meshMs).not.toBeNull();
  });

  it("marks the pg samples a paused node could not give as missing", () => {
    const paused = m.topology.nodeStates.find((s) => s.node === "n3" && s.state === "paused")!;
    expect(m.pg!.byNode.n3!.filter((s) => s.atMs > paused.fromMs + 500 && s.atMs < paused.toMs - 500 && s.groups)).toEqual([]);
  });
});

describe("report model: a restarted node whose first nodeups predate its agent", () => {
  const T0 = 1_000_000;
  const entry = (t: number, type: string, fields: Record<string, unknown> = {}) => ({ t: T0 + t, type, ...fields });
  const ev = (t: number, node: string, event: string, peer: string, reason?: string) =>
    entry(t, "node_event", { node, event: { event, node: `${peer}@127.0.0.1`, t_us: (T0 + t) * 1000, ...(reason ? { reason } : {}) } });
  const record = {
    truncated: false,
    scenario: null,
    entries: [
      entry(0, "run_start", { scenario: "s", seed: 1, nodes: ["a", "b", "c"] }),
      entry(100, "cluster_ready", { boot_ms: 100 }),
      entry(200, "node_state", { node: "c", state: "killed" }),
      entry(200, "fault", { step: "steps[0]", kind: "kill", nodes: ["c"], startedAt: T0 + 200, appliedAt: T0 + 205 }),
      ev(210, "b", "nodedown", "c", "connection_closed"),
      ev(212, "a", "nodedown", "c", "connection_closed"),
      entry(400, "fault", { step: "steps[1]", kind: "restart", nodes: ["c"], startedAt: T0 + 400, appliedAt: T0 + 520 }),
      ev(500, "b", "nodeup", "c"),
      entry(520, "node_state", { node: "c", state: "running" }),
      ev(530, "a", "nodeup", "c"),
      ev(531, "c", "nodeup", "a"),
      entry(1000, "run_end", { verdict: "pass" }),
    ],
  };
  const m = buildReportModel(record);
  const cell = (n: string, p: string) => m.topology.views.filter((v) => v.node === n && v.peer === p).map((v) => [v.state, v.fromMs, v.toMs, v.inferred]);

  it("is dead while killed, then sees what its peers see, then its own events", () => {
    expect(cell("c", "b")).toEqual([["up", 100, 200, false], ["dead", 200, 520, false], ["up", 520, 1000, true]]);
    expect(cell("c", "a")).toEqual([["up", 100, 200, false], ["dead", 200, 520, false], ["down", 520, 530, true], ["up", 530, 1000, false]]);
    expect(cell("b", "c")).toEqual([["up", 100, 210, false], ["down", 210, 500, false], ["up", 500, 1000, false]]);
  });

  it("detects the kill from both peers, and the restart is a window of its own", () => {
    expect(m.topology.detections).toMatchObject([{ kind: "kill", expected: 2, missing: [] }]);
    expect(m.topology.detections[0]!.observed.map((o) => [o.node, o.ms])).toEqual([["b", 10], ["a", 12]]);
    expect(m.topology.faults.map((f) => [f.kind, f.startMs, f.endMs])).toEqual([["kill", 200, 400], ["restart", 400, 520]]);
    expect(m.topology.nodeStates).toEqual([{ node: "c", state: "killed", fromMs: 200, toMs: 520 }]);
  });

  it("knows when every running node saw every other running node", () => {
    // while c is dead, a and b still form a mesh (as cluster.mesh judges it); the new c breaks it until c sees a
    expect(m.topology.mesh).toEqual([{ fromMs: 100, toMs: 520 }, { fromMs: 530, toMs: 1000 }]);
  });
});

describe("report model: a cut healed link by link", () => {
  const T0 = 2_000_000;
  const entry = (t: number, type: string, fields: Record<string, unknown> = {}) => ({ t: T0 + t, type, ...fields });
  const ev = (t: number, node: string, event: string, peer: string, reason?: string) =>
    entry(t, "node_event", { node, event: { event, node: `${peer}@127.0.0.1`, t_us: (T0 + t) * 1000, ...(reason ? { reason } : {}) } });
  const m = buildReportModel({
    truncated: false,
    scenario: null,
    entries: [
      entry(0, "run_start", { scenario: "s", seed: 1, nodes: ["a", "b", "c"] }),
      entry(100, "cluster_ready", { boot_ms: 100 }),
      entry(200, "fault", { step: "steps[0]", kind: "partition", mode: "blackhole", pairs: [["a", "b"], ["a", "c"]], directions: ["a->b", "b->a", "a->c", "c->a"], startedAt: T0 + 200, appliedAt: T0 + 210 }),
      ev(4200, "a", "nodedown", "b", "net_tick_timeout"),
      ev(4201, "b", "nodedown", "a", "connection_closed"),
      entry(5000, "fault", { step: "steps[2]", kind: "heal", pairs: [["a", "b"]], directions: ["a<->b"], startedAt: T0 + 5000, appliedAt: T0 + 5005 }),
      ev(5100, "a", "nodeup", "b"),
      ev(5101, "b", "nodeup", "a"),
      ev(6000, "a", "nodedown", "c", "net_tick_timeout"),
      entry(7000, "fault", { step: "final_heal", kind: "heal", pairs: [], directions: ["all"], startedAt: T0 + 7000, appliedAt: T0 + 7004 }),
      entry(8000, "run_end", { verdict: "pass" }),
    ],
  });

  it("ends the window at the partial heal and goes on with the links still cut", () => {
    expect(m.topology.faults.map((f) => [f.label, f.startMs, f.endMs, f.nodes.join(""), f.pairs.map((p) => p.join("-")).join(",")])).toEqual([
      ["partition a | b c (blackhole)", 200, 5005, "abc", "a-b,a-c"],
      ["partition a | b c (blackhole) (rest)", 5005, 7004, "ac", "a-c"],
    ]);
  });

  it("keeps waiting for the detections on the links still cut, and gives up on the healed ones", () => {
    const [d] = m.topology.detections;
    expect(d!.expected).toBe(4);
    expect(d!.observed.map((o) => `${o.node}>${o.peer}@${o.ms}`)).toEqual(["a>b@4000", "b>a@4001", "a>c@5800"]);
    expect(d!.missing).toEqual([{ node: "c", peer: "a" }]);
  });
});
