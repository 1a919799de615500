/**
 * The shipped scenarios are the regression suite: every file in scenarios/ is loaded and run
 * through the library (real BEAM nodes, real Toxiproxy), two at a time within the machine's CPU
 * budget (`runScenarios` with `jobs: 2`, what `netsplit run scenarios/ --jobs 2` does: about half
 * the wall time of one after another, with the same verdicts: `npm run bench -- --only
 * stability`), and each must pass. A failure names every check that did not pass, with its
 * detail, the run's error if any, the end of its timeline and the run directory (kept when
 * something failed).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScenarios, type ScenariosOutcome } from "./runner/jobs.js";
import { loadScenarioFile, unwrapScenario } from "./scenario/load.js";
import { harnessChildren } from "./testing/procs.js";
import { REPO_ROOT } from "./util/paths.js";

const SCENARIOS_DIR = path.join(REPO_ROOT, "scenarios");
const SCHEMA_LINE = "# yaml-language-server: $schema=../harness/schema/scenario.schema.json";
/** Each scenario is meant to take well under 30 s; the whole suite gets this long per scenario. */
const PER_SCENARIO_MS = 60_000;
/** Lines of a run's timeline shown with a failure. */
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

  let suite: ScenariosOutcome;
  const timelines = files.map((): string[] => []);
  /** What the runs left behind: only what THIS suite started counts (a leak of an earlier test file must not fail it). */
  let leftovers: string[] = [];
  beforeAll(async () => {
    const scenarios = await Promise.all(files.map(async (f) => unwrapScenario(await loadScenarioFile(path.join(SCENARIOS_DIR, f)))));
    const before = new Set(harnessChildren().map((p) => p.pid));
    suite = await runScenarios(scenarios, {
      outDir,
      jobs: 2,
      timelineLog: false,
      onEvent: (e) => {
        if (e.type === "progress") timelines[e.job.index]!.push(e.line);
      },
    });
    leftovers = harnessChildren().filter((p) => !before.has(p.pid)).map((p) => `${p.pid} ${p.cmdline.slice(0, 160)}`);
  }, files.length * PER_SCENARIO_MS);

  files.forEach((f, i) => {
    it(`${f} passes`, () => {
      const { results, runDir } = suite.runs[i]!;
      const notPassed = results.checks.filter((c) => c.verdict !== "pass");
      const message = [
        `${f}: verdict ${results.verdict}, expected pass (run directory: ${runDir})`,
        ...notPassed.map((c) => `  ${c.verdict.toUpperCase()} ${c.name}${c.mid_run ? " (mid-run)" : ""} at ${c.source}: ${c.detail}`),
        ...(results.error ? [`  run error: ${results.error}`] : []),
        "  timeline (end):",
        ...timelines[i]!.slice(-TIMELINE_TAIL).map((l) => `    ${l}`),
      ].join("\n");
      if (results.verdict !== "pass") failed = true;
      expect(results.verdict, message).toBe("pass");
    });
  });

  it("leave no BEAM node or Toxiproxy running", () => {
    if (leftovers.length > 0) failed = true;
    expect(leftovers, `BEAM nodes or Toxiproxy left running after the runs (${outDir})`).toEqual([]);
  });
});
