import { expect, it } from "vitest";
import { opsLane } from "./lane.js";
import type { Op } from "./types.js";

const done = (type: Op["type"], process: number, endMs: number): Op => ({ index: 0, type, process, node: "n1", f: "add", value: 1, startMs: endMs - 1, startAt: "", endMs, endAt: "" });

it("counts completions per client and bucket, invokes ignored, buckets bounded", () => {
  const ops = [done("ok", 0, 10), done("fail", 0, 50), done("info", 1, 250), { ...done("ok", 1, 5), type: "invoke" as const }];
  expect(opsLane(ops, ["n1", "n2"])).toEqual({
    bucket_ms: 100,
    processes: [{ process: 0, node: "n1", buckets: [[0, 1, 1, 0]] }, { process: 1, node: "n2", buckets: [[2, 0, 0, 1]] }],
  });
  expect(opsLane([done("ok", 0, 600_000)], ["n1"]).bucket_ms).toBe(1500);
});
