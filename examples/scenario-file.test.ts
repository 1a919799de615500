/**
 * A scenario file run from a test, as `netsplit run` would: the run directory holds the same
 * reports (results.json, report.md, report.html, junit.xml), and the checks are asserted with
 * messages that quote each failing check's sentence and the report's path.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { loadScenario } from "netsplit";
import { expectChecksToPass, runScenarioForTest } from "netsplit/vitest";

const file = path.join(import.meta.dirname, "isolate-and-heal.yaml");

it("isolate-and-heal.yaml: n3 is noticed gone by tick timeout, and everything recovers after the heal", async () => {
  const scenario = await loadScenario(file);
  expect(scenario.cluster.nodes).toEqual(["n1", "n2", "n3"]);

  const run = await runScenarioForTest(scenario);
  expectChecksToPass(run);
  expect(run.timeline.some((line) => /nodedown n3 \(net_tick_timeout\)|nodedown n[12] \(net_tick_timeout\)/.test(line))).toBe(true);
  for (const report of [run.reports.html, run.reports.markdown, run.reports.junit, run.reports.results]) expect(existsSync(report), report).toBe(true);
}, 30_000);
