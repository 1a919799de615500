/**
 * The nemesis on a REAL 3-node cluster: every kind it may draw, from a fixed seed, then its undo
 * and the final checks. Its faults are recorded exactly like a step's (one `fault` entry per
 * fault, stamped at its start, applied after it started), including the resumes and restarts of
 * its undo, which used to be stamped after the fact with no duration.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { History } from "../run/history.js";
import { normalizeScenarioObject, unwrapScenario } from "../scenario/load.js";
import { harnessChildren } from "../testing/procs.js";
import { runScenario } from "./run.js";

const outDir = mkdtempSync(path.join(tmpdir(), "netsplit-nemesis-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

it("draws every kind from the seed, records each like a step, undoes them all, and the cluster re-meshes", async () => {
  const obj = {
    netsplit: 1, name: "nemesis-all", seed: 11,
    cluster: { nodes: 3, kernel: { net_ticktime: 2 }, reconnect: { interval_ms: 200 } },
    workload: { pg: [{ scope: "demo", group: "workers", per_node: 1 }] },
    steps: [{ nemesis: { faults: ["partition", "oneway", "delay", "kill", "pause", "restart"], interval: "600ms", duration: "6s" } }],
    checks: [{ "cluster.mesh": { within: "20s" } }, { "pg.converged": { within: "20s" } }],
  };
  const { results, runDir } = await runScenario(unwrapScenario(normalizeScenarioObject(obj, "nemesis-all")), { outDir });
  expect(harnessChildren()).toEqual([]);
  expect(results.verdict).toBe("pass");
  const faults = History.read(path.join(runDir, "history.msgpack")).entries.filter((e) => e.type === "fault" && e.step !== "final_heal");
  expect(faults.length).toBeGreaterThan(3);
  for (const f of faults) {
    expect(f.nemesis, JSON.stringify(f)).toBe(true);
    expect(f.t).toBe(f.startedAt);
    expect(f.appliedAt as number).toBeGreaterThanOrEqual(f.startedAt as number);
  }
  // an undo's restart takes the time a restart takes (a node boots), not 0 ms after the fact
  for (const r of faults.filter((f) => f.step === "nemesis" && f.kind === "restart")) expect((r.appliedAt as number) - (r.startedAt as number)).toBeGreaterThan(50);
  expect(new Set(faults.map((f) => f.kind)).size).toBeGreaterThan(2);
});
