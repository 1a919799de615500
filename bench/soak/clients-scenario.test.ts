import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseScenario, type Step } from "../../harness/src/index.js";
import { flattenSteps as flatten, planSoak } from "./scenario.js";

const FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "clients.yaml");
const TEXT = readFileSync(FILE, "utf8");

describe("the clients soak scenario", () => {
  const scenario = parseScenario(TEXT, "bench/soak/clients.yaml");

  it("runs clients totalling 200 ops/s on 5 nodes of the jobs app (fixed), with a cheap second op", () => {
    expect(scenario.cluster.nodes).toHaveLength(5);
    expect(scenario.cluster.app?.source).toMatchObject({ kind: "mix", projectDir: path.resolve("examples/jobs") });
    const groups = scenario.workload.clients;
    const rate = groups.reduce((n, g) => n + (g.pace.kind === "rate" ? g.count * g.pace.perSecond : 0), 0);
    expect(rate).toBe(200);
    const calls = groups.flatMap((g) => g.ops.map((o) => o.call.text));
    expect(calls).toEqual(expect.arrayContaining(["Jobs.submit/1", ":erlang.phash2/1"]));
    expect(calls).not.toContain("Jobs.completed/0"); // a read that grows with every op
  });

  it("holds 20 cycles of a cut and a heal, each at least 30 s of waits, each ending with the sampling mark", () => {
    const steps = flatten(scenario.steps);
    const cycles: Step[][] = [];
    for (const s of steps) {
      if (s.kind === "partition") cycles.push([]);
      cycles.at(-1)?.push(s);
    }
    expect(cycles).toHaveLength(20);
    for (const cycle of cycles) {
      expect(cycle.filter((s) => s.kind === "heal")).toHaveLength(1);
      const waitedMs = cycle.reduce((ms, s) => ms + (s.kind === "wait" ? s.ms : 0), 0);
      expect(waitedMs).toBeGreaterThanOrEqual(30_000);
      expect(cycle.at(-1)).toMatchObject({ kind: "log", message: "soak cycle done" });
    }
  });

  it("scales with planSoak: 2 cycles per round", () => {
    expect(planSoak(TEXT, 20)).toMatchObject({ cyclesPerRound: 2, rounds: 10, cycles: 20 });
    expect(planSoak(TEXT, 3)).toMatchObject({ rounds: 2, cycles: 4 });
  });
});
