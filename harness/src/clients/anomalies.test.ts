import { describe, expect, it } from "vitest";
import { anomalyOps } from "./anomalies.js";
import { checkSet } from "./checkers/set.js";
import type { Op } from "./types.js";

let index = 0;
const op = (type: Op["type"], process: number, f: string, value: unknown, startMs: number, endMs?: number, error?: string): Op => ({
  index: index++, type, process, node: `n${process + 1}`, f, value, startMs, startAt: "", ...(endMs !== undefined ? { endMs, endAt: "" } : {}), ...(error ? { error } : {}),
});

describe("anomalyOps", () => {
  it("names the client, node, outcome and fault window of each lost or unexpected element", () => {
    const ops = [
      op("invoke", 0, "add", 1, 100), op("ok", 0, "add", "{:ok, 1}", 100, 110),
      op("invoke", 1, "add", 2, 2000), op("ok", 1, "add", "{:ok, 2}", 2000, 2010),
      op("invoke", 2, "add", 3, 2100), op("info", 2, "add", 3, 2100, 3100, "returned {:error, :timeout}"),
    ];
    const v = checkSet(ops, { finalRead: ["1", "9"] });
    expect(v.verdict).toBe("fail");
    const a = anomalyOps("history.set", "add", ops, v.data, [{ startMs: 1500, endMs: 2050, label: "partition (blackhole) steps[2]" }]);
    expect(a).toEqual([
      { kind: "lost", value: "2", process: 1, node: "n2", f: "add", start_ms: 2000, end_ms: 2010, outcome: "ok", faults: ["partition (blackhole) steps[2]"] },
      { kind: "unexpected", value: "9", faults: [] },
    ]);
  });

  it("is empty for checks without elements (availability, counter)", () => {
    expect(anomalyOps("history.availability", "add", [], { lost: { count: 1, items: ["1"] } }, [])).toEqual([]);
  });
});
