import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../errors.js";
import { InvalidScenarioError, loadScenarioFile, loadScenarioText, normalizeScenarioObject, unwrapScenario } from "./load.js";
import type { Scenario, Step } from "./model.js";

const good = join(dirname(fileURLToPath(import.meta.url)), "testdata", "good");
const loadGood = (file: string): Scenario => unwrapScenario(loadScenarioText(readFileSync(join(good, file), "utf8"), file));
const kinds = (steps: readonly Step[]) => steps.map((s) => s.kind);

describe("the normalised model", () => {
  it("applies every default to the smallest scenario", () => {
    const scenario = loadGood("minimal.yaml");
    expect(scenario).toMatchObject({
      version: 1, name: "minimal", description: undefined, seed: undefined,
      cluster: {
        nodes: ["n1", "n2"], runtime: "local",
        kernel: { netTicktimeSeconds: 4, netSetuptimeSeconds: 2, preventOverlappingPartitions: true, connectAll: true },
        reconnect: { intervalMs: 500 }, bootTimeoutMs: 30_000,
        at: { file: "minimal.yaml", line: 3, column: 1, path: "cluster" },
      },
      workload: { pg: [], globalNames: [], globalProbes: [], horde: [] },
      steps: [], checks: [], limits: { runTimeoutMs: 600_000 },
    });
    expect(scenario.source.text).toContain("nodes: 2");
  });

  it("normalises the contract's example", () => {
    const s = loadGood("majority-minority-split.yaml");
    expect(s.name).toBe("majority-minority-split");
    expect(s.seed).toBe(42);
    expect(s.cluster.nodes).toEqual(["n1", "n2", "n3", "n4", "n5"]);
    expect(s.workload.pg).toMatchObject([{ scope: "demo", group: "workers", perNode: 2, nodes: s.cluster.nodes }]);
    expect(s.workload.globalNames).toMatchObject([{ name: "leader", node: "n1" }]);
    expect(s.workload.globalProbes).toMatchObject([{ op: "register_name", everyMs: 200, timeoutMs: 30_000, nodes: s.cluster.nodes }]);
    expect(s.workload.horde).toMatchObject([{ keys: 10, syncIntervalMs: undefined, distribution: "uniform" }]);
    expect(s.steps).toMatchObject([
      { kind: "partition", shape: { kind: "groups", groups: [["n1", "n2", "n3"], ["n4", "n5"]] }, mode: "blackhole",
        at: { line: 26, column: 5, path: "steps[0]" } },
      { kind: "wait", ms: 6000 },
      { kind: "check", check: { name: "pg.partitioned", withinMs: 5000 } },
      { kind: "heal", links: "all" },
      { kind: "wait_until", until: "mesh", timeoutMs: 10_000 },
    ]);
    expect(s.checks).toMatchObject([
      { name: "cluster.mesh", withinMs: 5000 },
      { name: "pg.converged", withinMs: 5000 },
      { name: "global.names_unique", withinMs: 5000, names: ["leader"] },
      { name: "global.blocking", maxMs: 30_000, minMs: undefined },
      { name: "horde.unique", withinMs: 10_000, at: { line: 37, column: 5 } },
    ]);
  });

  it("expands links, node lists, shapes and nested steps", () => {
    const s = loadGood("every-step.yaml");
    expect(s.cluster).toMatchObject({ nodes: ["alpha", "beta", "gamma", "delta"], runtime: "docker", reconnect: false, bootTimeoutMs: 60_000 });
    expect(kinds(s.steps)).toEqual([
      "partition", "partition", "partition", "partition", "partition", "partition", "partition", "oneway", "delay", "delay",
      "bandwidth", "pause_link", "kill", "stop", "restart", "pause", "resume", "heal", "heal", "global_register", "wait", "wait",
      "wait_until", "wait_until", "repeat", "nemesis", "check", "log",
    ]);
    const [groups, isolate, isolateMany, halves, bridge, ring, grudge, oneway, delayAll] = s.steps;
    expect(groups).toMatchObject({ shape: { kind: "groups" }, mode: "reset" });
    expect(isolate).toMatchObject({ shape: { kind: "isolate", nodes: ["alpha"] } });
    expect(isolateMany).toMatchObject({ shape: { kind: "isolate", nodes: ["alpha", "beta"] } });
    expect([halves, bridge, ring].map((p) => p?.kind === "partition" && p.shape)).toEqual([
      { kind: "halves" }, { kind: "bridge", node: "beta" }, { kind: "majorities_ring" },
    ]);
    expect(grudge?.kind === "partition" && grudge.shape).toEqual({
      kind: "grudge", grudge: new Map([["alpha", ["beta"]], ["beta", ["alpha", "gamma"]]]),
    });
    expect(oneway).toMatchObject({ from: ["alpha"], to: ["beta", "gamma"], mode: "blackhole" });
    expect(delayAll).toMatchObject({
      allLinks: true, latencyMs: 200, jitterMs: 20,
      links: [["alpha", "beta"], ["alpha", "gamma"], ["alpha", "delta"], ["beta", "gamma"], ["beta", "delta"], ["gamma", "delta"]],
    });
    expect(s.steps[9]).toMatchObject({ kind: "delay", allLinks: false, links: [["alpha", "beta"]], jitterMs: 0 });
    expect(s.steps[13]).toMatchObject({ kind: "stop", nodes: ["beta", "gamma"] });
    expect(s.steps[17]).toMatchObject({ kind: "heal", links: [["alpha", "gamma"]] });
    expect(s.steps.slice(20, 24)).toMatchObject([
      { ms: 250 }, { ms: 1500 }, { until: "pg_converged", timeoutMs: 30_000 }, { until: "global_converged", timeoutMs: 120_000 },
    ]);
    const repeat = s.steps[24];
    expect(repeat?.kind === "repeat" && kinds(repeat.steps)).toEqual(["partition", "wait", "repeat"]);
    expect(repeat?.kind === "repeat" && repeat.steps[2]).toMatchObject({
      kind: "repeat", times: 2, steps: [{ kind: "heal" }, { kind: "log", message: "inner" }], at: { path: "steps[24].repeat.steps[2]" },
    });
    expect(s.steps[25]).toMatchObject({ kind: "nemesis", intervalMs: 2000, durationMs: 30_000, mode: "reset" });
    expect(s.steps[26]).toMatchObject({ kind: "check", check: { name: "cluster.sees", withinMs: 0, expected: new Map([["alpha", ["beta"]], ["delta", []]]) } });
    expect(s.workload.globalNames).toMatchObject([{ name: "leader", node: "alpha" }, { name: "Leader.2", node: "gamma" }]);
    expect(s.workload.globalProbes).toMatchObject([{ op: "trans", everyMs: 50, timeoutMs: 1000, nodes: ["alpha"] }]);
    expect(s.workload.pg).toMatchObject([{ scope: "netsplit", perNode: 1, nodes: s.cluster.nodes }, { scope: "other", perNode: 0, nodes: ["alpha", "beta"] }]);
    expect(s.checks.filter((c) => c.name === "global.names_unique")).toMatchObject([
      { names: ["leader"] }, { names: ["leader", "Leader.2", "solo"] },
    ]);
    expect(s.checks[0]).toMatchObject({ name: "cluster.mesh", withinMs: 5000 });
    expect(s.limits.runTimeoutMs).toBe(1_200_000);
  });

  it("is frozen", () => {
    const s = loadGood("every-step.yaml");
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.steps[0])).toBe(true);
    expect(Object.isFrozen(s.cluster.nodes)).toBe(true);
  });

  it("follows YAML anchors and aliases", () => {
    const text = "netsplit: 1\ncluster: { nodes: 3 }\nsteps:\n  - partition: &cut { isolate: n1 }\n  - heal: all\n  - partition: *cut\n";
    const s = unwrapScenario(loadScenarioText(text, "a.yaml"));
    expect(s.steps[2]).toMatchObject({ kind: "partition", shape: { kind: "isolate", nodes: ["n1"] } });
  });
});

