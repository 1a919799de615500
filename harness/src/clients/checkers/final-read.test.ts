import { describe, expect, it } from "vitest";
import { finalRead } from "./final-read.js";
import { history } from "./history-builder.js";
import { checkSet } from "./set.js";

function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => { t += ms; } };
}

describe("finalRead", () => {
  const ops = history().op(0, "add", 1, "ok", 0).op(0, "add", 2, "ok", 2).ops;

  it("reads again until the checker passes", async () => {
    const reads = [[1], [1, 2]];
    const r = await finalRead(async () => reads.shift()!, (v) => checkSet(ops, { finalRead: v }), { withinMs: 5000, ...clock() });
    expect(r).toMatchObject({ verdict: "pass", attempts: 2, detail: "all 2 acknowledged adds read once (after 2 reads)", lastValue: [1, 2] });
  });

  it("keeps the last verdict when within runs out, and a read that throws is unknown", async () => {
    const c = clock();
    const r = await finalRead(async () => [1], (v) => checkSet(ops, { finalRead: v }), { withinMs: 1000, intervalMs: 300, ...c });
    expect(r).toMatchObject({ verdict: "fail", attempts: 5, detail: "lost 1 of 2 acknowledged adds (2) (after 5 reads)" });
    expect(c.now()).toBe(1000);
    const t = await finalRead(async () => { throw new Error("n1 is killed"); }, () => { throw new Error("unreachable"); }, { withinMs: 0, ...clock() });
    expect(t).toMatchObject({ verdict: "unknown", attempts: 1, detail: "the final read failed: n1 is killed" });
  });

  it("a checker that throws gives unknown", async () => {
    const r = await finalRead(async () => 1, () => { throw new Error("boom"); }, { withinMs: 0, ...clock() });
    expect(r).toMatchObject({ verdict: "unknown", detail: "the checker threw: boom" });
  });
});
