import { describe, expect, it } from "vitest";
import { checkExactlyOnce } from "./exactly-once.js";
import { history } from "./history-builder.js";

const adds = () => history().op(0, "add", 1, "ok", 0).op(1, "add", 2, "ok", 0).op(2, "add", 3, "info", 0).op(3, "add", 4, "fail", 0);

describe("history.exactly_once", () => {
  it("passes when every acknowledged add happened once", () => {
    expect(checkExactlyOnce(adds().ops, { 1: 1, 2: 1 })).toEqual({
      verdict: "pass", detail: "all 2 acknowledged adds done exactly once",
      data: {
        acknowledged: 2, exactly_once: 2, recovered: 0, unknown_ids: 0,
        lost: { count: 0, items: [] }, duplicated: { count: 0, items: [] }, failed_done: { count: 0, items: [] },
      },
    });
  });

  it("an info add done once is recovered; one never done is fine", () => {
    expect(checkExactlyOnce(adds().ops, new Map([["1", 1], ["2", 1], ["3", 1]]))).toMatchObject({
      verdict: "pass", detail: "all 2 acknowledged adds done exactly once, 1 indeterminate done once too", data: { recovered: 1 },
    });
  });

  it("reports lost (0 times), duplicated (more than once, info adds too) and fail adds done anyway", () => {
    const r = checkExactlyOnce(adds().ops, { 2: 2, 3: 2, 4: 1, 99: 1 });
    expect(r).toMatchObject({
      verdict: "fail",
      detail: "1 of 2 acknowledged never done (1); 2 adds done more than once (2, 3); 1 add that returned fail done anyway (4)",
      data: { lost: { count: 1, items: ["1"] }, duplicated: { count: 2, items: ["2", "3"] }, failed_done: { count: 1, items: ["4"] }, unknown_ids: 1 },
    });
  });

  it("an add retried after a fail and then acknowledged counts as acknowledged", () => {
    const h = history().op(0, "add", 7, "fail", 0).op(0, "add", 7, "ok", 5);
    expect(checkExactlyOnce(h.ops, { 7: 1 }).verdict).toBe("pass");
  });

  it("is unknown when nothing was acknowledged and nothing went wrong", () => {
    expect(checkExactlyOnce(history().op(0, "add", 1, "info", 0).ops, {})).toMatchObject({ verdict: "unknown" });
  });

  it("is unknown when the effects are not a map of numbers", () => {
    expect(checkExactlyOnce(adds().ops, [1, 2])).toMatchObject({ verdict: "unknown", detail: "the effects read returned [1,2], not a map of id to times" });
    expect(checkExactlyOnce(adds().ops, { 1: "once" }).verdict).toBe("unknown");
  });
});
