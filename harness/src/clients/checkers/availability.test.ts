import { describe, expect, it } from "vitest";
import { checkAvailability, quantile } from "./availability.js";
import { history } from "./history-builder.js";

const faults = [{ startMs: 100, endMs: 200, label: "partition [n1 | n2 n3]" }];

function run() {
  const h = history();
  for (let t = 0; t < 100; t += 10) h.invoke(0, "add", t, t).ok(0, t + 2); // calm: 10 ok, 2 ms each
  for (let t = 100; t < 200; t += 20) h.invoke(0, "add", t, t).info(0, t + 15); // fault: 5 info
  for (let t = 100; t < 200; t += 20) h.invoke(1, "add", t, t + 1).ok(1, t + 11); // fault: 5 ok, 10 ms
  return h.ops;
}

describe("history.availability", () => {
  it("splits ops by fault and calm windows with latency quantiles; without min it informs", () => {
    const r = checkAvailability(run(), faults);
    expect(r.verdict).toBe("pass");
    expect(r.detail).toBe("75% of 20 ops ok (during faults 50%, calm 100%)");
    expect(r.data.calm).toEqual({ ops: 10, ok: 10, fail: 0, info: 0, availability: 1, p50_ms: 2, p95_ms: 2, p99_ms: 2 });
    expect(r.data.fault).toEqual({ ops: 10, ok: 5, fail: 0, info: 5, availability: 0.5, p50_ms: 10, p95_ms: 10, p99_ms: 10 });
    expect(r.data.by_fault).toEqual({ "partition [n1 | n2 n3]": r.data.fault });
  });

  it("judges min against all ops or one kind of window", () => {
    expect(checkAvailability(run(), faults, { min: 0.7 })).toMatchObject({ verdict: "pass", detail: "75% ok, at least 70%; 75% of 20 ops ok (during faults 50%, calm 100%)" });
    expect(checkAvailability(run(), faults, { min: 0.9, during: "fault" })).toMatchObject({ verdict: "fail", detail: "50% ok during faults, below 90%; 75% of 20 ops ok (during faults 50%, calm 100%)" });
    expect(checkAvailability(run(), [], { min: 0.9, during: "fault" })).toMatchObject({ verdict: "unknown" });
  });

  it("a fault still in force at the end covers every later op; f filters ops", () => {
    const r = checkAvailability(run(), [{ startMs: 150, label: "kill n3" }], { f: ["add"] });
    expect(r.data.fault).toMatchObject({ ops: 4 }); // invoked at 160, 161, 180, 181
    expect(checkAvailability(run(), faults, { f: ["read"] }).verdict).toBe("unknown");
  });

  it("quantile is nearest-rank", () => {
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
    expect(quantile([], 0.5)).toBeNull();
  });
});
