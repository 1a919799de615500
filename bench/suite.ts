/**
 * The wall time of the shipped scenario suite on the local runtime: every file in scenarios/,
 * one after the other, through the library's runScenario (as `netsplit run scenarios/` and the
 * test harness/src/scenarios.int.test.ts do), without Horde code paths (as CI runs it: the Horde
 * workloads and checks are skipped). Run directories go to a temporary folder, removed after.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runScenario } from "../harness/src/index.js";
import { REPO_ROOT } from "../harness/src/util/paths.js";
import { figure, type Figure } from "./lib/results.js";
import { median } from "./lib/stats.js";
import { now } from "./lib/procs.js";
import type { Log } from "./lib/log.js";

export const SIXTEEN = "sixteen-node-split.yaml";

interface ScenarioRun {
  file: string;
  wallMs: number;
  verdict: string;
  bootMs: number | undefined;
}

export function scenarioFiles(): string[] {
  const dir = path.join(REPO_ROOT, "scenarios");
  return readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort().map((f) => path.join(dir, f));
}

async function suiteOnce(files: readonly string[], log: Log): Promise<ScenarioRun[]> {
  const outDir = mkdtempSync(path.join(tmpdir(), "netsplit-bench-suite-"));
  const runs: ScenarioRun[] = [];
  try {
    for (const file of files) {
      const t0 = now();
      const { results } = await runScenario(file, { outDir });
      const run = { file: path.basename(file), wallMs: now() - t0, verdict: results.verdict, bootMs: results.timings?.boot_ms };
      runs.push(run);
      log(`  ${run.file}: ${run.verdict} in ${(run.wallMs / 1000).toFixed(1)} s`);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return runs;
}

export async function measureSuite(reps: number, log: Log): Promise<Figure[]> {
  const files = scenarioFiles();
  const all: ScenarioRun[][] = [];
  for (let rep = 0; rep < reps; rep++) {
    log(`suite rep ${rep + 1}/${reps}: ${files.length} scenarios`);
    const t0 = now();
    all.push(await suiteOnce(files, log));
    log(`suite rep ${rep + 1}/${reps}: ${((now() - t0) / 1000).toFixed(1)} s`);
  }
  const totals = all.map((runs) => runs.reduce((s, r) => s + r.wallMs, 0) / 1000);
  const per = files.map((f) => path.basename(f)).map((file) => {
    const runs = all.map((rs) => rs.find((r) => r.file === file)!);
    return { file, median_s: Math.round(median(runs.map((r) => r.wallMs)) / 100) / 10, verdicts: runs.map((r) => r.verdict) };
  });
  const failed = per.filter((p) => p.verdicts.some((v) => v !== "pass"));
  const suite = figure({
    id: "suite.local", group: "suite", unit: "s",
    label: `the shipped suite (${files.length} scenarios in scenarios/), local runtime, one after the other`,
    samples: totals,
    target: { max: 180, text: "< 3 min" },
    detail: { scenarios: per },
    ...(failed.length ? { note: `not every run passed: ${failed.map((p) => `${p.file} (${p.verdicts.join(", ")})`).join("; ")}` } : {}),
  });
  const figures = [suite];
  const sixteen = all.map((rs) => rs.find((r) => r.file === SIXTEEN)).filter((r): r is ScenarioRun => r !== undefined);
  if (sixteen.length > 0) {
    const f = figure({
      id: "suite.sixteen_node_split", group: "suite", unit: "s",
      label: `scenarios/${SIXTEEN}: a 16-node partition on this machine`,
      samples: sixteen.map((r) => r.wallMs / 1000),
      detail: { verdicts: sixteen.map((r) => r.verdict), boot_ms: sixteen.map((r) => r.bootMs) },
    });
    f.target = { text: "passes" };
    f.met = sixteen.every((r) => r.verdict === "pass");
    figures.push(f);
  }
  return figures;
}
