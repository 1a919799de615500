import { describe, expect, it } from "vitest";
import type { CallReply } from "../agent/ops.js";
import { readOnceVia } from "./read-once.js";

const call = { text: "Jobs.completed/0", module: "Elixir.Jobs", function: "completed", arity: 0 };

describe("readOnceVia", () => {
  it("asks the running nodes in turn and resolves with the value", async () => {
    const asked: string[] = [];
    const read = readOnceVia({
      nodes: ["n1", "n2", "n3"], nodeState: (n) => (n === "n2" ? "killed" : "running"),
      call: async (node) => { asked.push(node); return { outcome: "returned", printed: '["1"]', class: "other", value: ["1"], us: 1 } as CallReply; },
    }, { call, timeoutMs: 500 });
    expect(await read()).toEqual(["1"]);
    await read();
    await read();
    expect(asked).toEqual(["n1", "n3", "n1"]);
  });

  it("rejects with one sentence when the call does not return ok, or no node runs", async () => {
    const read = readOnceVia({ nodes: ["n1"], nodeState: () => "running", call: async () => ({ outcome: "timeout", us: 1 }) }, { call, timeoutMs: 500 });
    await expect(read()).rejects.toThrow("Jobs.completed/0 on n1 did not return within 500 ms");
    const none = readOnceVia({ nodes: ["n1"], nodeState: () => "paused", call: async () => ({ outcome: "timeout", us: 1 }) }, { call, timeoutMs: 500 });
    await expect(none()).rejects.toThrow("no node is running to call Jobs.completed/0 on");
  });
});
