/**
 * Every checker against REAL clusters, in both directions: each `describe` runs one small
 * scenario end to end through `runScenario` (3 real BEAM nodes behind a real Toxiproxy, its own
 * cluster, booted in about a second) and asserts on the verdicts and on the sentences a person
 * reads. Failing cases are produced by reality differing from the expectation, never by fakes:
 * a heal with the reconnect loop off, a check run before the nodes noticed a blackhole, a
 * killed name holder, global ops blocked by a blackhole.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { History, type HistoryEntry } from "../run/history.js";
import { runScenario } from "../runner/run.js";
import { normalizeScenarioObject, unwrapScenario } from "../scenario/load.js";
import { harnessChildren } from "../testing/procs.js";

const outDir = mkdtempSync(path.join(tmpdir(), "netsplit-checks-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const PG = { scope: "demo", group: "workers", per_node: 2 };

type RunResults = Awaited<ReturnType<typeof runScenario>>["results"];

interface Outcome {
  results: RunResults;
  runDir: string;
  history: HistoryEntry[];
  progress: string[];
}

/** Runs a 3-node scenario (net_ticktime 2, reconnect every 200 ms unless `cluster` says otherwise). */
async function run(name: string, spec: Record<string, unknown>): Promise<Outcome> {
  const { cluster, ...rest } = spec as { cluster?: Record<string, unknown> };
  const obj = { netsplit: 1, name, seed: 7, cluster: { nodes: 3, kernel: { net_ticktime: 2 }, reconnect: { interval_ms: 200 }, ...cluster }, ...rest };
  const progress: string[] = [];
  const { results, runDir } = await runScenario(unwrapScenario(normalizeScenarioObject(obj, name)), { outDir, progress: (l) => progress.push(l) });
  expect(harnessChildren(), "the run left BEAM or Toxiproxy processes behind").toEqual([]);
  return { results, runDir, history: History.read(path.join(runDir, "history.msgpack")).entries, progress };
}

type CheckRow = RunResults["checks"][number];
/** The n-th check result of that name (0-based), in the order the run decided them. */
function check(results: RunResults, name: string, nth = 0): CheckRow {
  const row = results.checks.filter((c) => c.name === name)[nth];
  if (!row) throw new Error(`no result #${nth} for ${name}: ${JSON.stringify(results.checks.map((c) => c.name))}`);
  return row;
}

