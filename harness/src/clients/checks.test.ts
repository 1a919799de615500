import { describe, expect, it } from "vitest";
import type { CallReply } from "../agent/ops.js";
import { history } from "./checkers/history-builder.js";
import { runHistoryCheck, type HistoryCheckInputs } from "./checks.js";
import { clientsFromYaml } from "./yaml.js";

const workload = clientsFromYaml({
  count: 2, ops: [
    { f: "add", call: "Jobs.submit/1", args: ["{value}"], value: "unique_int" },
    { f: "read", call: "Jobs.completed/0" },
  ],
});
const ops = history().op(0, "add", 1, "ok", 0).op(1, "add", 2, "ok", 0).op(0, "add", 3, "info", 5).ops;

function inputs(replies: unknown[]): HistoryCheckInputs & { asked: string[] } {
  let t = 0;
  const asked: string[] = [];
  return {
    asked, ops, workload, faults: [],
    deps: {
      nodes: ["n1", "n2"], nodeState: () => "running",
      call: async (node, _m, fn) => { asked.push(`${fn}@${node}`); const v = replies.shift(); return { outcome: "returned", printed: JSON.stringify(v), class: "other", value: v, us: 1 } as CallReply; },
    },
    now: () => t, sleep: async (ms) => { t += ms; },
  };
}

describe("runHistoryCheck", () => {
  it("history.set reads with the client op named `read` until it passes", async () => {
    const i = inputs([["1"], ["1", "2", "3"]]);
    const r = await runHistoryCheck({ name: "history.set", add: "add", read: "read", withinMs: 5000 }, i);
    expect(r).toMatchObject({ verdict: "pass", attempts: 2, detail: "all 2 acknowledged adds read once; 1 indeterminate recovered (after 2 reads)" });
    expect(i.asked).toEqual(["completed@n1", "completed@n2"]);
  });

  it("history.set without such an op is unknown", async () => {
    const r = await runHistoryCheck({ name: "history.set", add: "add", read: "list", withinMs: 0 }, inputs([]));
    expect(r).toMatchObject({ verdict: "unknown", detail: "no client op is named list, so there is no final read" });
  });

  it("history.exactly_once reads the effects map", async () => {
    const effects = { call: { text: "Jobs.runs/0", module: "Elixir.Jobs", function: "runs", arity: 0 }, args: [], timeoutMs: 1000 };
    const r = await runHistoryCheck({ name: "history.exactly_once", add: "add", effects, withinMs: 0 }, inputs([{ 1: 1, 2: 2 }]));
    expect(r).toMatchObject({ verdict: "fail", attempts: 1, detail: "1 add done more than once (2)" });
  });

  it("the pure checks run once on the history", async () => {
    expect(await runHistoryCheck({ name: "history.availability", during: "all", min: 0.5 }, inputs([]))).toMatchObject({ verdict: "pass", attempts: 1 });
    expect(await runHistoryCheck({ name: "history.unique_ids", f: "add" }, inputs([]))).toMatchObject({ verdict: "pass" });
    expect(await runHistoryCheck({ name: "history.counter", add: "add", read: "read" }, inputs([]))).toMatchObject({ verdict: "unknown" });
  });
});
