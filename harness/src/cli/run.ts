/**
 * `netsplit run FILE...`: validates every file first (nothing runs if one is invalid), then runs
 * them one after another, or several at once within a CPU budget (`--jobs`, runner/jobs.ts).
 * Exit 0 all pass, 1 a check failed, 2 unknown.
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors.js";
import { writeSummary } from "../report/index.js";
import { defaultCpuBudget, effectiveJobs, runScenarios, scenarioCost, worstVerdict } from "../runner/jobs.js";
import { isRuntimeName, RUNTIME_NAMES } from "../runtime/registry.js";
import { preflightApp } from "../app/preflight.js";
import { formatIssue } from "../scenario/issues.js";
import { hordePathFromEnv, parseHordePath, HORDE_PATH_ENV } from "../horde/supply.js";
import { loadScenarioFile } from "../scenario/load.js";
import type { Scenario } from "../scenario/model.js";
import { scenarioFiles } from "./files.js";
import { EXIT, type CliIo } from "./io.js";
import { formatPlan, formatTable, JobsDisplay, tableRow } from "./jobs-output.js";

export const RUN_HELP = `Usage: netsplit run FILE|DIR... [--jobs N|auto] [--cpus N] [--runtime ${RUNTIME_NAMES.join("|")}] [--out DIR] [--seed N] [--reporter human|json] [--horde-path DIR[:DIR...]]

Runs scenario files: boots the cluster, runs the workload and the steps, heals, runs the checks
and writes a run directory DIR/<scenario>/<start-time>/ (default DIR: runs) with results.json,
report.md, report.html, junit.xml, the history and the node logs. With several scenarios it
also writes DIR/summary.md and DIR/summary.json, one line per scenario.

Several scenarios run at once with --jobs N (at most N at a time; default auto), each fully
isolated, within a CPU budget of --cpus cores (default: this machine's, ${defaultCpuBudget()} here): a
scenario reserves 0.25 + nodes/8 cores, at least 1 when its net_ticktime is under 4 s, and
starts only when that fits (one that needs more than the budget runs alone); a scenario that
waits says for whom. With more than one at a time, each run's timeline goes to timeline.log in
its run directory (it always does), the output is one status line per running scenario, then
a table. --jobs 1: one after another, each timeline printed as it happens.

Horde is not part of netsplit: --horde-path (repeatable, or colon-separated; default: the
${HORDE_PATH_ENV} environment variable) gives every node the ebin directories of Horde and the
applications it needs (a mix _build/<env>/lib directory stands for all its */ebin). Without it,
Horde workloads and checks are reported as skipped, with the reason.

Exit codes: 0 all checks passed, 1 a check failed, 2 a check was unknown, 254 bad input.

Examples:
  netsplit run scenarios/majority-minority-split.yaml
  netsplit run scenarios/ --out /tmp/runs --seed 42
  netsplit run scenarios/ --jobs 2
  netsplit run my.yaml --reporter json | jq .verdict
  netsplit run scenarios/horde-split-many-keys.yaml --horde-path ~/horde_libs/_build/prod/lib
