import { describe, expect, it } from "vitest";
import { median, range, ratio, round } from "./stats.js";

describe("bench statistics", () => {
  it("median: the middle sample, or the mean of the two middle ones; NaN when empty", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it("median does not reorder the caller's samples", () => {
    const samples = [3, 1, 2];
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it("ratio rounds to 2 decimals and refuses a floor that is not positive", () => {
    expect(ratio(150, 100)).toBe(1.5);
    expect(ratio(2, 3)).toBe(0.67);
    expect(ratio(1, 0)).toBeUndefined();
    expect(ratio(Number.NaN, 1)).toBeUndefined();
  });

  it("round keeps one decimal below 100 and whole numbers above; range gives min and max", () => {
    expect(round(12.345)).toBe(12.3);
    expect(round(1234.5)).toBe(1235);
    expect(range([3, 9, 1])).toEqual([1, 9]);
  });
});
