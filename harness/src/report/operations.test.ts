import { describe, expect, it } from "vitest";
import { clientsResults, operationsMarkdown } from "./operations.js";

describe("operations in the reports", () => {
  const entries = [
    { t: 1, type: "clients_started", count: 2 },
    { t: 2, type: "clients_stopped", summary: { invokes: 10, ok: 7, fail: 2, info: 1, byF: { add: { invokes: 8, ok: 6, fail: 1, info: 1 }, read: { invokes: 2, ok: 1, fail: 1, info: 0 } }, bindings: ["n1", "n2"], closedAtStop: 1, file: "ops.jsonl" },
      lane: { bucket_ms: 100, processes: [{ process: 0, node: "n1", buckets: [[0, 1, 0, 0]] }] } },
  ];

  it("results.json: the clients' summary from the history; none without clients", () => {
    expect(clientsResults(entries)).toMatchObject({ invokes: 10, ok: 7, fail: 2, info: 1, bindings: ["n1", "n2"], closed_at_stop: 1, file: "ops.jsonl", lane: { bucket_ms: 100 } });
    expect(clientsResults([{ t: 1, type: "run_start" }])).toBeUndefined();
  });

  it("report.md: counts per op, and the ops behind each history check's anomalies", () => {
    const md = operationsMarkdown(clientsResults(entries), [
      { name: "history.set", verdict: "fail", detail: "lost 1 of 6 acknowledged adds (4)", data: { anomaly_ops: [{ kind: "lost", value: "4", process: 1, node: "n2", start_ms: 2000, end_ms: 2010, outcome: "ok", faults: ["partition (blackhole) steps[2]"] }] } },
      { name: "cluster.mesh", verdict: "pass", detail: "ok" },
    ]).join("\n");
    expect(md).toContain("### Operations");
    expect(md).toContain("| `add` | 8 | 6 | 1 | 1 |");
    expect(md).toContain("| all | 10 | 7 | 2 | 1 |");
    expect(md).toContain("1 still open when the clients stopped (info)");
    expect(md).toContain("| lost | `4` | 1 | n2 | +2.00 s | ok at +2.01 s | partition (blackhole) steps[2] |");
    expect(operationsMarkdown(undefined, [])).toEqual([]);
  });
});
