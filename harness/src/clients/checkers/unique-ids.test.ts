import { describe, expect, it } from "vitest";
import { history } from "./history-builder.js";
import { checkUniqueIds } from "./unique-ids.js";

describe("history.unique_ids", () => {
  it("passes when every acknowledged id is distinct", () => {
    const h = history().op(0, "add", null, "ok", 0, "a").op(1, "add", null, "ok", 0, "b");
    expect(checkUniqueIds(h.ops)).toEqual({
      verdict: "pass", detail: "all 2 acknowledged adds returned distinct ids",
      data: { acknowledged: 2, distinct: 2, duplicated: { count: 0, items: [] }, counts: {} },
    });
  });

  it("fails on an id handed out twice, with how many times", () => {
    const h = history().op(0, "submit", "x", "ok", 0, "n1-7").op(1, "submit", "y", "ok", 0, "n1-7").op(2, "submit", "z", "ok", 0, "n1-7").op(0, "submit", "w", "ok", 5, 8);
    expect(checkUniqueIds(h.ops, { f: "submit" })).toEqual({
      verdict: "fail", detail: "1 id handed out more than once among 4 acknowledged (n1-7)",
      data: { acknowledged: 4, distinct: 2, duplicated: { count: 1, items: ["n1-7"] }, counts: { "n1-7": 3 } },
    });
  });

  it("ignores fail and info ops, and is unknown without an ok one", () => {
    const h = history().op(0, "add", null, "fail", 0).op(1, "add", null, "info", 0);
    expect(checkUniqueIds(h.ops)).toMatchObject({ verdict: "unknown", detail: "no add returned ok, so no id can be compared" });
  });
});
