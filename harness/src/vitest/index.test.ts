/**
 * The assertions of netsplit/vitest on hand-made results (no cluster): what passes, and the exact
 * message of each failure: every check that did not pass with its verdict, sentence and source,
 * the run's error, and the report's absolute path.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckOutcome, RunResults } from "../report/results.js";
import { describeChecks, expectCheck, expectChecksToPass, ScenarioAssertionError, type RunLike } from "./index.js";

const check = (name: string, verdict: CheckOutcome["verdict"], detail: string, extra: Partial<CheckOutcome> = {}): CheckOutcome =>
  ({ name, verdict, detail, source: `split.yaml:${20 + name.length}:5`, mid_run: false, ...extra });

function run(checks: CheckOutcome[], extra: Partial<RunResults> = {}): RunLike {
  const verdict = checks.some((c) => c.verdict === "fail") ? "fail" : checks.some((c) => c.verdict === "unknown") ? "unknown" : "pass";
  const results = {
    scenario: "split", verdict, seed: 1, started_at: "2026-01-01T00:00:00.000Z", duration_ms: 9000, partial: false, checks,
    timings: { faults: [], detections: [], convergence: [] }, versions: { netsplit: "0.1.0" }, kernel: {}, nodes: ["n1", "n2", "n3"], ...extra,
  } satisfies RunResults;
  return { results, runDir: "runs/split/2026-01-01T00-00-00-000Z" };
}

const REPORT = path.resolve("runs/split/2026-01-01T00-00-00-000Z/report.html");

function message(f: () => void): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioAssertionError);
    return (err as Error).message;
  }
  throw new Error("expected the assertion to fail");
}

const mesh = check("cluster.mesh", "pass", "all 3 running nodes see each other", { value_ms: 412 });
const pg = check("pg.converged", "fail", "n3 sees 1 member of demo/workers, n1 sees 3", { source: "split.yaml:31:5" });
const global = check("global.names_unique", "unknown", "n2 did not answer within 2000 ms", { source: "split.yaml:32:5" });
const horde = check("horde.unique", "skipped", "Horde.Registry is not loaded on n1, n2, n3", { source: "split.yaml:33:5" });

describe("expectChecksToPass", () => {
  it("passes when every check passed or was skipped (unless skipped checks are refused)", () => {
    expectChecksToPass(run([mesh, horde]));
    expect(message(() => expectChecksToPass(run([mesh, horde]), undefined, { allowSkipped: false }))).toContain("horde.unique: SKIPPED: Horde.Registry is not loaded");
  });

  it("names each check that did not pass with its verdict, sentence and source, then the report", () => {
    expect(message(() => expectChecksToPass(run([mesh, pg, global, horde])))).toBe([
      `scenario "split": 2 of 4 checks did not pass (verdict FAIL):`,
      `  pg.converged: FAIL: n3 sees 1 member of demo/workers, n1 sees 3  [split.yaml:31:5]`,
      `  global.names_unique: UNKNOWN: n2 did not answer within 2000 ms  [split.yaml:32:5]`,
      `report: ${REPORT}`,
    ].join("\n"));
  });

  it("marks mid-run checks and shows measured values", () => {
    const sees = check("cluster.sees", "fail", "n1 sees [n2, n3], expected [n2]", { mid_run: true, value_ms: 3000, source: "split.yaml:12:14" });
    expect(message(() => expectChecksToPass(run([sees, mesh])))).toContain("  mid-run cluster.sees: FAIL (3000 ms): n1 sees [n2, n3], expected [n2]  [split.yaml:12:14]");
  });

  it("asserts only the named checks when given names", () => {
    expectChecksToPass(run([mesh, pg]), ["cluster.mesh"]);
    expect(message(() => expectChecksToPass(run([mesh, pg]), ["cluster.mesh", "pg.converged"]))).toMatch(/^scenario "split": 1 of 2 checks named "cluster.mesh", "pg.converged" did not pass/);
  });

  it("suggests the nearest name for a check the run does not have", () => {
    expect(message(() => expectChecksToPass(run([mesh, pg]), ["pg.convergd"]))).toBe(
      `scenario "split" has no check named "pg.convergd"; did you mean "pg.converged"? Its checks: cluster.mesh, pg.converged.\nreport: ${REPORT}`,
    );
    expect(message(() => expectChecksToPass(run([mesh]), ["horde.no_loss"]))).toContain(`has no check named "horde.no_loss". Its checks: cluster.mesh.`);
  });

  it("fails a run that did not finish, with its error, even when its checks passed", () => {
    const msg = message(() => expectChecksToPass(run([mesh], { verdict: "unknown", error: "full mesh not reached within 30000 ms: n1 sees []" })));
    expect(msg).toBe([`scenario "split" did not finish (verdict UNKNOWN)`, "the run did not finish: full mesh not reached within 30000 ms: n1 sees []", `report: ${REPORT}`].join("\n"));
  });

  it("fails a run without checks: there is nothing to pass", () => {
    expect(message(() => expectChecksToPass(run([])))).toContain("ran no checks");
  });
});

describe("expectCheck", () => {
  it("passes when every check of that name has the verdict", () => {
    expectCheck(run([mesh, pg]), "pg.converged", "fail");
  });

  it("quotes the actual verdict and sentence otherwise", () => {
    expect(message(() => expectCheck(run([mesh, pg]), "cluster.mesh", "fail"))).toBe([
      `scenario "split": expected cluster.mesh to be FAIL, but:`,
      `  cluster.mesh: PASS (412 ms): all 3 running nodes see each other  [split.yaml:32:5]`,
      `report: ${REPORT}`,
    ].join("\n"));
  });
});

it("describeChecks lists every check, one per line", () => {
  expect(describeChecks(run([mesh, pg])).split("\n")).toEqual([
    "  cluster.mesh: PASS (412 ms): all 3 running nodes see each other  [split.yaml:32:5]",
    "  pg.converged: FAIL: n3 sees 1 member of demo/workers, n1 sees 3  [split.yaml:31:5]",
  ]);
});
