import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseScenario, type Step } from "../../harness/src/index.js";
import { flattenSteps as flatten, planSoak } from "./scenario.js";

const FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "soak.yaml");
const TEXT = readFileSync(FILE, "utf8");

describe("the soak scenario", () => {
  it("is a valid scenario of at least 100 partition/heal cycles on 5 nodes, each checked after its heal", () => {
    const scenario = parseScenario(TEXT, "bench/soak/soak.yaml");
    expect(scenario.cluster.nodes).toHaveLength(5);
    const steps = flatten(scenario.steps);
    const partitions = steps.filter((s) => s.kind === "partition");
    expect(partitions.length).toBeGreaterThanOrEqual(100);
    expect(steps.filter((s) => s.kind === "heal")).toHaveLength(partitions.length);
    expect(partitions.filter((s) => s.kind === "partition" && s.mode === "blackhole").length).toBeGreaterThan(0);
    // after every heal, before the next cut: cluster.mesh, pg.converged and global.names_unique
    const cycles: Step[][] = [];
    for (const s of steps) {
      if (s.kind === "partition") cycles.push([]);
      cycles.at(-1)?.push(s);
    }
    for (const cycle of cycles) {
      const afterHeal = cycle.slice(cycle.findIndex((s) => s.kind === "heal"));
      const checks = afterHeal.flatMap((s) => (s.kind === "check" ? [s.check.name] : []));
      expect(checks).toEqual(expect.arrayContaining(["cluster.mesh", "pg.converged", "global.names_unique"]));
      expect(cycle.at(-1)).toMatchObject({ kind: "log", message: "soak cycle done" });
    }
  });
});

describe("planSoak", () => {
  it("keeps the file's 100 cycles for --cycles 100", () => {
    const plan = planSoak(TEXT, 100);
    expect(plan).toMatchObject({ cyclesPerRound: 5, rounds: 20, cycles: 100 });
    expect(plan.text).toContain("times: 20");
  });

  it("scales the rounds (rounding up to whole rounds) and the run timeout", () => {
    const plan = planSoak(TEXT, 401);
    expect(plan).toMatchObject({ rounds: 81, cycles: 405 });
    const scenario = parseScenario(plan.text, "soak.yaml");
    expect(flatten(scenario.steps).filter((s) => s.kind === "partition")).toHaveLength(405);
    expect(scenario.limits.runTimeoutMs).toBe(Math.ceil((405 * 30) / 60) * 60_000);
    expect(parseScenario(planSoak(TEXT, 7).text, "soak.yaml").limits.runTimeoutMs).toBe(30 * 60_000);
  });

  it("refuses a cycle count that is not a positive integer", () => {
    expect(() => planSoak(TEXT, 0)).toThrow(/positive integer/);
    expect(() => planSoak(TEXT, 2.5)).toThrow(/positive integer/);
  });

  it("says how to fix a file whose first step is not the repeat of cycles", () => {
    expect(() => planSoak("netsplit: 1\ncluster: { nodes: 3 }\nsteps:\n  - wait: 1s\n", 10)).toThrow(/first step must be `repeat/);
    expect(() => planSoak("netsplit: 1\ncluster: { nodes: 3 }\nsteps:\n  - repeat: { times: 2, steps: [{ wait: 1s }] }\n", 10)).toThrow(/no `partition` step/);
  });
});