describe("a healthy cluster with no fault: every checker passes, Horde checks are skipped", () => {
  let o: Outcome;
  beforeAll(async () => {
    o = await run("healthy", {
      workload: { pg: [PG], global: [{ name: "leader", on: "n1" }, { probe: "register_name", every_ms: 100 }], horde: [{ keys: 3 }] },
      steps: [{ wait: "300ms" }, { check: { "cluster.sees": { n1: ["n2", "n3"], n2: ["n1", "n3"], n3: ["n1", "n2"], within: 0 } } }],
      checks: [
        { "cluster.mesh": { within: 0 } },
        { "pg.converged": { within: 0 } },
        { "global.names_unique": { within: "5s" } },
        { "global.blocking": { max_ms: 5000 } },
        { "horde.unique": {} },
        { "horde.no_loss": {} },
      ],
    });
  });

  it("cluster.sees passes mid-run with the true view", () => {
    expect(check(o.results, "cluster.sees")).toMatchObject({ verdict: "pass", mid_run: true, detail: "n1 sees [n2, n3]; n2 sees [n1, n3]; n3 sees [n1, n2]" });
  });

  it("cluster.mesh and pg.converged pass at once (time to converge 0: nothing was healed)", () => {
    expect(check(o.results, "cluster.mesh")).toMatchObject({ verdict: "pass", value_ms: 0, detail: "all 3 running nodes see each other" });
    expect(check(o.results, "pg.converged")).toMatchObject({ verdict: "pass", value_ms: 0, detail: "all 3 running nodes see the same live members (demo/workers: 6)" });
  });

  it("global.names_unique passes: every node resolves the leader to n1's holder", () => {
    const r = check(o.results, "global.names_unique");
    expect(r).toMatchObject({ verdict: "pass", detail: '"leader" resolve to one live pid on all 3 nodes' });
    const byNode = (r.data as Record<string, Record<string, string>>)["leader"]!;
    expect(Object.keys(byNode).sort()).toEqual(["n1", "n2", "n3"]);
    expect(new Set(Object.values(byNode)).size).toBe(1);
    expect(byNode["n2"]).toMatch(/^n1@127\.0\.0\.1\//);
  });

  it("global.blocking with a generous max_ms passes when nothing blocks, naming the slowest op", () => {
    const r = check(o.results, "global.blocking");
    expect(r.verdict).toBe("pass");
    expect(r.detail).toMatch(/^\d+ global ops, <= 5000 ms; the slowest: register_name #\d+ on n[123] started at \+\d+\.\d\ds took \d+ ms$/);
    expect(r.value_ms).toBeLessThan(5000);
  });

  it("Horde checks are skipped with the reason, and do not change the run's verdict", () => {
    for (const name of ["horde.unique", "horde.no_loss"]) {
      const r = check(o.results, name);
      expect(r.verdict).toBe("skipped");
      expect(r.detail).toMatch(/^Horde is not available \(.+\)$/);
    }
    expect(o.results.verdict).toBe("pass");
  });
});

describe("a reset partition, healed with the reconnect loop on", () => {
  let o: Outcome;
  beforeAll(async () => {
    o = await run("reset-reconnect", {
      workload: { pg: [PG], global: [{ name: "leader", on: "n1" }] },
      steps: [
        { partition: { isolate: "n3", mode: "reset" } },
        { check: { "pg.partitioned": { within: "3s" } } },
        { check: { "cluster.sees": { n1: ["n2"], n2: ["n1"], n3: [], within: "3s" } } },
        { check: { "cluster.sees": { n3: ["n1", "n2"], within: 0 } } },
        { heal: "all" },
        { check: { "pg.partitioned": { within: 0 } } },
        { wait: { until: "mesh", timeout: "10s" } },
      ],
      checks: [{ "cluster.mesh": { within: "5s" } }, { "pg.converged": { within: "5s" } }, { "global.names_unique": { within: "5s" } }],
    });
  });

  it("pg.partitioned passes mid-run while the partition is in force", () => {
    expect(check(o.results, "pg.partitioned", 0)).toMatchObject({ verdict: "pass", mid_run: true, detail: "each side of [n1, n2] | [n3] sees only its own members" });
  });

  it("cluster.sees passes with the true view of the partition and fails with a wrong one, quoting both", () => {
    expect(check(o.results, "cluster.sees", 0)).toMatchObject({ verdict: "pass", detail: "n1 sees [n2]; n2 sees [n1]; n3 sees []" });
    expect(check(o.results, "cluster.sees", 1)).toMatchObject({ verdict: "fail", detail: "n3 sees [], expected [n1, n2]", data: { n3: [] } });
  });

  it("pg.partitioned is unknown once no partition is in force", () => {
    const r = check(o.results, "pg.partitioned", 1);
    expect(r.verdict).toBe("unknown");
    expect(r.detail).toMatch(/^no partition with clean sides is in force/);
  });

  it("after the heal, cluster.mesh, pg.converged and global.names_unique pass", () => {
    expect(check(o.results, "cluster.mesh")).toMatchObject({ verdict: "pass", mid_run: false, detail: "all 3 running nodes see each other" });
    expect(check(o.results, "cluster.mesh").value_ms).toBeGreaterThan(0); // measured from the heal
    expect(check(o.results, "pg.converged")).toMatchObject({ verdict: "pass", detail: "all 3 running nodes see the same live members (demo/workers: 6)" });
    expect(check(o.results, "global.names_unique")).toMatchObject({ verdict: "pass", detail: '"leader" resolve to one live pid on all 3 nodes' });
  });

  it("the run fails: one fail beats one unknown and several passes", () => {
    expect(o.results.checks.map((c) => c.verdict)).toEqual(["pass", "pass", "fail", "unknown", "pass", "pass", "pass"]);
    expect(o.results.verdict).toBe("fail");
  });
});

describe("a reset partition healed with the reconnect loop off: nothing re-meshes, the checks fail", () => {
  let o: Outcome;
  beforeAll(async () => {
    o = await run("reset-no-reconnect", {
      cluster: { reconnect: false },
      workload: { pg: [PG], global: [{ name: "leader", on: "n1" }] },
      steps: [
        { wait: { until: "global_converged", timeout: "5s" } },
        { partition: { isolate: "n3", mode: "reset" } },
        { check: { "cluster.sees": { n3: [], within: "3s" } } },
        { heal: "all" },
        { wait: "500ms" },
      ],
      checks: [{ "cluster.mesh": { within: "1s" } }, { "pg.converged": { within: "1s" } }, { "global.names_unique": { within: "1s" } }],
    });
  });

  it("the partition took effect before the heal", () => {
    expect(check(o.results, "cluster.sees")).toMatchObject({ verdict: "pass", detail: "n3 sees []" });
  });

  it("cluster.mesh fails, naming the node that does not see the others", () => {
    const r = check(o.results, "cluster.mesh");
    expect(r.verdict).toBe("fail");
    expect(r.detail).toMatch(/^the cluster is not a full mesh: /);
    expect(r.detail).toContain("n3 does not see n1, n2");
    expect(r.detail).toMatch(/n1 does not see (n2, )?n3/);
    expect(r.detail).toMatch(/n2 does not see (n1, )?n3/);
    expect(r.data).toMatchObject({ n3: [] });
    expect(r.value_ms).toBeUndefined();
  });

  it("pg.converged fails, counting what each node misses", () => {
    const r = check(o.results, "pg.converged");
    expect(r.verdict).toBe("fail");
    // (the order of the per-node counts follows the order the nodes answered in)
    expect(r.detail).toMatch(/n3 sees 2 of 6 live members of demo\/workers \(missing (2 on n1, 2 on n2|2 on n2, 2 on n1)\)/);
    expect(r.detail).toMatch(/n1 sees \d of 6 live members of demo\/workers \(missing [^)]*2 on n3\)/);
  });

  it("global.names_unique fails: the isolated node resolves the name to nothing", () => {
    const r = check(o.results, "global.names_unique");
    expect(r.verdict).toBe("fail");
    expect(r.detail).toMatch(/^"leader" resolves differently: /);
    expect(r.detail).toContain("n3 → nothing");
    expect((r.data as Record<string, Record<string, unknown>>)["leader"]!["n3"]).toBeNull();
  });

  it("the history shows that nothing reconnected after the heal", () => {
    const heal = o.history.find((e) => e.type === "fault" && e.kind === "heal")!;
    const ups = o.history.filter((e) => e.t > heal.t && e.type === "node_event" && (e.event as { event: string }).event === "nodeup");
    expect(ups).toEqual([]);
    expect(o.results.verdict).toBe("fail");
  });
});

describe("a blackhole partition with register_name probes on every node", () => {
  let o: Outcome;
  beforeAll(async () => {
    o = await run("blackhole-blocking", {
      workload: { pg: [PG], global: [{ probe: "register_name", every_ms: 100, timeout_ms: 1500 }] },
      steps: [
        { partition: { groups: [["n1", "n2"], ["n3"]], mode: "blackhole" } },
        // a blackhole is noticed only after net_ticktime (2 s): right now every view is unchanged
        { check: { "pg.partitioned": { within: 0 } } },
        { check: { "pg.partitioned": { within: "8s" } } },
        { heal: "all" },
        { wait: { until: "mesh", timeout: "15s" } },
      ],
      checks: [{ "global.blocking": { max_ms: 1000 } }, { "global.blocking": { min_ms: 1000 } }, { "cluster.mesh": { within: "5s" } }],
    });
  });

  it("pg.partitioned fails before the nodes noticed the cut, naming who still sees the other side", () => {
    const r = check(o.results, "pg.partitioned", 0);
    expect(r.verdict).toBe("fail");
    expect(r.detail).toContain("n3 still sees 4 members of demo/workers from the other side (2 on n1, 2 on n2)");
    expect(r.detail).toContain("n1 still sees 2 members of demo/workers from the other side (2 on n3)");
    expect(r.detail).toContain("n2 still sees 2 members of demo/workers from the other side (2 on n3)");
  });

  it("pg.partitioned passes once they did (after net_ticktime)", () => {
    const r = check(o.results, "pg.partitioned", 1);
    expect(r).toMatchObject({ verdict: "pass", detail: "each side of [n1, n2] | [n3] sees only its own members" });
    const downs = o.history.filter((e) => e.type === "node_event" && (e.event as { event: string }).event === "nodedown");
    expect(downs.length).toBeGreaterThanOrEqual(4);
    expect(r.decided_at_ms).toBeGreaterThan(Math.round(Math.min(...downs.map((d) => d.t)) - o.history[0]!.t) - 1);
  });

  it("global.blocking { max_ms: 1000 } fails and names the worst op: its node, start and duration", () => {
    const r = check(o.results, "global.blocking", 0);
    expect(r.verdict).toBe("fail");
    const m = /^(\d+) of (\d+) global ops exceeded 1000 ms; the worst: register_name #(\d+) on (n[123]) started at \+(\d+\.\d\d)s took (more than )?(\d+) ms$/.exec(r.detail);
    expect(m, r.detail).not.toBeNull();
    const [, over, total, seq, node, , , took] = m!;
    expect(Number(over)).toBeGreaterThanOrEqual(1);
    expect(Number(total)).toBeGreaterThanOrEqual(Number(over));
    const worst = (r.data as { worst: { node: string; seq: number; durationMs: number } }).worst;
    expect(worst).toMatchObject({ node, seq: Number(seq), durationMs: Number(took) });
    expect(r.value_ms).toBe(Number(took));
    expect(r.value_ms).toBeGreaterThan(1000);
    // the worst op is one the node itself reported as blocked (beyond the probe's 1500 ms bound)
    const blocked = o.history.filter((e) => e.type === "node_event" && e.node === node && (e.event as { event: string; status?: string; seq?: number }).event === "global_op"
      && (e.event as { status: string }).status === "blocked" && (e.event as { seq: number }).seq === Number(seq));
    expect(blocked).toHaveLength(1);
  });

  it("global.blocking { min_ms: 1000 } passes under the same blackhole, with the same worst op", () => {
    const failing = check(o.results, "global.blocking", 0);
    const r = check(o.results, "global.blocking", 1);
    expect(r.verdict).toBe("pass");
    expect(r.detail).toMatch(/^\d+ global ops, one >= 1000 ms; the slowest: register_name #\d+ on n[123] /);
    expect(r.detail.split("the slowest: ")[1]!.split(" took")[0]).toBe(failing.detail.split("the worst: ")[1]!.split(" took")[0]);
    expect(r.value_ms).toBeGreaterThanOrEqual(failing.value_ms!);
  });

  it("after the heal the reconnect loop re-meshes: cluster.mesh passes; the run fails", () => {
    expect(check(o.results, "cluster.mesh")).toMatchObject({ verdict: "pass", detail: "all 3 running nodes see each other" });
    expect(o.results.verdict).toBe("fail");
  });
});

describe("the node holding a global name is killed", () => {
  let o: Outcome;
  beforeAll(async () => {
    o = await run("kill-holder", {
      workload: { pg: [PG], global: [{ name: "leader", on: "n1" }] },
      steps: [{ wait: { until: "global_converged", timeout: "5s" } }, { kill: "n1" }],
      checks: [
        { "global.names_unique": { within: "1s" } },
        { "cluster.mesh": { within: "3s" } },
        { "pg.converged": { within: "3s" } },
        { "cluster.sees": { n1: ["n2"], within: 0 } },
      ],
    });
  });

  it("global.names_unique fails: the name is registered nowhere", () => {
    const r = check(o.results, "global.names_unique");
    expect(r).toMatchObject({ verdict: "fail", detail: '"leader" is registered nowhere', data: { leader: { n2: null, n3: null } } });
  });

  it("cluster.mesh and pg.converged judge the running nodes only, and pass", () => {
    expect(check(o.results, "cluster.mesh")).toMatchObject({ verdict: "pass", detail: "all 2 running nodes see each other", data: { n2: ["n3"], n3: ["n2"] } });
    expect(check(o.results, "pg.converged")).toMatchObject({ verdict: "pass", detail: "all 2 running nodes see the same live members (demo/workers: 4)" });
  });

  it("cluster.sees is unknown for the killed node, and fail still beats unknown", () => {
    expect(check(o.results, "cluster.sees")).toMatchObject({ verdict: "unknown", detail: "n1 not running, so its view cannot be read" });
    expect(o.results.verdict).toBe("fail");
  });
});

describe("a run whose only non-pass is unknown", () => {
  it("has the verdict unknown (unknown beats pass; skipped does not count)", async () => {
    const o = await run("only-unknown", {
      workload: { pg: [PG], horde: [{ keys: 2 }] },
      steps: [{ check: { "pg.partitioned": { within: 0 } } }],
      checks: [{ "cluster.mesh": { within: 0 } }, { "horde.no_loss": {} }],
    });
    expect(o.results.checks.map((c) => `${c.name}:${c.verdict}`)).toEqual(["pg.partitioned:unknown", "cluster.mesh:pass", "horde.no_loss:skipped"]);
    expect(o.results.verdict).toBe("unknown");
  });
});
