import { describe, expect, it } from "vitest";
import { DEFAULT_DOC, DEFAULT_OUT, MEASUREMENTS, parseOptions, plan, QUICK_OUT } from "./options.js";

describe("bench options", () => {
  it("runs everything by default, into bench/results.json and docs/BENCHMARKS.md", () => {
    expect(parseOptions([])).toEqual({ quick: false, only: [...MEASUREMENTS], reps: null, out: DEFAULT_OUT, doc: DEFAULT_DOC });
  });

  it("--quick writes its own results file and no doc; --only keeps the canonical order", () => {
    const o = parseOptions(["--quick", "--only", "suite,cluster"]);
    expect(o.out).toBe(QUICK_OUT);
    expect(o.doc).toBeNull();
    expect(o.only).toEqual(["cluster", "suite"]);
  });

  it("refuses unknown measurements, bad repetition counts and unknown options, naming what is allowed", () => {
    expect(() => parseOptions(["--only", "clusters"])).toThrow(/--only takes .*cluster.*"clusters"/);
    expect(() => parseOptions(["--reps", "0"])).toThrow(/--reps takes a whole number/);
    expect(() => parseOptions(["--reps"])).toThrow(/--reps needs a value/);
    expect(() => parseOptions(["--fast"])).toThrow(/unknown option "--fast"/);
  });

  it("--reps overrides every repetition count; quick runs fewer sizes", () => {
    const p = plan({ quick: false, reps: 2 });
    expect([p.clusterReps, p.phaseReps, p.bootReps, p.faultReps, p.detectionReps, p.memoryReps, p.dockerReps, p.suiteReps, p.appReps]).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(plan({ quick: false, reps: null }).clusterSizes).toEqual([3, 5, 10, 16, 24]);
    expect(plan({ quick: true, reps: null }).clusterSizes.length).toBeLessThan(5);
  });

  it("--only app runs the app measurement alone: N = 3 and 5, 9 repetitions (quick: N = 3, 3)", () => {
    expect(parseOptions(["--only", "app"]).only).toEqual(["app"]);
    expect(MEASUREMENTS).toContain("app");
    const full = plan({ quick: false, reps: null });
    expect([full.appSizes, full.appReps]).toEqual([[3, 5], 9]);
    const quick = plan({ quick: true, reps: null });
    expect([quick.appSizes, quick.appReps]).toEqual([[3], 3]);
  });
});
