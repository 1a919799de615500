/**
 * The census logic over handwritten censuses (one per anomaly kind, and the cases where a node
 * did not answer, a lookup blocked or a registry was down) and over censuses RECORDED from real
 * 5-node clusters running Horde 0.10.0 behind Toxiproxy (testdata/census-*.json: the agents'
 * raw answers, taken before a 3|2 reset partition, right after the cut, 100 ms after the heal,
 * and 8 s after the heal with trapping workers). None of this needs Horde: it runs everywhere.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { allHordeKeys, analyzeCensus, anomalySummary, hordeKeys, sampleRecord, shortPid, type CensusAnalysis, type NodeCensus, type WorkloadCensus } from "./census.js";
import { keyHealToCleanMs, summarizeSamples, workerExits, type EntryLike } from "./census-history.js";

const pid = (node: string, id: number) => `${node}@127.0.0.1/${id}.0`;

interface NodeSpec {
  workers?: [string, string][];
  entries?: Record<string, string>;
  lookups?: Record<string, string>;
  blocked?: string[];
  running?: boolean;
}

function census(node: string, s: NodeSpec, keys = 2): NodeCensus {
  const w: WorkloadCensus = {
    index: 0,
    keys,
    running: s.running ?? true,
    workers: (s.workers ?? []).map(([k, p]) => [k, p, 1]),
    entries: s.entries ?? {},
    lookups: s.lookups ?? {},
    blocked: s.blocked ?? [],
  };
  return { node: `${node}@127.0.0.1`, t_us: 1, workloads: [w] };
}

function analyze(nodes: Record<string, NodeSpec>, opts: { keys?: string[]; silent?: Record<string, string>; down?: string[] } = {}): CensusAnalysis {
  const keys = opts.keys ?? ["k1", "k2"];
  return analyzeCensus({
    keys,
    answers: new Map(Object.entries(nodes).map(([n, s]) => [n, census(n, s, keys.length)])),
    silent: new Map(Object.entries(opts.silent ?? {})),
    down: opts.down ?? [],
  });
}

const A = pid("n1", 100);
const B = pid("n2", 200);
const C = pid("n3", 300);
/** Everyone registers k1 -> A (on n1) and k2 -> B (on n2). */
const both = { k1: A, k2: B };

