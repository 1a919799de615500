import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Scenario } from "../scenario/model.js";
import type { RunOptions, RunOutcome } from "./run.js";

// the scheduler without clusters: a fake runScenario that ends when the test says so
const pending = new Map<string, (verdict: string) => void>();
const started: string[] = [];
vi.mock("./run.js", () => ({
  runScenario: (scenario: Scenario, options: Partial<RunOptions>) => {
    started.push(scenario.name);
    options.progress?.(`netsplit: ${scenario.name} (seed 1) -> /nonexistent/${scenario.name}`);
    options.progress?.(`   +0.10s  cluster of ${scenario.cluster.nodes.length} ready`);
    return new Promise<RunOutcome>((resolve) => {
      pending.set(scenario.name, (verdict) => resolve({ runDir: `/nonexistent/${scenario.name}`, results: { scenario: scenario.name, verdict, checks: [] } as unknown as RunOutcome["results"] }));
    });
  },
}));

const { admit, autoJobs, effectiveJobs, jobCost, runScenarios, worstVerdict } = await import("./jobs.js");
type JobEvent = import("./jobs.js").JobEvent;

function scenario(name: string, nodes: number, ticktime = 4): Scenario {
  return { name, cluster: { nodes: Array.from({ length: nodes }, (_, i) => `n${i + 1}`), kernel: { netTicktimeSeconds: ticktime } } } as unknown as Scenario;
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("the cost of a scenario", () => {
  it("is 0.25 + nodes/8 cores", () => {
    expect(jobCost(3, 4)).toMatchObject({ cores: 0.625, why: "0.25 + 3/8 = 0.625 cores" });
    expect(jobCost(5, 4).cores).toBe(0.875);
    expect(jobCost(16, 4).cores).toBe(2.25);
    expect(jobCost(64, 60).cores).toBe(8.25);
  });

  it("is at least one core when net_ticktime is under 4 s", () => {
    expect(jobCost(3, 2)).toMatchObject({ cores: 1, why: "1 core (net_ticktime 2 s < 4 s)" });
    expect(jobCost(3, 1).cores).toBe(1);
    expect(jobCost(3, 4).cores).toBe(0.625);
    // already more than a core: the node count decides
    expect(jobCost(16, 2).cores).toBe(2.25);
  });
});

describe("admission", () => {
  const run = (name: string, nodes: number) => ({ name, nodes, cost: jobCost(nodes, 4).cores });

  it("always starts a scenario when nothing runs, even one bigger than the budget", () => {
    expect(admit(2.25, [], 2, 2)).toEqual({ ok: true });
    expect(admit(8, [], 1, 1)).toEqual({ ok: true });
  });

  it("starts one while the budget holds it, and says who holds the cores when it does not", () => {
    expect(admit(0.875, [run("a", 5)], 2, 4)).toEqual({ ok: true });
    expect(admit(0.875, [run("sixteen-node-split", 16)], 2, 4)).toEqual({ ok: false, reason: "2.25 of 2 cores in use by sixteen-node-split (16 nodes); it needs 0.875" });
    expect(admit(0.625, [run("a", 5), run("b", 4)], 2, 4)).toEqual({ ok: false, reason: "1.625 of 2 cores in use by a (5 nodes), b (4 nodes); it needs 0.625" });
    // exactly full fits
    expect(admit(1, [{ name: "a", nodes: 3, cost: 1 }], 2, 4)).toEqual({ ok: true });
  });

  it("never runs more than `jobs` at once", () => {
    expect(admit(0.1, [run("a", 3), run("b", 3)], 16, 2)).toEqual({ ok: false, reason: "2 of 2 jobs running: a (3 nodes), b (3 nodes)" });
  });
});

describe("the default number of jobs", () => {
  it("is what the budget holds of the cheapest scenario, at most one per scenario, at least one", () => {
    expect(autoJobs([0.625, 0.875, 0.75], 2)).toBe(3);
    expect(autoJobs([0.875, 0.875], 2)).toBe(2);
    expect(autoJobs([0.875, 0.875, 0.875], 2)).toBe(2);
    expect(autoJobs([2.25], 2)).toBe(1);
    expect(autoJobs([2.25, 2.25], 2)).toBe(1);
    expect(autoJobs([1, 1, 1, 1], 1)).toBe(1);
    expect(autoJobs([], 8)).toBe(1);
  });

  it("an explicit --jobs is a maximum, never more than the scenarios", () => {
    expect(effectiveJobs(4, [0.625, 0.625], 2)).toBe(2);
    expect(effectiveJobs(1, [0.625, 0.625], 8)).toBe(1);
    expect(effectiveJobs("auto", [0.625, 0.625], 2)).toBe(2);
    expect(effectiveJobs(undefined, [0.625], 2)).toBe(1);
  });
});

describe("worst verdict", () => {
  it("fail > unknown > pass", () => {
    expect(worstVerdict(["pass", "unknown", "fail"])).toBe("fail");
    expect(worstVerdict(["pass", "unknown"])).toBe("unknown");
    expect(worstVerdict(["pass", "pass"])).toBe("pass");
    expect(worstVerdict([])).toBe("unknown");
  });
});

describe("runScenarios (with a fake runner)", () => {
  beforeEach(() => {
    pending.clear();
    started.length = 0;
  });

  it("runs in order within the budget, says why one waits, and keeps the input order in its results", async () => {
    const events: JobEvent[] = [];
    const done = runScenarios([scenario("sixteen", 16), scenario("small-a", 3), scenario("small-b", 3), scenario("short-tick", 3, 1)], { cpus: 2, timelineLog: false, onEvent: (e) => events.push(e) });
    await tick();
    expect(events[0]).toMatchObject({ type: "plan", jobs: 3, budget: 2 });
    expect(started).toEqual(["sixteen"]);
    expect(events.filter((e) => e.type === "waiting").map((e) => e.type === "waiting" && e.reason)).toEqual(["2.25 of 2 cores in use by sixteen (16 nodes); it needs 0.625"]);
    pending.get("sixteen")!("pass");
    await tick();
    // 0.625 + 0.625 fit, the short-tick one (1 core) does not: 1.25 + 1 > 2
    expect(started).toEqual(["sixteen", "small-a", "small-b"]);
    expect(events.at(-1)).toMatchObject({ type: "waiting", reason: "1.25 of 2 cores in use by small-a (3 nodes), small-b (3 nodes); it needs 1" });
    pending.get("small-b")!("fail");
    await tick();
    expect(started).toEqual(["sixteen", "small-a", "small-b", "short-tick"]);
    pending.get("short-tick")!("unknown");
    pending.get("small-a")!("pass");
    const out = await done;
    expect(out.runs.map((r) => `${r.results.scenario}:${r.results.verdict}`)).toEqual(["sixteen:pass", "small-a:pass", "small-b:fail", "short-tick:unknown"]);
    expect(out.verdict).toBe("fail");
    // a start for each, with its run directory taken from the first progress line
    expect(events.filter((e) => e.type === "start").map((e) => e.type === "start" && e.job.runDir)).toEqual(["/nonexistent/sixteen", "/nonexistent/small-a", "/nonexistent/small-b", "/nonexistent/short-tick"]);
    expect(events.filter((e) => e.type === "progress")).toHaveLength(8);
  });

  it("jobs: 1 runs one after another", async () => {
    const done = runScenarios([scenario("a", 3), scenario("b", 3)], { jobs: 1, cpus: 8, timelineLog: false });
    await tick();
    expect(started).toEqual(["a"]);
    pending.get("a")!("pass");
    await tick();
    expect(started).toEqual(["a", "b"]);
    pending.get("b")!("pass");
    expect((await done).verdict).toBe("pass");
  });
});
