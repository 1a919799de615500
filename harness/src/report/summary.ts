/** summary.md and summary.json: one line per scenario of a `netsplit run` with several files. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { duration, VERDICT_ICON } from "./format.js";
import type { RunResults, RunVerdict } from "./results.js";

export interface SummaryRun {
  results: RunResults;
  runDir: string;
}

export interface Summary {
  verdict: RunVerdict;
  runs: {
    scenario: string;
    verdict: RunVerdict;
    partial: boolean;
    seed: number;
    duration_ms: number;
    checks: { pass: number; fail: number; unknown: number; skipped: number };
    failed: string[];
    run_dir: string;
    report: string;
  }[];
}

export function buildSummary(runs: readonly SummaryRun[], outDir: string): Summary {
  const verdicts = runs.map((r) => r.results.verdict);
  const verdict: RunVerdict = verdicts.includes("fail") ? "fail" : verdicts.includes("unknown") || runs.length === 0 ? "unknown" : "pass";
  return {
    verdict,
    runs: runs.map(({ results: r, runDir }) => {
      const n = (v: string) => r.checks.filter((c) => c.verdict === v).length;
      const rel = path.relative(outDir, runDir) || ".";
      return {
        scenario: r.scenario,
        verdict: r.verdict,
        partial: r.partial,
        seed: r.seed,
        duration_ms: r.duration_ms,
        checks: { pass: n("pass"), fail: n("fail"), unknown: n("unknown"), skipped: n("skipped") },
        failed: r.checks.filter((c) => c.verdict === "fail" || c.verdict === "unknown").map((c) => c.name),
        run_dir: rel,
        report: path.join(rel, "report.html"),
      };
    }),
  };
}

export function renderSummaryMarkdown(s: Summary): string {
  const rows = s.runs.map((r) => `| \`${r.scenario}\` | ${VERDICT_ICON[r.verdict] ?? ""} ${r.verdict}${r.partial ? " (partial)" : ""} | ${r.checks.pass} pass, ${r.checks.fail} fail, ${r.checks.unknown} unknown, ${r.checks.skipped} skipped | ${r.failed.map((f) => `\`${f}\``).join(", ")} | ${duration(r.duration_ms)} | [report](${r.report}) · [summary](${path.join(r.run_dir, "report.md")}) |`);
  return [
    `## ${VERDICT_ICON[s.verdict] ?? ""} netsplit: ${s.runs.length} scenario${s.runs.length === 1 ? "" : "s"}, ${s.verdict.toUpperCase()}`,
    "",
    "| scenario | verdict | checks | not passed | duration | files |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

/** Writes summary.md and summary.json into `outDir`. Returns their paths. */
export function writeSummary(outDir: string, runs: readonly SummaryRun[]): { md: string; json: string; summary: Summary } {
  const summary = buildSummary(runs, outDir);
  const md = path.join(outDir, "summary.md");
  const json = path.join(outDir, "summary.json");
  writeFileSync(md, renderSummaryMarkdown(summary));
  writeFileSync(json, JSON.stringify(summary, null, 2) + "\n");
  return { md, json, summary };
}