describe("loading", () => {
  it("names the scenario after the file, without directory or extension", () => {
    expect(unwrapScenario(loadScenarioText("netsplit: 1\ncluster: { nodes: 2 }\n", "dir/sub/flap.test.yml")).name).toBe("flap.test");
  });

  it("rejects a file name that is not a safe default name", () => {
    const result = loadScenarioText("netsplit: 1\ncluster: { nodes: 2 }\n", "my scenario.yaml");
    expect(result).toMatchObject({ ok: false, errors: [{ code: "bad_name", line: 1, column: 1, hint: "add `name: my_scenario`" }] });
    expect(loadScenarioText("netsplit: 1\nname: ok\ncluster: { nodes: 2 }\n", "my scenario.yaml").ok).toBe(true);
  });

  it("stops after YAML syntax errors, but not after duplicate keys", () => {
    expect(loadScenarioText("netsplit: 1\nbogus: [\ncluster: 3\n", "s.yaml")).toMatchObject({ ok: false, errors: [{ code: "yaml_syntax" }] });
    const dup = loadScenarioText("netsplit: 1\nnetsplit: 1\ncluster: { nodes: 2 }\nbogus: 1\n", "s.yaml");
    expect(dup).toMatchObject({ ok: false, errors: [{ code: "duplicate_key", line: 2 }, { code: "unknown_key", line: 4 }] });
  });

  it("reports an empty file", () => {
    expect(loadScenarioText("", "s.yaml")).toMatchObject({ ok: false, errors: [{ code: "bad_type", line: 1, column: 1 }] });
  });

  it("reports a file it cannot read", async () => {
    const result = await loadScenarioFile("/nonexistent/scenario.yaml");
    expect(result).toMatchObject({ ok: false, errors: [{ code: "file_unreadable", file: "/nonexistent/scenario.yaml", line: 0 }] });
  });

  it("unwrapScenario throws a ScenarioError carrying every issue", () => {
    const result = loadScenarioText("netsplit: 2\ncluster: { nodes: 1 }\n", "s.yaml");
    let thrown: unknown;
    try {
      unwrapScenario(result);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ScenarioError);
    expect(thrown).toBeInstanceOf(InvalidScenarioError);
    const error = thrown as InvalidScenarioError;
    expect(error.code).toBe("invalid_scenario");
    expect(error.issues.map((i) => i.code)).toEqual(["bad_version", "bad_shape"]);
    expect(error.message).toContain("s.yaml:2:19: `cluster.nodes` must be from 2 to 64, got 1");
  });
});

