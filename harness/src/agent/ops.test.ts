/**
 * The typed op table (./ops.ts) against the agent's dispatcher (nodes/lib/netsplit/agent/ops.ex):
 * both must list the same ops. No BEAM needed: the Elixir source is read as text.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { AgentClient } from "./client.js";
import { AGENT_OP_NAMES, AGENT_OPS, isAgentOpName, type AgentOpName, type CallReply, type OpArgs, type OpReply } from "./ops.js";

const OPS_EX = fileURLToPath(new URL("../../../nodes/lib/netsplit/agent/ops.ex", import.meta.url));

/** Every op name `do_run("name", ...)` dispatches, in source order, without repeats. */
function elixirOps(source: string): string[] {
  const names = [...source.matchAll(/\bdo_run\(\s*"([^"]+)"/g)].map((m) => m[1]!);
  return [...new Set(names)];
}

describe("the agent op table", () => {
  const elixir = elixirOps(readFileSync(OPS_EX, "utf8"));

  it("finds the ops in ops.ex", () => {
    expect(elixir.length).toBeGreaterThan(20);
    expect(elixir).toContain("view");
    expect(elixir).toContain("call");
  });

  it("lists exactly the ops the agent implements", () => {
    const missingInTs = elixir.filter((op) => !isAgentOpName(op));
    const missingInElixir = AGENT_OP_NAMES.filter((op) => !elixir.includes(op));
    expect({ missingInTs, missingInElixir }).toEqual({ missingInTs: [], missingInElixir: [] });
    expect([...AGENT_OP_NAMES].sort()).toEqual([...elixir].sort());
  });

  it("describes every op and leaves hello (the first frame, not a request) out", () => {
    for (const name of AGENT_OP_NAMES) expect(AGENT_OPS[name].doc.length, name).toBeGreaterThan(0);
    expect(isAgentOpName("hello")).toBe(false);
    expect(isAgentOpName("toString")).toBe(false);
  });

  it("extracts names the way ops.ex writes them", () => {
    const source = `
      defp do_run("view", _args) do
      defp do_run("pg_start", %{"scope" => scope}) when is_binary(scope) do
      defp do_run("pg_start", _), do: {:error, "..."}
      defp do_run(op, _args), do: {:error, "unknown op"}
      # do_run_other("nope", x)
    `;
    expect(elixirOps(source)).toEqual(["view", "pg_start"]);
  });

  it("types arguments and replies per op", () => {
    expectTypeOf<OpArgs<"call">>().toHaveProperty("module").toEqualTypeOf<string>();
    expectTypeOf<OpReply<"call">>().toEqualTypeOf<CallReply>();
    expectTypeOf<OpReply<"view">>().toEqualTypeOf<{ node: string; nodes: string[]; t_us: number }>();
    expectTypeOf<OpReply<"connect">>().toEqualTypeOf<boolean | "ignored">();
    expectTypeOf<OpArgs<"set_reconnect">>().toEqualTypeOf<{ interval_ms: number | null }>();
    expectTypeOf<"hello">().not.toMatchTypeOf<AgentOpName>();
    // AgentClient.call takes only op names of the table
    expectTypeOf<Parameters<AgentClient["call"]>[0]>().toEqualTypeOf<AgentOpName>();
    // @ts-expect-error: not an op
    const bad: Parameters<AgentClient["call"]>[0] = "no_such_op";
    void bad;
  });
});
