/** The verdicts and sentences of horde.unique / horde.no_loss, from censuses and a history. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeCensus, type NodeCensus } from "./census.js";
import type { EntryLike } from "./census-history.js";
import { noLossVerdict, uniqueVerdict } from "./verdict.js";

const pid = (node: string, id: number) => `${node}@127.0.0.1/${id}.0`;
const A = pid("n1", 1);
const B = pid("n2", 2);

function node(name: string, workers: [string, string][], lookups: Record<string, string>, entries = lookups): NodeCensus {
  return { node: `${name}@127.0.0.1`, t_us: 0, workloads: [{ index: 0, keys: 2, running: true, workers: workers.map(([k, p]) => [k, p, 0]), entries, lookups, blocked: [] }] };
}

const keys = ["k1", "k2"];
const clean = analyzeCensus({ keys, answers: new Map([["n1", node("n1", [["k1", A]], { k1: A, k2: B })], ["n2", node("n2", [["k2", B]], { k1: A, k2: B })]]), silent: new Map() });
const broken = analyzeCensus({
  keys,
  answers: new Map([["n1", node("n1", [["k1", A], ["k1", pid("n1", 5)]], { k1: A })], ["n2", node("n2", [], { k1: A })]]),
  silent: new Map(),
});

const history: EntryLike[] = [
  { t: 1000, type: "workload_ready" },
  { t: 2000, type: "fault", kind: "partition" },
  { t: 2250, type: "horde_sample", anomalies: { two_live: ["k1", "k2"] }, clean: false },
  { t: 2500, type: "horde_sample", anomalies: { two_live: ["k1", "k2"], missing: ["k2"] }, clean: false },
  { t: 4000, type: "fault", kind: "heal" },
  { t: 4250, type: "horde_sample", anomalies: { two_live: ["k1"] }, clean: false },
  { t: 4500, type: "horde_sample", anomalies: {}, clean: true },
  { t: 4100, type: "node_event", node: "n2", event: { event: "horde_worker_exit", key: "k1", pid: pid("n2", 9), kind: "name_conflict", reason: "{:name_conflict, ...}", winner: A } },
  { t: 4200, type: "node_event", node: "n2", event: { event: "horde_down", what: "supervisor", kind: "shutdown", reason: ":shutdown" } },
];

describe("uniqueVerdict", () => {
  it("passes a clean census and tells what happened during the faults and after the heal", () => {
    const v = uniqueVerdict({ analysis: clean, entries: history, t0: 0 });
    expect(v.verdict).toBe("pass");
    expect(v.detail).toBe(
      "all 2 keys have one live worker that the lookups of all 2 nodes find; " +
        "during the faults two live: 2 keys (at most 2 at once, first 0.3 s after the first fault), missing: 1 key (at most 1 at once, first 0.5 s after the first fault); " +
        "the census was clean 500 ms after the last heal; worker exits: name_conflict ×1; Horde.DynamicSupervisor went down 1 time (n2 ×1; first: shutdown)",
    );
    expect(v.data.keys["k1"]).toMatchObject({ live: [A], registered: { n1: A, n2: A }, lookup: { n1: A, n2: A }, anomalies: [], during_faults: ["two_live"] });
    expect(v.data.keys["k1"]!.exits).toEqual([{ node: "n2", pid: pid("n2", 9), kind: "name_conflict", reason: "{:name_conflict, ...}", winner: A, at_ms: 4100 }]);
    expect(v.data.keys["k2"]!.during_faults).toEqual(["two_live", "missing"]);
    expect([v.data.keys["k1"]!.clean_after_heal_ms, v.data.keys["k2"]!.clean_after_heal_ms]).toEqual([500, 250]);
    expect(v.data).toMatchObject({ keys_total: 2, heal_to_clean_ms: 500, exit_kinds: { name_conflict: 1 }, samples: { during_faults: 2, after_heal: 2 } });
    expect(v.data.horde_down).toEqual([{ node: "n2", what: "supervisor", kind: "shutdown", reason: ":shutdown", at_ms: 4200 }]);
  });

  it("fails with each bad key and its anomalies", () => {
    const v = uniqueVerdict({ analysis: broken, entries: [], t0: 0 });
    expect(v.verdict).toBe("fail");
    expect(v.detail).toBe(
      "2 of 2 keys are not unique (two live: 1, alive but unregistered: 1, missing: 1): " +
        "k1: two live (2 live: n1/1.0, n1/5.0), alive but unregistered (n1/5.0 alive, no node's lookup finds it); k2: missing (no live worker on any node)",
    );
    expect(v.data.keys["k2"]!.anomalies).toEqual(["missing"]);
  });

  it("is unknown when a node did not answer and nothing is visibly wrong", () => {
    const a = analyzeCensus({ keys, answers: new Map([["n1", node("n1", [["k1", A], ["k2", B]], { k1: A, k2: B })]]), silent: new Map([["n2", "agent of n2 did not answer horde_census within 2000 ms"]]) });
    const v = uniqueVerdict({ analysis: a, entries: [], t0: 0 });
    expect(v).toMatchObject({ verdict: "unknown", detail: "cannot decide: could not ask n2: agent of n2 did not answer horde_census within 2000 ms" });
  });

  it("keeps only the keys with something to say beyond 1000 keys", () => {
    const many = Array.from({ length: 1200 }, (_, i) => `k${i + 1}`);
    const lookups = Object.fromEntries(many.map((k, i) => [k, pid("n1", i)]));
    const workers = many.map((k, i) => [k, pid("n1", i)] as [string, string]).filter(([k]) => k !== "k7");
    const a = analyzeCensus({ keys: many, answers: new Map([["n1", node("n1", workers, lookups)]]), silent: new Map() });
    const v = uniqueVerdict({ analysis: a, entries: [], t0: 0 });
    expect(Object.keys(v.data.keys)).toEqual(["k7"]);
    expect(v.data.keys_omitted).toBe(1199);
  });
});

describe("noLossVerdict", () => {
  it("passes when every key has a live worker, even with duplicates", () => {
    expect(noLossVerdict({ analysis: clean, entries: [], t0: 0 }).detail).toBe("all 2 keys have a live worker (2 live workers in all)");
    const dup = analyzeCensus({ keys: ["k1"], answers: new Map([["n1", node("n1", [["k1", A], ["k1", B]], {})]]), silent: new Map() });
    expect(noLossVerdict({ analysis: dup, entries: [], t0: 0 }).verdict).toBe("pass");
  });

  it("fails naming the lost keys, and where the registry still points", () => {
    const a = analyzeCensus({ keys, answers: new Map([["n1", node("n1", [["k1", A]], { k1: A }, { k1: A, k2: B })]]), silent: new Map() });
    const v = noLossVerdict({ analysis: a, entries: [], t0: 0 });
    expect(v).toMatchObject({ verdict: "fail", detail: "1 of 2 keys have no live worker: k2 (still registered to n2/2.0)" });
  });

  it("a recorded census from Horde 0.10.0, 100 ms after a heal, loses k4", () => {
    const r = JSON.parse(readFileSync(path.join(import.meta.dirname, "testdata", "census-after-heal.json"), "utf8")) as { keys: string[]; answers: Record<string, NodeCensus> };
    const a = analyzeCensus({ keys: r.keys, answers: new Map(Object.entries(r.answers)), silent: new Map() });
    expect(noLossVerdict({ analysis: a, entries: [], t0: 0 }).detail).toMatch(/^1 of 10 keys have no live worker: k4/);
    expect(uniqueVerdict({ analysis: a, entries: [], t0: 0 }).detail).toMatch(/^10 of 10 keys are not unique \(two live: 2, alive but unregistered: 5, registered but dead: 6, lookups disagree: 7, missing: 1\): k1: /);
  });
});
