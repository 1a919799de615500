import { describe, expect, it } from "vitest";
import { history } from "./history-builder.js";
import { checkSet } from "./set.js";

describe("history.set", () => {
  it("passes when every acknowledged add is read once", () => {
    const h = history().op(0, "add", 1, "ok", 0).op(1, "add", 2, "ok", 0).op(0, "read", null, "ok", 10, [1, 2]);
    expect(checkSet(h.ops)).toEqual({
      verdict: "pass",
      detail: "all 2 acknowledged adds read once",
      data: {
        attempts: 2, acknowledged: 2, read: 2, ok: 2, never_read: 0,
        lost: { count: 0, items: [] }, unexpected: { count: 0, items: [] }, recovered: { count: 0, items: [] },
        failed_read: { count: 0, items: [] }, duplicated: { count: 0, items: [] },
      },
    });
  });

  it("reports an acknowledged add that is not read as lost", () => {
    const h = history().op(0, "add", 1, "ok", 0).op(0, "add", 2, "ok", 2).op(1, "read", null, "ok", 10, [2]);
    const r = checkSet(h.ops);
    expect(r.verdict).toBe("fail");
    expect(r.detail).toBe("lost 1 of 2 acknowledged adds (1)");
    expect(r.data.lost).toEqual({ count: 1, items: ["1"] });
  });

  it("reports an element no client tried to add as unexpected", () => {
    const h = history().op(0, "add", 1, "ok", 0).op(0, "read", null, "ok", 10, [1, 99]);
    expect(checkSet(h.ops)).toMatchObject({ verdict: "fail", detail: "1 never added (99)", data: { unexpected: { count: 1, items: ["99"] } } });
  });

  it("counts an info add that is read as recovered, never unexpected, and passes", () => {
    const h = history().op(0, "add", 1, "ok", 0).op(1, "add", 2, "info", 0).op(0, "read", null, "ok", 10, [1, 2]);
    expect(checkSet(h.ops)).toMatchObject({
      verdict: "pass", detail: "all 1 acknowledged add read once; 1 indeterminate recovered",
      data: { recovered: { count: 1, items: ["2"] }, unexpected: { count: 0 } },
    });
  });

  it("does not count an info add that is missing as lost", () => {
    const h = history().op(0, "add", 1, "ok", 0).op(1, "add", 2, "info", 0).op(0, "read", null, "ok", 10, [1]);
    expect(checkSet(h.ops)).toMatchObject({
      verdict: "pass", detail: "all 1 acknowledged add read once, 1 indeterminate not read",
      data: { lost: { count: 0 }, never_read: 1 },
    });
  });

  it("an invoke never completed counts as info", () => {
    const h = history().op(0, "add", 1, "ok", 0).invoke(1, "add", 2, 1).op(0, "read", null, "ok", 10, [1, 2]);
    expect(checkSet(h.ops)).toMatchObject({ verdict: "pass", data: { recovered: { count: 1, items: ["2"] } } });
  });

  it("fails on a fail add that is read (fail means it did not happen)", () => {
    const h = history().op(0, "add", 1, "ok", 0).op(1, "add", 2, "fail", 0).op(0, "read", null, "ok", 10, [1, 2]);
    expect(checkSet(h.ops)).toMatchObject({
      verdict: "fail", detail: "1 add that returned fail yet read (2)",
      data: { failed_read: { count: 1, items: ["2"] }, unexpected: { count: 0 }, recovered: { count: 0 } },
    });
  });

  it("a fail add that is not read is fine", () => {
    const h = history().op(0, "add", 1, "ok", 0).op(1, "add", 2, "fail", 0).op(0, "read", null, "ok", 10, [1]);
    expect(checkSet(h.ops).verdict).toBe("pass");
  });

  it("reports elements read more than once as duplicated", () => {
    const h = history().op(0, "add", 1, "ok", 0).op(0, "add", 2, "ok", 2).op(0, "read", null, "ok", 10, [1, 2, 2, 1, 2]);
    expect(checkSet(h.ops)).toMatchObject({ verdict: "fail", detail: "2 elements read more than once (1, 2)", data: { read: 2, ok: 2 } });
  });

  it("uses the last ok read, or the final read given", () => {
    const h = history().op(0, "add", 1, "ok", 0).op(0, "read", null, "ok", 5, []).op(0, "read", null, "fail", 7).op(1, "read", null, "ok", 9, [1]);
    expect(checkSet(h.ops).verdict).toBe("pass");
    expect(checkSet(h.ops, { finalRead: [] }).verdict).toBe("fail");
  });

  it("compares elements by text: 17 and \"17\" are one element", () => {
    const h = history().op(0, "add", 17, "ok", 0).op(0, "read", null, "ok", 10, ["17"]);
    expect(checkSet(h.ops).verdict).toBe("pass");
  });

  it("is unknown without an ok read, or when the read is not a list", () => {
    const h = history().op(0, "add", 1, "ok", 0).op(0, "read", null, "info", 5);
    expect(checkSet(h.ops)).toMatchObject({ verdict: "unknown", detail: "no read returned ok, so the 1 acknowledged add cannot be checked" });
    expect(checkSet(h.ops, { finalRead: "{:error, :down}" })).toMatchObject({ verdict: "unknown", detail: "the final read returned {:error, :down}, not a list" });
  });

  it("caps the lists at 20 but counts in full, in numeric order, and names several problems at once", () => {
    const h = history();
    for (let i = 30; i >= 1; i--) h.op(0, "add", i, "ok", 100 - i);
    h.op(0, "add", 31, "ok", 200).op(0, "read", null, "ok", 300, [31, 1000, 31]);
    const r = checkSet(h.ops, { add: "add", read: "read" });
    expect(r.data.lost).toEqual({ count: 30, items: Array.from({ length: 20 }, (_, i) => String(i + 1)) });
    expect(r.detail).toBe("lost 30 of 31 acknowledged adds (1, 2, 3, 4, 5 and 25 more); 1 never added (1000); 1 element read more than once (31)");
    expect(checkSet(h.ops)).toEqual(r);
  });

  it("takes the op names from the options", () => {
    const h = history().op(0, "submit", "a", "ok", 0).op(0, "completed", null, "ok", 10, ["a"]);
    expect(checkSet(h.ops, { add: "submit", read: "completed" }).verdict).toBe("pass");
  });

  it("is unknown when no add was acknowledged (nothing could be lost)", () => {
    const h = history().op(0, "add", 1, "info", 0).op(0, "add", 2, "fail", 2).op(0, "read", null, "ok", 10, [1]);
    expect(checkSet(h.ops)).toMatchObject({ verdict: "unknown", detail: "no add was acknowledged (2 attempts), so none could be lost; 1 indeterminate recovered" });
  });
});
