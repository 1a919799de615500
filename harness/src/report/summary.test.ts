import { describe, expect, it } from "vitest";
import { buildResults } from "./results.js";
import { buildSummary, renderSummaryMarkdown } from "./summary.js";
import { loadFixture } from "./testdata/fixtures.js";

describe("combined summary", () => {
  const pass = buildResults(loadFixture("majority-minority-split"));
  const fail = { ...buildResults(loadFixture("mixed-faults")), verdict: "fail" as const };
  fail.checks = fail.checks.map((c, i) => (i === 0 ? { ...c, verdict: "fail" as const } : c));
  const s = buildSummary([{ results: pass, runDir: "/out/a/1" }, { results: fail, runDir: "/out/b/2" }], "/out");

  it("has one line per scenario and the worst verdict", () => {
    expect(s.verdict).toBe("fail");
    expect(s.runs.map((r) => [r.scenario, r.verdict, r.run_dir, r.report])).toEqual([
      ["majority-minority-split", "pass", "a/1", "a/1/report.html"],
      ["mixed-faults", "fail", "b/2", "b/2/report.html"],
    ]);
    expect(s.runs[1]!.failed).toEqual(["cluster.mesh"]);
    expect(s.runs[1]!.checks).toEqual({ pass: 3, fail: 1, unknown: 0, skipped: 0 });
  });

  it("renders a Markdown table linking each report", () => {
    const md = renderSummaryMarkdown(s);
    expect(md).toMatch(/^## ❌ netsplit: 2 scenarios, FAIL\n/);
    expect(md).toContain("| `mixed-faults` | ❌ fail | 3 pass, 1 fail, 0 unknown, 0 skipped | `cluster.mesh` |");
    expect(md).toContain("[report](a/1/report.html)");
  });
});
