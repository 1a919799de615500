import { describe, expect, it } from "vitest";
import { checkCounter } from "./counter.js";
import { history } from "./history-builder.js";

describe("history.counter", () => {
  it("passes when every read lies within the bounds", () => {
    const h = history()
      .op(0, "add", 1, "ok", 0) // done before every read
      .invoke(1, "add", 2, 5) // concurrent with the read below
      .invoke(0, "read", null, 6).ok(0, 8, 1) // 1 ok (the +2 not yet)
      .ok(1, 9)
      .op(0, "read", null, "ok", 20, 3);
    expect(checkCounter(h.ops)).toMatchObject({ verdict: "pass", detail: "all 2 reads within the bounds of the increments", data: { reads: 2, checked: 2, errors: 0 } });
  });

  it("a concurrent increment may or may not be seen", () => {
    const h = history().invoke(1, "add", 2, 5).invoke(0, "read", null, 6).ok(0, 8, 2).ok(1, 9);
    expect(checkCounter(h.ops).verdict).toBe("pass");
  });

  it("fails a read below the acknowledged increments completed before it began", () => {
    const h = history().op(0, "add", 1, "ok", 0).op(0, "add", 1, "ok", 2).op(1, "read", null, "ok", 10, 1);
    expect(checkCounter(h.ops)).toMatchObject({
      verdict: "fail",
      detail: "1 of 1 read out of bounds; the first: 1 on n1 (op 5), expected 2..2",
      data: { first_errors: [{ index: 5, process: 1, node: "n1", value: 1, lower: 2, upper: 2 }] },
    });
  });

  it("fails a read above every increment that may have happened", () => {
    const h = history().op(0, "add", 1, "ok", 0).op(1, "read", null, "ok", 10, 5);
    expect(checkCounter(h.ops)).toMatchObject({ verdict: "fail", detail: "1 of 1 read out of bounds; the first: 5 on n1 (op 3), expected 1..1" });
  });

  it("an info increment may count (upper bound) but need not (lower bound), even long after", () => {
    const h = history().op(0, "add", 5, "info", 0);
    expect(checkCounter(history().op(0, "add", 5, "info", 0).op(1, "read", null, "ok", 100, 5).ops).verdict).toBe("pass");
    expect(checkCounter(h.op(1, "read", null, "ok", 100, 0).ops).verdict).toBe("pass");
  });

  it("a fail increment never counts", () => {
    const h = history().op(0, "add", 1, "fail", 0).op(1, "read", null, "ok", 10, 1);
    expect(checkCounter(h.ops)).toMatchObject({ verdict: "fail", detail: "1 of 1 read out of bounds; the first: 1 on n1 (op 3), expected 0..0" });
  });

  it("an increment invoked after the read completed cannot count", () => {
    const h = history().op(1, "read", null, "ok", 0, 1).op(0, "add", 1, "ok", 10);
    expect(checkCounter(h.ops).verdict).toBe("fail");
  });

  it("takes 1 when an increment has no value, negative amounts lower the bound, numeric strings are read", () => {
    const h = history().op(0, "add", null, "ok", 0).invoke(0, "add", -3, 5).invoke(1, "read", null, 6).ok(1, 8, "-2").ok(0, 9);
    expect(checkCounter(h.ops).verdict).toBe("pass");
  });

  it("is unknown without an ok read, or when no read is a number", () => {
    expect(checkCounter(history().op(0, "add", 1, "ok", 0).ops)).toMatchObject({ verdict: "unknown", detail: "no read returned ok, so the counter was never observed" });
    const h = history().op(0, "read", null, "ok", 0, "{:error, :x}");
    expect(checkCounter(h.ops)).toMatchObject({ verdict: "unknown", detail: "none of the 1 read result was a number" });
  });

  it("takes the op names from the options", () => {
    const h = history().op(0, "incr", 1, "ok", 0).op(0, "get", null, "ok", 10, 1);
    expect(checkCounter(h.ops, { add: "incr", read: "get" }).verdict).toBe("pass");
  });
});
