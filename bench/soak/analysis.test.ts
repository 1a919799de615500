import { describe, expect, it } from "vitest";
import { growth, median, proxyProblems, slope, windows, type Point } from "./analysis.js";

const line = (n: number, f: (x: number) => number): Point[] => Array.from({ length: n }, (_, x) => ({ x, y: f(x) }));

describe("median", () => {
  it("takes the middle value, or the mean of the two middle ones, whatever the order", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
  it("refuses an empty list", () => {
    expect(() => median([])).toThrow(/empty/);
  });
});

describe("slope", () => {
  it("is the least-squares slope", () => {
    expect(slope(line(10, (x) => 3 * x + 7))).toBeCloseTo(3, 10);
    // y = 0, 2, 1, 3 at x = 0..3: sxy = 4, sxx = 5
    expect(slope([{ x: 0, y: 0 }, { x: 1, y: 2 }, { x: 2, y: 1 }, { x: 3, y: 3 }])).toBeCloseTo(0.8, 10);
  });
  it("is 0 with fewer than two points or a single x", () => {
    expect(slope([{ x: 1, y: 5 }])).toBe(0);
    expect(slope([{ x: 2, y: 1 }, { x: 2, y: 9 }])).toBe(0);
  });
});

describe("windows", () => {
  it("takes the first and last 10% in x order, at least one point each", () => {
    const pts = line(50, (x) => x).reverse();
    const w = windows(pts);
    expect(w.first.map((p) => p.x)).toEqual([0, 1, 2, 3, 4]);
    expect(w.last.map((p) => p.x)).toEqual([45, 46, 47, 48, 49]);
    expect(windows(line(3, (x) => x)).first).toHaveLength(1);
  });
});

describe("growth", () => {
  const threshold = { absolute: 10, relative: 0 };

  it("calls a flat series with noise no growth", () => {
    const g = growth(line(100, (x) => 1000 + ((x * 7) % 5) - 2), { threshold });
    expect(g.verdict).toBe("no growth");
    expect(Math.abs(g.slopePerCycle)).toBeLessThan(0.1);
  });

  it("calls a steady leak that adds up past the allowance growth, with its slope", () => {
    const g = growth(line(100, (x) => 1000 + 0.5 * x), { threshold });
    expect(g.verdict).toBe("grows");
    expect(g.slopePerCycle).toBeCloseTo(0.5, 6);
    expect(g.firstMedian).toBe(1002.25); // x 0..9
    expect(g.lastMedian).toBe(1047.25); // x 90..99
    expect(g.delta).toBe(45);
  });

  it("does not call a leak smaller than the allowance growth", () => {
    expect(growth(line(100, (x) => 1000 + 0.05 * x), { threshold }).verdict).toBe("no growth");
  });

  it("needs both the medians and the trend: one late spike is not a leak", () => {
    const pts = line(100, (x) => (x >= 92 ? 2000 : 1000));
    const g = growth(pts, { threshold: { absolute: 500, relative: 0 } });
    expect(g.delta).toBe(1000);
    expect(g.trend).toBeLessThan(500);
    expect(g.verdict).toBe("no growth");
  });

  it("leaves the warm-up out", () => {
    const pts = line(100, (x) => (x < 5 ? 500 + x * 100 : 1000));
    expect(growth(pts, { threshold }).verdict).toBe("grows");
    const g = growth(pts, { threshold, warmupCycles: 5 });
    expect(g.samples).toBe(95);
    expect(g.verdict).toBe("no growth");
  });

  it("allows the larger of the absolute and the relative allowance", () => {
    const g = growth(line(100, (x) => 1000 + x), { threshold: { absolute: 10, relative: 0.2 } });
    expect(g.allowed).toBe(200.9); // 20% of the first median, 1004.5
    expect(g.verdict).toBe("no growth");
    expect(growth(line(100, (x) => 1000 + 3 * x), { threshold: { absolute: 10, relative: 0.2 } }).verdict).toBe("grows");
  });

  it("says too few samples rather than guess", () => {
    expect(growth(line(5, (x) => x * 100), { threshold }).verdict).toBe("too few samples");
    expect(growth([], { threshold }).verdict).toBe("too few samples");
  });
});

describe("proxyProblems", () => {
  const ok = { proxies: 20, enabled: 20, toxics: 0 };
  it("accepts the same proxies, all enabled, no toxics, at every heal", () => {
    expect(proxyProblems([ok, ok, ok])).toEqual([]);
  });
  it("names toxics left, disabled proxies and a changed proxy count", () => {
    const problems = proxyProblems([ok, { ...ok, toxics: 4 }, { ...ok, enabled: 18 }, { ...ok, proxies: 21, enabled: 21 }]);
    expect(problems).toEqual([
      "the proxy count changed at 1 cycle ends (first 20)",
      "1 cycle ends had disabled proxies after the heal",
      "1 cycle ends had toxics left after the heal (up to 4)",
    ]);
  });
  it("fails when nothing was counted", () => {
    expect(proxyProblems([])).toEqual(["no Toxiproxy sample was taken at a cycle end"]);
  });
});
