/**
 * The shipped scenarios are the regression suite: every file in scenarios/ is loaded and run
 * through the library (real BEAM nodes, real Toxiproxy), one after the other, and must pass.
 * A failure names every check that did not pass, with its detail, the run's error if any, the
 * end of the live timeline and the run directory (kept when something failed).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runScenario } from "./runner/run.js";
import { loadScenarioFile, unwrapScenario } from "./scenario/load.js";
import { harnessChildren } from "./testing/procs.js";
import { REPO_ROOT } from "./util/paths.js";

const SCENARIOS_DIR = path.join(REPO_ROOT, "scenarios");
const SCHEMA_LINE = "# yaml-language-server: $schema=../harness/schema/scenario.schema.json";
/** Each scenario gets this long; they are meant to take well under 30 s each. */
const PER_SCENARIO_MS = 120_000;
/** Lines of the live timeline shown with a failure. */
const TIMELINE_TAIL = 40;

const files = readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith(".yaml")).sort();

const outDir = mkdtempSync(path.join(tmpdir(), "netsplit-scenarios-"));
let failed = false;
afterAll(() => {
  if (!failed) rmSync(outDir, { recursive: true, force: true });
});

describe("shipped scenarios", () => {
  it("are there, each with the schema line and a fixed seed", () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(path.join(SCENARIOS_DIR, f), "utf8");
      expect(text.split("\n")[0], `${f}: the first line`).toBe(SCHEMA_LINE);
      expect(text, `${f}: a fixed seed`).toMatch(/^seed: \d+$/m);
    }
  });

  for (const f of files) {
    it(`${f} passes`, async () => {
      const file = path.join(SCENARIOS_DIR, f);
      const scenario = unwrapScenario(await loadScenarioFile(file));
      const timeline: string[] = [];
      // only what THIS run leaves behind counts (a leak of an earlier test must not fail every later one)
      const before = new Set(harnessChildren().map((p) => p.pid));
      let runDir = "(no run directory)";
      try {
        const outcome = await runScenario(scenario, { outDir, progress: (line) => timeline.push(line) });
        runDir = outcome.runDir;
        const { results } = outcome;
        const notPassed = results.checks.filter((c) => c.verdict !== "pass");
        const message = [
          `${f}: verdict ${results.verdict}, expected pass (run directory: ${runDir})`,
          ...notPassed.map((c) => `  ${c.verdict.toUpperCase()} ${c.name}${c.mid_run ? " (mid-run)" : ""} at ${c.source}: ${c.detail}`),
          ...(results.error ? [`  run error: ${results.error}`] : []),
          "  timeline (end):",
          ...timeline.slice(-TIMELINE_TAIL).map((l) => `    ${l}`),
        ].join("\n");
        expect(results.verdict, message).toBe("pass");
        const leftovers = harnessChildren().filter((p) => !before.has(p.pid));
        expect(leftovers.map((p) => `${p.pid} ${p.cmdline.slice(0, 160)}`), `${f}: BEAM nodes or Toxiproxy left running after the run (${runDir})`).toEqual([]);
      } catch (err) {
        failed = true;
        throw err;
      }
    }, PER_SCENARIO_MS);
  }
});
