import { describe, expect, it } from "vitest";
import { growthRows, growthTable, metricValue, soakFailures, tallyChecks, THRESHOLDS } from "./report.js";
import type { Sample } from "./sampler.js";

/** Cycle-end samples of a soak where `leak(cycle)` KiB are added to n2's RSS. */
function soak(cycles: number, leak: (cycle: number) => number = () => 0): Sample[] {
  return Array.from({ length: cycles }, (_, i): Sample => {
    const cycle = i + 1;
    const pool = i % 3 === 0 ? 0 : 30; // the API client's keep-alive pool comes and goes
    return {
      t_ms: cycle * 1000,
      cycle,
      at: "cycle_end",
      harness: { pid: 1, rss_kb: 120_000 + (i % 4) * 500, fds: 60 + pool, api_conns: pool, heap_used_kb: 20_000, heap_total_kb: 30_000 + cycle * 100, external_kb: 3_000, array_buffers_kb: 500, heap_after_gc_kb: 15_000 + cycle * 60 },
      toxiproxy: { pid: 2, rss_kb: 20_000, fds: 48 + pool, api_conns: pool },
      nodes: { n1: { pid: 3, rss_kb: 46_000, fds: 27 }, n2: { pid: 4, rss_kb: 46_000 + leak(cycle), fds: 27 } },
      history_bytes: cycle * 15_000,
    };
  });
}

const ratio = 4; // heap bytes per history byte: 15_000 x 4 / 1024 = 58.6 KiB per cycle

describe("metricValue", () => {
  it("subtracts the API connections from the fds and the history from the heap", () => {
    const s = soak(2)[1]!;
    expect(metricValue(s, "harness", "fds_net")).toBe(60);
    expect(metricValue(s, "toxiproxy", "fds_net")).toBe(48);
    expect(metricValue(s, "harness", "heap_net_kb", ratio)).toBeCloseTo(15_120 - (30_000 * 4) / 1024, 6);
    expect(metricValue(s, "harness", "heap_net_kb")).toBeUndefined();
    expect(metricValue(s, "harness", "rss_native_kb")).toBe(120_500 - 30_200);
    expect(metricValue(s, "n3", "rss_kb")).toBeUndefined();
  });
});

describe("growthRows", () => {
  it("judges nothing as growing in a clean soak, and keeps raw fds and raw heap as information", () => {
    const rows = growthRows(soak(100), { warmupCycles: 5, historyHeapPerFileByte: ratio });
    const byKey = Object.fromEntries(rows.map((r) => [`${r.process} ${r.metric}`, r]));
    expect(Object.keys(byKey)).toEqual([
      "harness rss_kb", "harness rss_native_kb", "harness heap_after_gc_kb", "harness heap_net_kb", "harness fds", "harness fds_net",
      "toxiproxy rss_kb", "toxiproxy fds", "toxiproxy fds_net",
      "n1 rss_kb", "n1 fds", "n2 rss_kb", "n2 fds",
    ]);
    expect(rows.filter((r) => r.verdict === "grows")).toEqual([]);
    expect(byKey["harness fds"]!.verdict).toBe("info");
    expect(byKey["harness heap_after_gc_kb"]!.verdict).toBe("info");
    expect(byKey["harness heap_after_gc_kb"]!.slopePerCycle).toBeCloseTo(60, 6);
    expect(byKey["harness heap_net_kb"]!.slopePerCycle).toBeCloseTo(60 - (15_000 * 4) / 1024, 6);
    expect(byKey["harness fds_net"]).toMatchObject({ firstMedian: 60, lastMedian: 60, verdict: "no growth" });
  });

  it("finds a node whose RSS grows by 200 KiB a cycle", () => {
    const rows = growthRows(soak(100, (c) => c * 200), { warmupCycles: 5 });
    const grows = rows.filter((r) => r.verdict === "grows");
    expect(grows.map((r) => `${r.process} ${r.metric}`)).toEqual(["n2 rss_kb"]);
    expect(grows[0]!.slopePerCycle).toBeCloseTo(200, 6);
    expect(grows[0]!.allowed).toBe(THRESHOLDS.node.rss_kb!.absolute);
  });

  it("judges only cycle-end samples: ticks mid-fault do not count", () => {
    const samples = soak(100);
    const tick: Sample = { ...samples[99]!, at: "tick", nodes: { n1: { pid: 3, rss_kb: 46_000, fds: 90 } } };
    const rows = growthRows([...samples, tick], { warmupCycles: 5 });
    const n1fds = rows.find((r) => r.process === "n1" && r.metric === "fds")!;
    expect(n1fds.verdict).toBe("no growth");
    expect(n1fds.max).toBe(90);
  });
});

