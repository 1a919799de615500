import { describe, expect, it } from "vitest";
import { firstStartMs, inWindow, nextStartMs } from "./schedule.js";

describe("pacing", () => {
  it("rate: 1/rate after the previous start, at once after a slow op", () => {
    expect(nextStartMs({ kind: "rate", perSecond: 4 }, { startMs: 100, endMs: 120, nodeDown: false })).toBe(350);
    expect(nextStartMs({ kind: "rate", perSecond: 4 }, { startMs: 100, endMs: 400, nodeDown: false })).toBe(400);
  });

  it("think: after the previous completion; a down node backs off", () => {
    expect(nextStartMs({ kind: "think", ms: 30 }, { startMs: 100, endMs: 120, nodeDown: false })).toBe(150);
    expect(nextStartMs({ kind: "think", ms: 0 }, { startMs: 100, endMs: 100, nodeDown: true })).toBe(200);
    expect(nextStartMs({ kind: "rate", perSecond: 1 }, { startMs: 100, endMs: 100, nodeDown: true })).toBe(1100);
  });

  it("windows: start included, end excluded", () => {
    expect(inWindow(undefined, 5)).toBe(true);
    expect([99, 100, 199, 200].map((t) => inWindow({ startMs: 100, endMs: 200 }, t))).toEqual([false, true, true, false]);
    expect(firstStartMs({ startMs: 100 }, 20)).toBe(100);
    expect(firstStartMs(undefined, 20)).toBe(20);
  });
});
