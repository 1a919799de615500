/**
 * A run's named phases on a REAL cluster: each one's duration is in the history, in pipeline
 * order, and report.md says where the run's time went.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { History } from "../run/history.js";
import { HISTORY_VERSION } from "../run/events.js";
import { normalizeScenarioObject, unwrapScenario } from "../scenario/load.js";
import { runScenario } from "./run.js";

const outDir = mkdtempSync(path.join(tmpdir(), "netsplit-phases-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

it("records every phase's duration in order, and report.md shows them", async () => {
  const obj = {
    netsplit: 1, name: "phases", seed: 1, cluster: { nodes: 2 },
    steps: [{ partition: { isolate: "n2" } }, { wait: "300ms" }, { heal: "all" }],
    checks: [{ "cluster.mesh": { within: "10s" } }],
  };
  const { results, runDir } = await runScenario(unwrapScenario(normalizeScenarioObject(obj, "phases")), { outDir });
  expect(results.verdict).toBe("pass");
  const read = History.read(path.join(runDir, "history.msgpack"));
  expect(read.version).toBe(HISTORY_VERSION);
  const phases = read.entries.filter((e) => e.type === "phase");
  expect(phases.map((p) => p.name)).toEqual(["prepare", "boot", "workloads", "timeline", "final_heal", "checks", "cleanup", "report"]);
  for (const p of phases) expect(p.ms as number).toBeGreaterThanOrEqual(0);
  expect(phases.find((p) => p.name === "timeline")!.ms as number).toBeGreaterThanOrEqual(300);
  expect(readFileSync(path.join(runDir, "report.md"), "utf8")).toMatch(/\nWhere the time went: prepare \S+ ms · boot [^·]+ · workloads [^·]+ · timeline [^·]+ · final heal [^·]+ · checks [^·]+ · cleanup [^·\n]+\n/);
});