describe("normalizeScenarioObject", () => {
  const object = {
    netsplit: 1,
    cluster: { nodes: 3, reconnect: undefined },
    steps: [{ partition: { isolate: "n3" } }, { wait: "2s" }, { heal: "all" }],
    checks: [{ "cluster.mesh": null }],
  };

  it("builds the same model as the equivalent YAML (without positions)", () => {
    const fromObject = unwrapScenario(normalizeScenarioObject(object, "obj"));
    const fromText = unwrapScenario(loadScenarioText(
      "netsplit: 1\ncluster: { nodes: 3 }\nsteps:\n  - partition: { isolate: n3 }\n  - wait: 2s\n  - heal: all\nchecks:\n  - cluster.mesh:\n",
      "obj.yaml",
    ));
    const strip = (s: Scenario) => JSON.parse(JSON.stringify({ ...s, source: undefined }, (k, v) => (k === "at" ? undefined : v)));
    expect(strip(fromObject)).toEqual(strip(fromText));
    expect(fromObject.name).toBe("obj");
    expect(fromObject.steps[0]?.at).toEqual({ file: "obj", line: 0, column: 0, path: "steps[0]" });
    expect(fromObject.source.text).toContain("isolate: n3");
  });

  it("reports issues with JSON paths instead of positions", () => {
    const result = normalizeScenarioObject({ netsplit: 1, cluster: { nodes: 3 }, steps: [{ kill: "n9" }, { wiat: "1s" }] });
    expect(result).toMatchObject({
      ok: false,
      errors: [
        { code: "unknown_node", file: "scenario", line: 0, column: 0, path: ["steps", 0, "kill"], excerpt: "" },
        { code: "unknown_key", path: ["steps", 1, "wiat"], hint: "did you mean `wait`?" },
      ],
    });
  });

  it("never throws, even on cyclic or exotic values", () => {
    const cyclic: Record<string, unknown> = { netsplit: 1 };
    cyclic["cluster"] = cyclic;
    for (const value of [cyclic, null, 42, "text", [], () => 1, Symbol("x"), new Date(0)]) {
      expect(normalizeScenarioObject(value).ok).toBe(false);
    }
  });
});
