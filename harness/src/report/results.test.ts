import { describe, expect, it } from "vitest";
import { buildResults } from "./results.js";
import { loadFixture, t0Of } from "./testdata/fixtures.js";
import type { RunRecord } from "./record.js";

const split = loadFixture("majority-minority-split");

/** The record as a runner killed at `cutMs` after the start would have left it. */
function cutAt(r: RunRecord, cutMs: number, truncated = false): RunRecord {
  const t0 = t0Of(r);
  const i = r.entries.findIndex((e) => e.t - t0 > cutMs);
  return { ...r, entries: r.entries.slice(0, i < 0 ? undefined : i), truncated };
}

describe("results.json", () => {
  const r = buildResults(split);
  const t0 = t0Of(split);

  it("has the contract's shape", () => {
    expect(r).toMatchObject({ scenario: "majority-minority-split", verdict: "pass", seed: 42, partial: false });
    expect(r.started_at).toBe(new Date(t0).toISOString());
    expect(r.duration_ms).toBe(Math.round(split.entries.find((e) => e.type === "run_end")!.t - t0));
    for (const c of r.checks) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(["name", "verdict", "detail", "source", "mid_run", "decided_at_ms"]));
      expect(["pass", "fail", "unknown", "skipped"]).toContain(c.verdict);
    }
    expect(r.checks.map((c) => `${c.name}${c.mid_run ? "*" : ""}`)).toEqual(["pg.partitioned*", "cluster.sees*", "cluster.mesh", "pg.converged", "global.names_unique", "global.blocking"]);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it("has the versions, the kernel flags the nodes ran with, and the nodes", () => {
    expect(r.versions).toEqual({ otp: "25", elixir: "1.14.0", toxiproxy: "git", netsplit: "0.1.0" });
    expect(r.kernel).toEqual({ connect_all: true, net_setuptime: 2, net_ticktime: 4, prevent_overlapping_partitions: true });
    expect(r.nodes).toEqual(["n1", "n2", "n3", "n4", "n5"]);
  });

  it("has the run's timings: boot, each fault's apply time, detection and convergence", () => {
    const ready = split.entries.find((e) => e.type === "cluster_ready")!;
    expect(r.timings.boot_ms).toBe(Math.round(Number(ready.boot_ms)));
    expect(r.timings.faults.map((f) => [f.step, f.kind, f.label])).toEqual([
      ["steps[0]", "partition", "partition n1 n2 n3 | n4 n5 (blackhole)"],
      ["steps[4]", "heal", "heal all"],
    ]);
    const cut = split.entries.find((e) => e.type === "fault" && e.kind === "partition")!;
    expect(r.timings.faults[0]!.apply_ms).toBeCloseTo(Number(cut.appliedAt) - Number(cut.startedAt), 0);
    expect(r.timings.detections).toHaveLength(1);
    expect(r.timings.detections[0]).toMatchObject({ step: "steps[0]", expected: 12, detected: 12 });
    expect(Object.values(r.timings.detections[0]!.reasons).reduce((a, b) => a + b, 0)).toBe(12);
    expect(r.timings.convergence).toHaveLength(1);
    expect(r.timings.convergence[0]!.mesh_ms).toBeGreaterThan(0);
  });
});

describe("results.json of a run that never ended", () => {
  it("is partial, unknown, says where the history stops, and lists the checks never decided", () => {
    const r = buildResults(cutAt(split, 3000));
    expect(r.partial).toBe(true);
    expect(r.verdict).toBe("unknown");
    expect(r.partial_reason).toMatch(/^the run ended before its steps finished: the runner stopped without finishing \(crashed or killed\); the history stops at \+\d+\.\d\d s, during steps\[1\] \(wait 6 s, started \+\d+\.\d\d s, .* before the end\); no final check ran$/);
    expect(r.checks.map((c) => [c.name, c.verdict, c.decided_at_ms])).toEqual([
      ["cluster.mesh", "unknown", undefined],
      ["pg.converged", "unknown", undefined],
      ["global.names_unique", "unknown", undefined],
      ["global.blocking", "unknown", undefined],
    ]);
    expect(r.checks[0]!.detail).toBe("not decided: the run ended before this check ran");
    // the cut was never noticed before the history stops
    expect(r.timings.detections[0]).toMatchObject({ expected: 12, detected: 0 });
  });

  it("says so when its checks had begun, and when the last entry was cut off", () => {
    const t0 = t0Of(split);
    const secondFinal = split.entries.filter((e) => e.type === "check").map((e) => e.t - t0)[3]!;
    const r = buildResults(cutAt(split, secondFinal + 0.01, true));
    expect(r.partial_reason).toMatch(/^the run ended before all its checks were decided: .*; 2 of 4 final checks ran; its last entry was cut off mid-write$/);
    expect(r.checks.filter((c) => c.decided_at_ms === undefined).map((c) => c.name)).toEqual(["global.names_unique", "global.blocking"]);
  });

  it("says the cluster never got ready", () => {
    const r = buildResults(cutAt(split, 100));
    expect(r.partial_reason).toMatch(/^the run ended before its cluster was ready/);
    expect(r.versions).toEqual({ netsplit: "0.1.0" });
  });
});
