/**
 * How stable the shipped suite's verdicts are, one after another and several at a time: every
 * file in scenarios/, K times with `jobs: 1` and K times with `jobs: 2` (alternating, so a
 * change in the machine's load hits both alike), through the library's runScenarios (what
 * `netsplit run scenarios/ --jobs N` does). Every shipped scenario is expected to PASS (the Horde
 * ones without Horde code paths too: their Horde checks are skipped, as CI runs them). Reports the
 * share of runs whose verdict was the expected one and the wall times side by side; the CPU
 * budget is the machine's (runner/jobs.ts), so on 2 cores `sixteen-node-split` still runs alone.
 * Run directories go to a temporary folder, removed after.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runScenarios } from "../harness/src/index.js";
import { figure, type Figure } from "./lib/results.js";
import { now } from "./lib/procs.js";
import type { Log } from "./lib/log.js";
import { scenarioFiles } from "./suite.js";

/** Every shipped scenario is expected to pass. */
export const EXPECTED = "pass";

export interface PassResult {
  jobs: number;
  wallMs: number;
  verdicts: Record<string, string>;
}

async function pass(files: readonly string[], jobs: number, log: Log): Promise<PassResult> {
  const outDir = mkdtempSync(path.join(tmpdir(), "netsplit-bench-stability-"));
  try {
    const t0 = now();
    const out = await runScenarios(files, {
      outDir,
      jobs,
      onEvent: (e) => {
        if (e.type === "waiting" && jobs > 1) log(`    waiting: ${e.job.scenario.name}: ${e.reason}`);
        if (e.type !== "end") return;
        const { results } = e.outcome;
        log(`    ${e.job.scenario.name}: ${results.verdict} in ${(e.ms / 1000).toFixed(1)} s`);
        // the run directories go with the temporary folder: say here why a run was not as expected
        if (results.verdict !== EXPECTED) {
          if (results.error) log(`      error: ${results.error.split("\n").slice(0, 6).join("\n      ")}`);
          for (const c of results.checks.filter((c) => c.verdict !== "pass")) log(`      ${c.verdict.toUpperCase()} ${c.name}: ${c.detail.slice(0, 300)}`);
        }
      },
    });
    return { jobs, wallMs: now() - t0, verdicts: Object.fromEntries(out.runs.map((r) => [r.results.scenario, r.results.verdict])) };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** The share of runs with the expected verdict, and the scenarios that had another one. */
export function share(passes: readonly PassResult[]): { matched: number; total: number; off: string[] } {
  let matched = 0;
  let total = 0;
  const off = new Map<string, string[]>();
  for (const p of passes) {
    for (const [scenario, verdict] of Object.entries(p.verdicts)) {
      total++;
      if (verdict === EXPECTED) matched++;
      else off.set(scenario, [...(off.get(scenario) ?? []), verdict]);
    }
  }
  return { matched, total, off: [...off].map(([s, v]) => `${s} (${v.join(", ")})`) };
}

export function shareText(s: ReturnType<typeof share>): string {
  const pct = s.total === 0 ? 0 : Math.round((s.matched / s.total) * 1000) / 10;
  return `${s.matched} of ${s.total} runs ${EXPECTED.toUpperCase()} as expected (${pct}%)${s.off.length ? `; not as expected: ${s.off.join("; ")}` : ""}`;
}

export async function measureStability(reps: number, jobs: number, log: Log, files: readonly string[] = scenarioFiles()): Promise<Figure[]> {
  const sequential: PassResult[] = [];
  const concurrent: PassResult[] = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const [j, into] of [[1, sequential], [jobs, concurrent]] as const) {
      log(`stability rep ${rep + 1}/${reps}: ${files.length} scenarios, jobs ${j}`);
      const p = await pass(files, j, log);
      into.push(p);
      log(`stability rep ${rep + 1}/${reps}, jobs ${j}: ${(p.wallMs / 1000).toFixed(1)} s; ${shareText(share([p]))}`);
    }
  }
  const seq = share(sequential);
  const par = share(concurrent);
  const detail = (ps: PassResult[]) => ({ passes: ps.map((p) => ({ wall_s: Math.round(p.wallMs / 100) / 10, verdicts: p.verdicts })) });
  const one = figure({
    id: "stability.jobs1", group: "stability", unit: "s",
    label: `${files.length === scenarioFiles().length ? "the shipped suite" : "shipped scenarios"} (${files.length} scenarios), one after another (--jobs 1): wall time; ${shareText(seq)}`,
    samples: sequential.map((p) => p.wallMs / 1000),
    detail: detail(sequential),
  });
  one.target = { text: "every verdict as expected" };
  one.met = seq.matched === seq.total;
  const many = figure({
    id: `stability.jobs${jobs}`, group: "stability", unit: "s",
    label: `the same, --jobs ${jobs} (CPU budget: this machine's cores): wall time; ${shareText(par)}`,
    samples: concurrent.map((p) => p.wallMs / 1000),
    floor: { label: "the same suite with --jobs 1, measured alternately in the same run", samples: sequential.map((p) => p.wallMs / 1000) },
    detail: detail(concurrent),
  });
  many.target = { text: "every verdict as expected" };
  many.met = par.matched === par.total;
  return [one, many];
}