describe("soakFailures", () => {
  const clean = { proxies: 20, enabled: 20, toxics: 0 };
  const base = {
    runVerdict: "pass", cyclesWanted: 100, cyclesDone: 100,
    midRun: tallyChecks([{ name: "cluster.mesh", verdict: "pass", detail: "ok" }]),
    final: tallyChecks([{ name: "pg.converged", verdict: "pass", detail: "ok" }]),
    rows: growthRows(soak(100), { warmupCycles: 5 }),
    healCounts: Array.from({ length: 100 }, () => clean),
  };

  it("passes a clean soak", () => {
    expect(soakFailures(base)).toEqual([]);
  });

  it("gives every reason a soak fails", () => {
    const reasons = soakFailures({
      ...base,
      runVerdict: "fail",
      cyclesDone: 60,
      midRun: tallyChecks([{ name: "pg.converged", verdict: "fail", detail: "n3 sees 1 member" }, { name: "cluster.mesh", verdict: "pass", detail: "" }]),
      rows: growthRows(soak(100, (c) => c * 200), { warmupCycles: 5 }),
      healCounts: [clean, { ...clean, toxics: 2 }],
    });
    expect(reasons).toEqual([
      "the run's verdict is FAIL, not PASS",
      "only 60 of 100 cycles completed",
      "1 of 2 mid-run checks did not pass",
      expect.stringMatching(/^n2 RSS grows: 46\.8 MB -> 63\.6 MB \(allowed \+8\.0 MB\)$/),
      "Toxiproxy: 1 cycle ends had toxics left after the heal (up to 2)",
    ]);
  });
});

describe("tallyChecks", () => {
  it("counts verdicts and quotes the checks that did not pass", () => {
    const t = tallyChecks([
      { name: "a", verdict: "pass", detail: "" },
      { name: "b", verdict: "unknown", detail: "n2 did not answer" },
      { name: "a", verdict: "pass", detail: "" },
    ]);
    expect(t).toEqual({ total: 3, byVerdict: { pass: 2, unknown: 1 }, notPassed: ["b: UNKNOWN (n2 did not answer)"] });
  });
});

describe("growthTable", () => {
  it("prints one aligned line per process and metric, with units", () => {
    const table = growthTable(growthRows(soak(100), { warmupCycles: 5 })).split("\n");
    expect(table[0]).toMatch(/^process\s+metric\s+first 10%\s+last 10%\s+change\s+slope\/cycle\s+max\s+allowed\s+verdict$/);
    expect(table.find((l) => l.startsWith("n1 ") && l.includes("fds"))).toMatch(/^n1\s+fds\s+27\s+27\s+\+0\s+\+0\s+27\s+\+2\s+no growth$/);
    expect(table.find((l) => l.startsWith("toxiproxy") && l.includes("RSS"))).toMatch(/19\.5 MB\s+19\.5 MB\s+\+0\.0 KB\s+\+0\.0 KB\s+19\.5 MB\s+\+8\.0 MB\s+no growth$/);
    const col = table[0]!.indexOf("metric");
    for (const l of table) expect(l.slice(col - 2, col + 1)).toMatch(/^  \S$/);
  });
});