describe("analyzeCensus on handwritten censuses", () => {
  it("a clean census: one live worker per key, every node's entry and lookup name it", () => {
    const a = analyze({
      n1: { workers: [["k1", A]], entries: both, lookups: both },
      n2: { workers: [["k2", B]], entries: both, lookups: both },
      n3: { entries: both, lookups: both },
    });
    expect(a.clean).toBe(true);
    expect(a.noLoss).toBe(true);
    expect(a.anomalies).toEqual([]);
    expect(a.undecided).toBeNull();
    expect(a.views).toEqual({ n1: { workers: 1, registered: 2, found: 2 }, n2: { workers: 1, registered: 2, found: 2 }, n3: { workers: 0, registered: 2, found: 2 } });
    expect(a.keys[0]).toEqual({ key: "k1", live: [A], registered: { n1: A, n2: A, n3: A }, lookup: { n1: A, n2: A, n3: A }, anomalies: [] });
  });

  it("two_live: a second live worker for k1 on n3, which the registry does not list (alive but unregistered too)", () => {
    const a = analyze({
      n1: { workers: [["k1", A]], entries: both, lookups: both },
      n2: { workers: [["k2", B]], entries: both, lookups: both },
      n3: { workers: [["k1", C]], entries: both, lookups: both },
    });
    expect(a.clean).toBe(false);
    expect(a.byKind.two_live).toEqual(["k1"]);
    expect(a.byKind.alive_unregistered).toEqual(["k1"]);
    expect(a.anomalies.find((x) => x.kind === "alive_unregistered")!.detail).toBe("n3/300.0 alive, no node's lookup finds it");
    expect(a.keys[0]!.live).toEqual([A, C]);
    expect(a.noLoss).toBe(true);
  });

  it("the registry alone gives a false pass: every node agrees on k1 -> A, A lives, and a duplicate runs on n2", () => {
    const registry = { entries: both, lookups: both };
    const duplicate = pid("n2", 201);
    const full = analyze({ n1: { workers: [["k1", A]], ...registry }, n2: { workers: [["k2", B], ["k1", duplicate]], ...registry } });
    // what a registry-only checker can know: the registered pids, which are alive
    const registryView = analyze({ n1: { workers: [["k1", A]], ...registry }, n2: { workers: [["k2", B]], ...registry } });
    expect(registryView.clean).toBe(true);
    expect(full.clean).toBe(false);
    expect(full.byKind.two_live).toEqual(["k1"]);
    expect(full.anomalies.find((x) => x.kind === "alive_unregistered")!.detail).toBe("n2/201.0 alive, no node's lookup finds it");
  });

  it("alive_unregistered: the only worker of k1 lives, and no node's registry has it (not missing)", () => {
    const a = analyze({
      n1: { workers: [["k1", A]], entries: { k2: B }, lookups: { k2: B } },
      n2: { workers: [["k2", B]], entries: { k2: B }, lookups: { k2: B } },
    });
    expect(a.byKind.alive_unregistered).toEqual(["k1"]);
    expect(a.byKind.missing).toEqual([]);
    expect(a.byKind.lookups_disagree).toEqual([]);
    expect(a.noLoss).toBe(true);
    expect(a.keys[0]!.registered).toEqual({ n1: null, n2: null });
  });

  it("registered_dead: the lookups name a pid no node runs; k1 is then missing too", () => {
    const a = analyze({
      n1: { workers: [["k2", B]], entries: { k1: A, k2: B }, lookups: { k1: A, k2: B } },
      n2: { entries: { k1: A, k2: B }, lookups: { k1: A, k2: B } },
    });
    expect(a.byKind.registered_dead).toEqual(["k1"]);
    expect(a.byKind.missing).toEqual(["k1"]);
    expect(a.anomalies.find((x) => x.kind === "registered_dead")!.detail).toBe("n1, n2 map it to n1/100.0, which is not a live worker");
    expect(a.noLoss).toBe(false);
  });

  it("registered_dead from a raw entry alone: n2's registry still holds a dead pid its lookup hides", () => {
    const a = analyze({
      n1: { workers: [["k1", A], ["k2", B]], entries: both, lookups: both },
      n2: { entries: { k1: pid("n2", 999), k2: B }, lookups: both },
    });
    expect(a.byKind.registered_dead).toEqual(["k1"]);
    expect(a.byKind.lookups_disagree).toEqual([]);
    expect(a.keys[0]!.registered).toEqual({ n1: A, n2: pid("n2", 999) });
  });

  it("registered_dead: a pid of a killed node is dead, even though that node cannot answer", () => {
    const a = analyze({ n1: { workers: [["k2", B]], entries: { k1: C, k2: B }, lookups: { k2: B } }, n2: { entries: { k2: B }, lookups: { k2: B } } }, { down: ["n3"] });
    expect(a.byKind.registered_dead).toEqual(["k1"]);
    expect(a.undecided).toBeNull();
  });

  it("lookups_disagree: n1 and n2 find A, n3 finds nothing", () => {
    const a = analyze({
      n1: { workers: [["k1", A]], entries: both, lookups: both },
      n2: { workers: [["k2", B]], entries: both, lookups: both },
      n3: { entries: { k2: B }, lookups: { k2: B } },
    });
    expect(a.byKind.lookups_disagree).toEqual(["k1"]);
    expect(a.anomalies.find((x) => x.kind === "lookups_disagree")!.detail).toBe("n1, n2: n1/100.0 | n3: none");
    expect(a.byKind.alive_unregistered).toEqual([]);
  });

  it("the workers alone give a false pass: one live worker per key while the lookups disagree", () => {
    const a = analyze({
      n1: { workers: [["k1", A]], entries: both, lookups: both },
      n2: { workers: [["k2", B]], entries: { k1: A, k2: C }, lookups: { k1: A } },
    });
    expect(a.keys.every((k) => k.live.length === 1)).toBe(true);
    expect(a.clean).toBe(false);
    expect(a.byKind.lookups_disagree).toEqual(["k2"]);
    expect(a.byKind.registered_dead).toEqual(["k2"]);
  });

  it("missing: no live worker and no registration anywhere", () => {
    const a = analyze({ n1: { workers: [["k2", B]], entries: { k2: B }, lookups: { k2: B } }, n2: { entries: { k2: B }, lookups: { k2: B } } });
    expect(a.byKind.missing).toEqual(["k1"]);
    expect(a.counts).toEqual({ two_live: 0, alive_unregistered: 0, registered_dead: 0, lookups_disagree: 0, missing: 1 });
    expect(a.noLoss).toBe(false);
    expect(anomalySummary(a)).toBe("missing: 1 (k1)");
  });

  it("a node that did not answer: no_loss is still decided where a worker was seen; unique is undecided", () => {
    const a = analyze({ n1: { workers: [["k1", A], ["k2", B]], entries: both, lookups: both } }, { silent: { n2: "agent of n2 did not answer horde_census within 2000 ms" } });
    expect(a.noLoss).toBe(true);
    expect(a.clean).toBe(false);
    expect(a.anomalies).toEqual([]);
    expect(a.undecided).toBe("could not ask n2: agent of n2 did not answer horde_census within 2000 ms");
  });

  it("a key without a live worker while a node is silent: no_loss cannot be decided", () => {
    const a = analyze({ n1: { workers: [["k2", B]], entries: both, lookups: { k2: B } } }, { silent: { n3: "timeout" } });
    expect(a.noLoss).toBeNull();
    expect(a.byKind.missing).toEqual([]);
    expect(a.keys[0]!.undecided).toBe("no live worker on the nodes that answered (n3 did not)");
  });

  it("a registered pid whose node did not answer is not called dead", () => {
    const a = analyze({ n1: { workers: [["k1", A]], entries: { k1: A, k2: C }, lookups: { k1: A, k2: C } } }, { keys: ["k1", "k2"], silent: { n3: "timeout" } });
    expect(a.byKind.registered_dead).toEqual([]);
    expect(a.keys[1]!.undecided).toBe("no live worker on the nodes that answered (n3 did not)");
  });

  it("blocked lookups (a blackhole before nodedown) leave the key undecided, not unregistered", () => {
    const a = analyze({
      n1: { workers: [["k1", A], ["k2", B]], entries: both, lookups: { k2: B }, blocked: ["k1"] },
      n2: { entries: both, lookups: { k2: B }, blocked: ["k1"] },
    });
    expect(a.byKind.alive_unregistered).toEqual([]);
    expect(a.keys[0]!.lookup).toEqual({ n1: "blocked", n2: "blocked" });
    expect(a.clean).toBe(false);
    expect(a.undecided).toBe("lookups did not answer in time on n1 (1 keys), n2 (1 keys)");
  });

  it("a node whose registry is not running cannot find anything: it disagrees, and is named", () => {
    const a = analyze({ n1: { workers: [["k1", A], ["k2", B]], entries: both, lookups: both }, n2: { running: false } });
    expect(a.notRunning).toEqual(["n2"]);
    expect(a.byKind.lookups_disagree).toEqual(["k1", "k2"]);
    expect(a.undecided).toBe("the Horde workload is not running on n2");
  });
});