`;

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      runtime: { type: "string" },
      out: { type: "string" },
      seed: { type: "string" },
      reporter: { type: "string" },
      "horde-path": { type: "string", multiple: true },
      jobs: { type: "string", short: "j" },
      cpus: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(RUN_HELP);
    return EXIT.pass;
  }
  const runtime = values.runtime;
  if (runtime !== undefined && !isRuntimeName(runtime)) throw new UsageError("bad_flag", `--runtime must be ${RUNTIME_NAMES.join(" or ")}, got "${runtime}"`);
  const reporter = values.reporter ?? "human";
  if (reporter !== "human" && reporter !== "json") throw new UsageError("bad_flag", `--reporter must be human or json, got "${reporter}"`);
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!Number.isSafeInteger(seed)) throw new UsageError("bad_flag", `--seed must be an integer, got "${values.seed}"`);
  }
  let jobsFlag: number | "auto" = "auto";
  if (values.jobs !== undefined && values.jobs !== "auto") {
    jobsFlag = Number(values.jobs);
    if (!Number.isSafeInteger(jobsFlag) || jobsFlag < 1) throw new UsageError("bad_flag", `--jobs must be a positive integer or auto, got "${values.jobs}"`);
  }
  let cpus = defaultCpuBudget();
  if (values.cpus !== undefined) {
    cpus = Number(values.cpus);
    if (!Number.isFinite(cpus) || cpus <= 0) throw new UsageError("bad_flag", `--cpus must be a positive number of cores, got "${values.cpus}"`);
  }
  const hordeFlag = values["horde-path"];
  const extraCodePaths = hordeFlag && hordeFlag.length > 0 ? parseHordePath(hordeFlag) : hordePathFromEnv();
  const scenarios: Scenario[] = [];
  let invalid = 0;
  for (const file of scenarioFiles(positionals)) {
    const loaded = await loadScenarioFile(file);
    // the application under test: a missing _build or an unknown module is found before any boot
    const appIssues = loaded.ok ? preflightApp(loaded.scenario) : [];
    if (loaded.ok && appIssues.length === 0) scenarios.push(loaded.scenario);
    else if (loaded.ok) {
      invalid++;
      for (const issue of appIssues) io.err(`${formatIssue(issue)}\n`);
    } else {
      invalid++;
      for (const issue of loaded.errors) io.err(`${formatIssue(issue)}\n`);
    }
  }
  if (invalid > 0) {
    io.err(`netsplit: ${invalid} invalid scenario file(s); nothing was run.\n`);
    return EXIT.badInput;
  }
  const say = reporter === "human" ? (line: string) => io.out(`${line}\n`) : (line: string) => io.err(`${line}\n`);
  const jobs = effectiveJobs(jobsFlag, scenarios.map((s) => scenarioCost(s).cores), cpus);
  const runOptions = {
    ...(values.out ? { outDir: values.out } : {}),
    ...(runtime ? { runtime } : {}),
    ...(seed !== undefined ? { seed } : {}),
    extraCodePaths,
    cpus,
    jobs,
  };
  const t0 = performance.now();
  let display: JobsDisplay | undefined;
  if (jobs > 1) {
    // several at once: status lines instead of interleaved timelines (each in its timeline.log)
    const toStdout = reporter === "human";
    display = new JobsDisplay({ write: toStdout ? io.out : io.err, tty: toStdout && io.isTTY === true, columns: io.columns ?? 0 });
  }
  const { runs } = await runScenarios(scenarios, {
    ...runOptions,
    onEvent: (e) => {
      if (display) {
        if (e.type === "plan") say(formatPlan(scenarios.map((s) => s.name), e.jobs, e.budget, e.costs));
        if (e.type === "setup") say(e.line);
        display.onEvent(e);
      } else if (e.type === "progress") say(e.line);
      else if (e.type === "end" && reporter === "human") io.out("\n");
    },
  }).finally(() => display?.close());
  const verdicts = runs.map((r) => r.results.verdict);
  const all = runs.map(({ results, runDir }) => ({ ...results, run_dir: runDir }));
  if (reporter === "json") io.out(`${JSON.stringify(all.length === 1 ? all[0] : all, null, 2)}\n`);
  if (display && reporter === "human") io.out(`\n${formatTable(runs.map(tableRow), performance.now() - t0)}`);
  if (scenarios.length > 1) {
    const { md } = writeSummary(values.out ?? "runs", all.map((r) => ({ results: r, runDir: r.run_dir })));
    if (reporter === "human") io.out(`Summary: ${all.map((r) => `${r.scenario} ${r.verdict.toUpperCase()}`).join(", ")} (${md})\n`);
  }
  const worst = worstVerdict(verdicts);
  if (worst === "fail") return EXIT.fail;
  if (worst === "unknown") return EXIT.unknown;
  return EXIT.pass;
}
