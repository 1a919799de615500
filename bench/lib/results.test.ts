import { describe, expect, it } from "vitest";
import { figure } from "./results.js";

const base = { id: "x.n3", group: "x", label: "x", unit: "ms" as const };

describe("figure", () => {
  it("takes the medians of the samples and of the floor, and their ratio", () => {
    const f = figure({ ...base, samples: [300, 100, 200], floor: { label: "floor", samples: [100, 150, 50] } });
    expect(f.median).toBe(200);
    expect(f.floor?.median).toBe(100);
    expect(f.ratio).toBe(2);
  });

  it("meets a ratio target only at or below it", () => {
    const at = figure({ ...base, samples: [150], floor: { label: "f", samples: [100] }, target: { maxRatio: 1.5, text: "≤ 1.5×" } });
    const above = figure({ ...base, samples: [151], floor: { label: "f", samples: [100] }, target: { maxRatio: 1.5, text: "≤ 1.5×" } });
    expect(at.met).toBe(true);
    expect(above.met).toBe(false);
  });

  it("a ratio target without a usable floor is missed, not met", () => {
    const f = figure({ ...base, samples: [10], floor: { label: "f", samples: [] }, target: { maxRatio: 1.5, text: "≤ 1.5×" } });
    expect(f.ratio).toBeUndefined();
    expect(f.met).toBe(false);
  });

  it("meets a maximum target on the median", () => {
    expect(figure({ ...base, unit: "s", samples: [170, 200, 175], target: { max: 180, text: "< 3 min" } }).met).toBe(true);
    expect(figure({ ...base, unit: "s", samples: [170, 200, 190], target: { max: 180, text: "< 3 min" } }).met).toBe(false);
  });

  it("has no verdict without a target", () => {
    expect(figure({ ...base, samples: [1] }).met).toBeUndefined();
  });
});
