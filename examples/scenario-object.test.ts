/**
 * A scenario written as a TypeScript object (`defineScenario` types it: completion and errors
 * in the editor), run inside a test, its checks asserted with netsplit/vitest. The same rules
 * as a YAML file apply: a typo fails with the key's JSON path and a "did you mean" hint.
 */
import { describe, expect, it } from "vitest";
import { defineScenario, InvalidScenarioError, loadScenario } from "netsplit";
import { expectCheck, expectChecksToPass, runScenarioForTest } from "netsplit/vitest";

const splitAndHeal = defineScenario({
  netsplit: 1,
  name: "example-object-split",
  seed: 7,
  cluster: { nodes: 3, kernel: { net_ticktime: 2 }, reconnect: { interval_ms: 200 } },
  workload: { pg: [{ scope: "demo", group: "workers", per_node: 1 }] },
  steps: [
    { partition: { groups: [["n1", "n2"], ["n3"]], mode: "reset" } },
    { check: { "pg.partitioned": { within: "3s" } } },
    { heal: "all" },
    { wait: { until: "mesh", timeout: "10s" } },
  ],
  checks: [{ "cluster.mesh": { within: "5s" } }, { "pg.converged": { within: "5s" } }],
});

describe("a scenario given as an object", () => {
  it("splits n1 n2 | n3, sees pg split by side, heals and converges", async () => {
    const run = await runScenarioForTest(splitAndHeal);
    expectChecksToPass(run);
    expect(run.results.checks.map((c) => c.name)).toEqual(["pg.partitioned", "cluster.mesh", "pg.converged"]);
  }, 30_000);

  it("without a reconnect loop a healed partition stays split: nothing on the BEAM re-dials by itself", async () => {
    const run = await runScenarioForTest({
      ...splitAndHeal,
      name: "example-object-no-reconnect",
      cluster: { nodes: 3, kernel: { net_ticktime: 2 }, reconnect: false },
      steps: [{ partition: { isolate: "n3", mode: "reset" } }, { check: { "cluster.sees": { n3: [], within: "3s" } } }, { heal: "all" }],
      checks: [{ "cluster.mesh": { within: "2s" } }],
    });
    expectCheck(run, "cluster.mesh", "fail");
    expect(run.results.verdict).toBe("fail");
  }, 30_000);

  it("rejects a misspelt key before starting anything, naming it and the nearest valid key", async () => {
    const broken = { ...splitAndHeal, cluster: { nodes: 3, reconect: false } };
    const error = await loadScenario(broken, { name: "broken" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidScenarioError);
    expect((error as InvalidScenarioError).issues).toMatchObject([{ code: "unknown_key", path: ["cluster", "reconect"], hint: expect.stringContaining("did you mean `reconnect`?") }]);
  });
});
