/** The workload kinds on a fake cluster that logs the agent calls it gets. */
import { describe, expect, it } from "vitest";
import { History } from "../run/history.js";
import type { RunContext } from "../run/context.js";
import { CHECK_NAMES } from "../scenario/schema-checks.js";
import { WORKLOADS } from "./index.js";

function fakeCtx(workload: Record<string, unknown>) {
  const calls: string[] = [];
  const ctx = {
    scenario: { workload: { pg: [], globalNames: [], globalProbes: [], horde: [], ...workload } },
    cluster: { names: ["n1", "n2"], running: () => ["n1", "n2"], agent: (n: string) => ({ call: async (op: string, args: unknown) => void calls.push(`${n} ${op} ${JSON.stringify(args)}`) }) },
    history: new History(), globalNames: new Set<string>(), hordeUnavailable: null,
  } as unknown as RunContext;
  return { ctx, calls };
}

describe("the workload kinds", () => {
  it("are pg, global and Horde, in the order a node starts them", () => {
    expect(WORKLOADS.map((w) => w.name)).toEqual(["pg", "global", "horde"]);
  });

  it("each name the checks that read them, every one a check the scenario schema knows", () => {
    const known: readonly string[] = CHECK_NAMES;
    for (const w of WORKLOADS) for (const c of w.checks) expect(known, `${w.name}: ${c}`).toContain(c);
  });

  it("start on the given nodes only: pg members where their group lives, probes where they run", async () => {
    const { ctx, calls } = fakeCtx({
      pg: [{ scope: "s", group: "g", perNode: 2, nodes: ["n2"] }],
      globalNames: [{ name: "leader", node: "n1" }],
      globalProbes: [{ op: "register_name", everyMs: 100, timeoutMs: 500, nodes: ["n1", "n2"] }],
    });
    for (const w of WORKLOADS) await w.startOn(ctx, ["n2"]);
    expect(calls).toEqual([
      `n2 pg_start {"scope":"s","group":"g","count":2}`,
      `n2 global_probe_start {"op":"register_name","every_ms":100,"timeout_ms":500,"name":"leader"}`,
    ]);
  });

  it("say whether the scenario has them", () => {
    const { ctx } = fakeCtx({ globalProbes: [{ op: "whereis_name", everyMs: 100, timeoutMs: 500, nodes: ["n1"] }] });
    expect(WORKLOADS.filter((w) => w.present(ctx)).map((w) => w.name)).toEqual(["global"]);
  });
});