describe("key names and helpers", () => {
  it("names keys as the agent does", () => {
    expect(hordeKeys(0, 3)).toEqual(["k1", "k2", "k3"]);
    expect(hordeKeys(1, 2)).toEqual(["w2.k1", "w2.k2"]);
    expect(allHordeKeys([{ keys: 1 }, { keys: 2 }])).toEqual(["k1", "w2.k1", "w2.k2"]);
    expect(shortPid("n12@n12.netsplit/4711.0")).toBe("n12/4711.0");
  });
});

interface Recorded {
  phase: string;
  options: Record<string, unknown>;
  keys: string[];
  answers: Record<string, NodeCensus>;
}

function recorded(name: string): CensusAnalysis & { phase: string } {
  const r = JSON.parse(readFileSync(path.join(import.meta.dirname, "testdata", name), "utf8")) as Recorded;
  return { ...analyzeCensus({ keys: r.keys, answers: new Map(Object.entries(r.answers)), silent: new Map() }), phase: r.phase };
}

describe("analyzeCensus on censuses recorded from Horde 0.10.0 (5 nodes, 10 keys)", () => {
  it("before the partition: clean", () => {
    const a = recorded("census-clean.json");
    expect(a.phase).toBe("before the partition");
    expect(a.clean).toBe(true);
    expect(Object.values(a.views).reduce((s, v) => s + v.workers, 0)).toBe(10);
  });

  it("right after a reset partition [n1 n2 n3 | n4 n5]: duplicates, unregistered workers, lookups split by side", () => {
    const a = recorded("census-partition.json");
    expect(a.phase).toMatch(/into a reset partition/);
    expect(a.counts).toEqual({ two_live: 6, alive_unregistered: 5, registered_dead: 0, lookups_disagree: 10, missing: 0 });
    // every duplicate has one copy on each side
    for (const k of a.keys.filter((x) => x.anomalies.includes("two_live"))) {
      const sides = new Set(k.live.map((p) => (["n1", "n2", "n3"].includes(p.split("@")[0]!) ? "majority" : "minority")));
      expect(sides.size, k.key).toBe(2);
    }
    expect(a.noLoss).toBe(true);
  });

  it("100 ms after the heal: every kind at once, a lost key among them", () => {
    const a = recorded("census-after-heal.json");
    expect(a.counts).toEqual({ two_live: 2, alive_unregistered: 5, registered_dead: 6, lookups_disagree: 7, missing: 1 });
    expect(a.byKind.missing).toEqual(["k4"]);
    expect(a.noLoss).toBe(false);
  });

  it("8 s after the heal, workers trapping exits: every key runs twice and no registry lists either copy", () => {
    const a = recorded("census-trap-exit-after-heal.json");
    expect(a.counts.two_live).toBe(10);
    expect(a.counts.alive_unregistered).toBe(10);
    expect(a.counts.missing).toBe(0);
    expect(a.views.n1!.registered).toBeLessThan(10);
  });
});

