/**
 * horde.unique / horde.no_loss through `runCheck`, against a fake run context whose agents answer
 * `horde_census` from recorded or handwritten censuses: skipped with the reason without Horde,
 * retried until clean, failed with the anomalies, unknown when a node is silent.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { NodeCensus } from "../horde/census.js";
import type { RunContext } from "../run/context.js";
import { History } from "../run/history.js";
import { now } from "../util/clock.js";
import { runCheck } from "./index.js";

const at = { file: "h.yaml", line: 3, column: 5, path: "checks[0]" };
const NODES = ["n1", "n2", "n3", "n4", "n5"];

function fakeCtx(census: (node: string, attempt: number) => NodeCensus, o: { hordeUnavailable?: string | null; keys?: number; running?: string[] } = {}): RunContext {
  const attempts = new Map<string, number>();
  const running = o.running ?? NODES;
  return {
    scenario: { workload: { pg: [], globalNames: [], globalProbes: [], horde: o.keys === 0 ? [] : [{ keys: o.keys ?? 10, distribution: "uniform", restart: "ignore_already_started", trapExit: false, syncIntervalMs: undefined }] } },
    cluster: {
      names: NODES,
      running: () => running,
      agent: (n: string) => ({
        call: async (op: string) => {
          if (op !== "horde_census") throw new Error(`unexpected op ${op}`);
          const k = (attempts.get(n) ?? 0) + 1;
          attempts.set(n, k);
          return census(n, k);
        },
      }),
    },
    history: new History(),
    startedAt: now(),
    sides: null,
    lastChangeAt: null,
    globalNames: new Set<string>(),
    hordeUnavailable: o.hordeUnavailable ?? null,
    signal: new AbortController().signal,
    progress: () => undefined,
  } as unknown as RunContext;
}

const load = (name: string) => JSON.parse(readFileSync(path.join(import.meta.dirname, "..", "horde", "testdata", name), "utf8")) as { answers: Record<string, NodeCensus> };
const clean = load("census-clean.json").answers;
const afterHeal = load("census-after-heal.json").answers;

describe("horde checks", () => {
  it("are skipped with the reason when Horde is not available, at once, even with a long within", async () => {
    const ctx = fakeCtx(() => { throw new Error("must not ask"); }, { hordeUnavailable: "Horde.Registry is not loaded on n1: no Horde code path was given" });
    for (const name of ["horde.unique", "horde.no_loss"] as const) {
      const r = await runCheck(ctx, { name, withinMs: 60_000, registry: undefined, supervisor: undefined, at }, false);
      expect(r).toMatchObject({ verdict: "skipped", attempts: 1, detail: "Horde is not available (Horde.Registry is not loaded on n1: no Horde code path was given)" });
    }
  });

  it("are unknown without a Horde workload", async () => {
    const r = await runCheck(fakeCtx(() => clean.n1!, { keys: 0 }), { name: "horde.unique", withinMs: 5000, registry: undefined, supervisor: undefined, at }, false);
    expect(r).toMatchObject({ verdict: "unknown", attempts: 1, detail: "the scenario has no Horde workload to observe (add workload.horde)" });
  });

  it("pass on a recorded clean census", async () => {
    const r = await runCheck(fakeCtx((n) => clean[n]!), { name: "horde.unique", withinMs: 0, registry: undefined, supervisor: undefined, at }, false);
    expect(r.verdict).toBe("pass");
    expect(r.detail).toBe("all 10 keys have one live worker that the lookups of all 5 nodes find");
  });

  it("retry until the census is clean: the recorded post-heal census, then a clean one", async () => {
    const ctx = fakeCtx((n, k) => (k <= 2 ? afterHeal[n]! : clean[n]!));
    const r = await runCheck(ctx, { name: "horde.unique", withinMs: 5000, registry: undefined, supervisor: undefined, at }, false);
    expect(r).toMatchObject({ verdict: "pass", attempts: 3 });
  });

  it("fail with the anomalies when the census stays broken", async () => {
    const ctx = fakeCtx((n) => afterHeal[n]!);
    const unique = await runCheck(ctx, { name: "horde.unique", withinMs: 120, registry: undefined, supervisor: undefined, at }, false);
    expect(unique.verdict).toBe("fail");
    expect(unique.detail).toMatch(/^10 of 10 keys are not unique \(two live: 2, alive but unregistered: 5, registered but dead: 6, lookups disagree: 7, missing: 1\)/);
    const noLoss = await runCheck(ctx, { name: "horde.no_loss", withinMs: 0, registry: undefined, supervisor: undefined, at }, false);
    expect(noLoss.detail).toMatch(/^1 of 10 keys have no live worker: k4/);
    const data = unique.data as { keys: Record<string, { live: string[]; registered: Record<string, string | null>; anomalies: string[] }> };
    expect(data.keys["k4"]!.anomalies).toEqual(["missing", "registered_dead", "lookups_disagree"]);
    expect(Object.keys(data.keys["k4"]!.registered)).toEqual(NODES);
  });

  it("are unknown when a node does not answer and nothing is visibly wrong", async () => {
    const ctx = fakeCtx((n) => {
      if (n === "n3") throw new Error("agent of n3 did not answer horde_census within 2000 ms");
      return clean[n]!;
    });
    const r = await runCheck(ctx, { name: "horde.unique", withinMs: 0, registry: undefined, supervisor: undefined, at }, false);
    expect(r).toMatchObject({ verdict: "unknown" });
    expect(r.detail).toMatch(/^cannot decide: could not ask n3: agent of n3 did not answer/);
  });
});
