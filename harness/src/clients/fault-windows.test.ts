import { describe, expect, it } from "vitest";
import { faultWindows, windowsAt } from "./fault-windows.js";

const T0 = 1_000_000;
describe("faultWindows", () => {
  it("network faults end at the heal that removes them; node faults at their restart or resume", () => {
    const w = faultWindows([
      { t: T0 + 100, type: "fault", kind: "partition", mode: "blackhole", step: "steps[1]", startedAt: T0 + 100, appliedAt: T0 + 150, pairs: [["n1", "n3"], ["n2", "n3"]] },
      { t: T0 + 900, type: "fault", kind: "delay", startedAt: T0 + 900, appliedAt: T0 + 920, pairs: [["n1", "n2"]] },
      { t: T0 + 1000, type: "fault", kind: "heal", startedAt: T0 + 1000, appliedAt: T0 + 1010, pairs: [["n3", "n1"], ["n3", "n2"]], directions: ["n1<->n3"] },
      { t: T0 + 2000, type: "fault", kind: "kill", nodes: ["n3"], startedAt: T0 + 2000, appliedAt: T0 + 2005 },
      { t: T0 + 3000, type: "fault", kind: "restart", nodes: ["n3"], startedAt: T0 + 3000, appliedAt: T0 + 3500 },
      { t: T0 + 4000, type: "fault", kind: "pause", nodes: ["n2"], startedAt: T0 + 4000, appliedAt: T0 + 4001 },
      { t: T0 + 5000, type: "fault", kind: "restart", nodes: ["n1"], startedAt: T0 + 5000, appliedAt: T0 + 5400 },
      { t: T0 + 6000, type: "final_heal", resumed: ["n2"] },
    ], T0);
    expect(w).toEqual([
      { startMs: 150, endMs: 1010, label: "partition (blackhole) steps[1]" },
      { startMs: 920, endMs: 6000, label: "delay" },
      { startMs: 2000, endMs: 3500, label: "kill n3" },
      { startMs: 4000, endMs: 6000, label: "pause n2" },
      { startMs: 5000, endMs: 5400, label: "restart n1" },
    ]);
    expect(windowsAt(w, 100)).toEqual([]);
    expect(windowsAt(w, 2500).map((x) => x.label)).toEqual(["delay", "kill n3"]);
  });

  it("a heal of all ends every network window; a kill never healed stays open", () => {
    const w = faultWindows([
      { t: T0, type: "fault", kind: "kill", nodes: ["n2"], startedAt: T0 + 10 },
      { t: T0, type: "fault", kind: "oneway", startedAt: T0 + 20, appliedAt: T0 + 30, pairs: [["n1", "n2"]] },
      { t: T0, type: "fault", kind: "heal", startedAt: T0 + 40, appliedAt: T0 + 50, pairs: [], directions: ["all"] },
      { t: T0 + 60, type: "final_heal", resumed: [] },
    ], T0);
    expect(w).toEqual([{ startMs: 10, label: "kill n2" }, { startMs: 30, endMs: 50, label: "oneway" }]);
  });
});