describe("summarizeSamples and workerExits", () => {
  const sample = (t: number, anomalies: Record<string, string[]>, clean = Object.keys(anomalies).length === 0): EntryLike => ({ t, type: "horde_sample", views: {}, anomalies, clean });
  const entries: EntryLike[] = [
    sample(900, { missing: ["k1"] }), // before the workload was ready: ignored
    { t: 1000, type: "workload_ready" },
    sample(1100, {}),
    { t: 2000, type: "fault", kind: "partition" },
    sample(2100, { lookups_disagree: ["k1"] }),
    sample(2350, { two_live: ["k1", "k2"], lookups_disagree: ["k1", "k2"] }),
    sample(2600, { two_live: ["k2", "k3"] }),
    { t: 5000, type: "fault", kind: "heal" },
    sample(5100, { two_live: ["k3"], alive_unregistered: ["k3"] }),
    sample(5350, {}),
    sample(5600, { missing: ["k2"] }),
    sample(5850, {}),
    sample(6100, {}),
    { t: 5200, type: "node_event", node: "n4", event: { event: "horde_worker_exit", key: "k3", pid: pid("n4", 7), kind: "name_conflict", reason: "{:name_conflict, ...}", winner: pid("n1", 3) } },
    { t: 5300, type: "node_event", node: "n2", event: { event: "horde_worker_exit", key: "k2", pid: pid("n2", 8), kind: "shutdown", reason: ":shutdown" } },
    { t: 5310, type: "node_event", node: "n5", event: { event: "horde_exit_ignored", key: "k1", pid: pid("n5", 9), kind: "name_conflict", reason: "{:name_conflict, ...}" } },
    { t: 5320, type: "node_event", node: "n5", event: { event: "horde_already_started", key: "k1", holder: pid("n1", 3), outcome: "ignore" } },
    { t: 5330, type: "node_event", node: "n1", event: { event: "horde_down", what: "supervisor", kind: "shutdown", reason: ":shutdown" } },
  ];

  it("counts the keys with each anomaly during the faults, the most at once and when they first showed", () => {
    const s = summarizeSamples(entries);
    expect(s.samplesDuringFaults).toBe(3);
    expect(s.samplesAfterHeal).toBe(5);
    expect(s.duringFaults).toEqual({
      lookups_disagree: { keys: ["k1", "k2"], maxAtOnce: 2, firstAfterMs: 100 },
      two_live: { keys: ["k1", "k2", "k3"], maxAtOnce: 2, firstAfterMs: 350 },
    });
  });

  it("measures the heal-to-clean time from the first sample after which every sample stayed clean", () => {
    expect(summarizeSamples(entries).healToCleanMs).toBe(850);
    const stillBad = [...entries, sample(6350, { two_live: ["k9"] })];
    expect(summarizeSamples(stillBad).healToCleanMs).toBeNull();
    expect(summarizeSamples(stillBad).lastSample).toEqual({ two_live: ["k9"] });
  });

  it("per key: the time from the heal to the sample from which the key stayed clean", () => {
    const s = summarizeSamples(entries);
    expect(keyHealToCleanMs(s, "k3")).toBe(350);
    expect(keyHealToCleanMs(s, "k2")).toBe(850);
    expect(keyHealToCleanMs(s, "k1")).toBe(100);
    expect(keyHealToCleanMs(summarizeSamples([...entries, sample(6350, { two_live: ["k9"] })]), "k9")).toBeNull();
  });

  it("while a fault is still in force (a mid-run check) every sample since the first fault counts as during the faults", () => {
    const midRun = entries.filter((e) => e.t < 5000 || e.type !== "horde_sample").filter((e) => !(e.type === "fault" && e.kind === "heal"));
    const s = summarizeSamples([...midRun, sample(3000, { missing: ["k4"] })]);
    expect(s.samplesDuringFaults).toBe(4);
    expect(s.samplesAfterHeal).toBe(0);
    expect(s.duringFaults.missing).toEqual({ keys: ["k4"], maxAtOnce: 1, firstAfterMs: 1000 });
    expect(s.healToCleanMs).toBeNull();
  });

  it("a fault after a heal reopens the window: it ends at the heal after the last fault (final_heal counts)", () => {
    const s = summarizeSamples([
      { t: 0, type: "workload_ready" },
      { t: 100, type: "fault", kind: "partition", appliedAt: 110 },
      { t: 200, type: "fault", kind: "heal", appliedAt: 205 },
      sample(300, { two_live: ["k1"] }),
      { t: 400, type: "fault", kind: "kill" },
      sample(450, { missing: ["k2"] }),
      { t: 500, type: "final_heal" },
      sample(600, {}),
    ]);
    expect(s.samplesDuringFaults).toBe(2);
    expect(Object.keys(s.duringFaults).sort()).toEqual(["missing", "two_live"]);
    expect(s.duringFaults.two_live!.firstAfterMs).toBe(190);
    expect(s.healToCleanMs).toBe(100);
  });

  it("collects the exits (with the conflict winner), the ignored exits, the refused starts and Horde's own crashes", () => {
    const x = workerExits(entries);
    expect(x.exits.map((e) => [e.node, e.key, e.kind, e.winner])).toEqual([["n4", "k3", "name_conflict", pid("n1", 3)], ["n2", "k2", "shutdown", undefined]]);
    expect(x.ignored.map((e) => [e.node, e.key, e.kind])).toEqual([["n5", "k1", "name_conflict"]]);
    expect(x.alreadyStarted).toBe(1);
    expect(x.hordeDown).toEqual([{ node: "n1", what: "supervisor", kind: "shutdown", reason: ":shutdown", at: 5330 }]);
  });

  it("a sample record keeps only the kinds present", () => {
    const a = analyze({ n1: { workers: [["k2", B]], entries: { k2: B }, lookups: { k2: B } } });
    expect(sampleRecord(a, [])).toEqual({ views: { n1: { workers: 1, registered: 1, found: 1 } }, anomalies: { missing: ["k1"] }, clean: false });
  });
});
