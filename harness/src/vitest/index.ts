/**
 * netsplit in a test file (`import ... from "netsplit/vitest"`): run a scenario inside a test
 * and assert on its checks. A failed assertion says what went wrong without opening a file:
 * every check that did not pass with its verdict, its sentence and where it was written, the
 * run's error if it could not finish, and the path of the run's report.html.
 *
 *   it("heals a 3|2 split", async () => {
 *     const run = await runScenarioForTest("scenarios/majority-minority-split.yaml");
 *     expectChecksToPass(run);
 *   }, 60_000);
 *
 * Nothing here depends on vitest itself: the assertions throw ScenarioAssertionError, which any
 * test runner reports with its message.
 */
import { nearest } from "../scenario/suggest.js";
import { reportFiles, runScenario, type ScenarioInput, type ScenarioRun } from "../index.js";
import type { RunOptions } from "../runner/run.js";
import type { CheckOutcome, RunResults } from "../report/results.js";
import type { Verdict } from "../checks/types.js";

/** What the assertions need: a run's results and its directory (what `runScenario` returns). */
export interface RunLike {
  readonly results: RunResults;
  readonly runDir: string;
}

export interface TestRun extends ScenarioRun {
  /** Every progress line of the run (the timeline `netsplit run` prints), in order. */
  readonly timeline: readonly string[];
}

export interface ChecksToPassOptions {
  /** Count `skipped` checks (e.g. Horde checks where Horde is absent) as passing. Default true. */
  allowSkipped: boolean;
}

/** A check did not have the verdict a test asked for. `run` is the run the message is about. */
export class ScenarioAssertionError extends Error {
  constructor(message: string, readonly run: RunLike) {
    super(message);
    this.name = "ScenarioAssertionError";
  }
}

/**
 * Runs a scenario (a file path, a plain object shaped like a scenario file, or a loaded Scenario)
 * and collects its timeline. Options as `runScenario`'s: `outDir` (default "runs"), `seed`,
 * `runtime`, `name`; `progress` also receives every line. Give the test a timeout longer than
 * the scenario (vitest's default is 5 s).
 */
export async function runScenarioForTest(input: ScenarioInput, options: Partial<RunOptions & { name: string }> = {}): Promise<TestRun> {
  const timeline: string[] = [];
  const run = await runScenario(input, {
    ...options,
    progress: (line) => {
      timeline.push(line);
      options.progress?.(line);
    },
  });
  return { ...run, timeline };
}

const show = (v: string) => v.toUpperCase();

function line(c: CheckOutcome): string {
  const value = c.value_ms === undefined ? "" : ` (${c.value_ms} ms)`;
  const when = c.mid_run ? "mid-run " : "";
  return `  ${when}${c.name}: ${show(c.verdict)}${value}: ${c.detail}  [${c.source}]`;
}

/** Every check of the run, one per line: `name: VERDICT (value): sentence  [file:line:column]`. */
export function describeChecks(run: RunLike): string {
  return run.results.checks.map(line).join("\n");
}

/** The lines every message ends with: the run's error, if any, and where its report is. */
function footer(run: RunLike): string[] {
  return [...(run.results.error ? [`the run did not finish: ${run.results.error}`] : []), `report: ${reportFiles(run.runDir).html}`];
}

function fail(run: RunLike, lines: readonly string[]): never {
  throw new ScenarioAssertionError([...lines, ...footer(run)].join("\n"), run);
}

function select(run: RunLike, names: readonly string[] | undefined): CheckOutcome[] {
  const { checks } = run.results;
  if (names === undefined) return checks;
  const known = [...new Set(checks.map((c) => c.name))];
  for (const name of names) {
    if (known.includes(name)) continue;
    const guess = nearest(name, known);
    const hint = guess === undefined ? "." : `; did you mean "${guess}"?`;
    fail(run, [`scenario "${run.results.scenario}" has no check named "${name}"${hint} Its checks: ${known.join(", ") || "none"}.`]);
  }
  return checks.filter((c) => names.includes(c.name));
}

/**
 * Asserts that every check of the run (or every check with one of `names`) passed, and that the
 * run finished. The message lists each check that did not pass, then the report's path.
 */
export function expectChecksToPass(run: RunLike, names?: readonly string[], options: Partial<ChecksToPassOptions> = {}): void {
  const allowSkipped = options.allowSkipped ?? true;
  const checks = select(run, names);
  const bad = checks.filter((c) => !(c.verdict === "pass" || (allowSkipped && c.verdict === "skipped")));
  const { scenario, verdict, error } = run.results;
  const unfinished = error !== undefined && names === undefined;
  if (bad.length > 0) {
    const what = names === undefined ? "checks" : `checks named ${names.map((n) => `"${n}"`).join(", ")}`;
    fail(run, [`scenario "${scenario}": ${bad.length} of ${checks.length} ${what} did not pass (verdict ${show(verdict)}):`, ...bad.map(line)]);
  }
  if (unfinished) fail(run, [`scenario "${scenario}" did not finish (verdict ${show(verdict)})`]);
  if (checks.length === 0) fail(run, [`scenario "${scenario}" ran no checks, so there is nothing to pass: add \`checks:\` to it`]);
}

/**
 * Asserts that the run has a check named `name` and that every check of that name has
 * `verdict`, e.g. `expectCheck(run, "global.names_unique", "fail")` for a scenario meant to
 * show a conflict.
 */
export function expectCheck(run: RunLike, name: string, verdict: Verdict): void {
  const checks = select(run, [name]);
  const wrong = checks.filter((c) => c.verdict !== verdict);
  if (wrong.length === 0) return;
  fail(run, [`scenario "${run.results.scenario}": expected ${name} to be ${show(verdict)}, but:`, ...wrong.map(line)]);
}
