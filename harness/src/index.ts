/**
 * netsplit as a library: everything `import { ... } from "netsplit"` gives. Two ways in:
 *
 *   by hand     startLocalCluster({ nodes: 3 }) ──▶ StartedCluster (AsyncDisposable)
 *                 cluster.faults.partition(isolateGrudge(cluster.names, "n3"), "reset"),
 *                 cluster.faults.heal(), cluster.kill("n2"), cluster.waitForMesh(10_000), ...
 *
 *   scenarios   runScenario("my.yaml" | { netsplit: 1, cluster: ..., steps: ..., checks: ... })
 *                 ──▶ { results, runDir, reports } (results.json's data and the report paths)
 *
 * This file is the whole public surface: anything not exported here is internal and may change
 * in any version. Errors are NetsplitError subclasses with a string `code`.
 */
import path from "node:path";
import { runScenario as runLoadedScenario, type RunOptions, type RunOutcome } from "./runner/run.js";
import { runScenarios as runLoadedScenarios, type RunScenariosOptions, type ScenariosOutcome } from "./runner/jobs.js";
import { loadScenarioFile, loadScenarioText, normalizeScenarioObject, unwrapScenario } from "./scenario/load.js";
import type { Scenario } from "./scenario/model.js";
import type { ScenarioFile } from "./scenario/schema.js";

// ── the cluster ────────────────────────────────────────────────────────────────────────────
export {
  StartedCluster, DEFAULT_KERNEL,
  type AnyClusterOptions, type ClusterEvent, type ClusterNode, type ClusterOptions, type NodeState,
} from "./runtime/cluster.js";
export { startCluster, type RuntimeName } from "./runtime/registry.js";
export { startLocalCluster } from "./runtime/local.js";
export type { KernelFlags } from "./runtime/node-process.js";
export type { AgentClient, AgentEvent, HelloInfo } from "./agent/client.js";
export type { StartedToxiproxyServer } from "./toxiproxy/server.js";

// ── faults: partitions are grudges (node -> the nodes it cannot reach), built by pure functions
export {
  bridgeGrudge, components, explicitGrudge, groupsGrudge, halvesGrudge, isolateGrudge, isSymmetric,
  majoritiesRingGrudge, symmetric, type Grudge,
} from "./faults/grudge.js";
export { parseLinks, proxyName, type Pair } from "./faults/links.js";
export type { AppliedFault, CutMode, LinkFaults } from "./faults/link-faults.js";

// ── scenarios ──────────────────────────────────────────────────────────────────────────────
export { InvalidScenarioError, loadScenarioFile, loadScenarioText, normalizeScenarioObject, unwrapScenario, type LoadResult } from "./scenario/load.js";
export { formatIssue, type ScenarioIssue } from "./scenario/issues.js";
export type { Check, Scenario, Step } from "./scenario/model.js";
export type { ScenarioFile } from "./scenario/schema.js";

// ── checks and results ─────────────────────────────────────────────────────────────────────
export { overallVerdict, type CheckResult, type Verdict } from "./checks/index.js";
export type { CheckOutcome, RunResults, RunVerdict, Timings } from "./report/results.js";
export type { RunOptions, RunOutcome } from "./runner/run.js";
export { jobCost, type Job, type JobCost, type JobEvent, type RunScenariosOptions, type ScenariosOutcome } from "./runner/jobs.js";

// ── reports and the run store ──────────────────────────────────────────────────────────────
export { readRun, resolveRunDir, writeReportsFrom, writeSummary, type RunRecord, type Summary, type SummaryRun } from "./report/index.js";

// ── errors ─────────────────────────────────────────────────────────────────────────────────
export { AgentError, NetsplitError, PrerequisiteError, ProcessError, ScenarioError, ToxiproxyApiError, UsageError } from "./errors.js";

// ── the command line, for embedding ────────────────────────────────────────────────────────
export { runCli } from "./cli/main.js";
export { EXIT, type CliIo } from "./cli/io.js";

/**
 * What `loadScenario` and `runScenario` take: a file path, a plain object shaped like a scenario
 * file (validated with the same rules as a file; `defineScenario` types it), or a loaded `Scenario`.
 */
export type ScenarioInput = string | Scenario | ScenarioFile | Readonly<Record<string, unknown>>;

export interface LoadScenarioOptions {
  /** For a plain object: the name its issues are labelled with, and the scenario's name when it has none. Default "scenario". */
  name: string;
}

/** Where a run's files are, as absolute paths. */
export interface ReportFiles {
  readonly dir: string;
  readonly html: string;
  readonly markdown: string;
  readonly junit: string;
  readonly results: string;
  readonly history: string;
  readonly logs: string;
}

export interface ScenarioRun extends RunOutcome {
  readonly reports: ReportFiles;
}

/**
 * Types a scenario written as a TypeScript object (editor completion, errors at compile time).
 * Returns it unchanged; `runScenario` validates it with the same rules as a file.
 */
export function defineScenario(scenario: ScenarioFile): ScenarioFile {
  return scenario;
}

function isLoaded(input: Exclude<ScenarioInput, string>): input is Scenario {
  return "version" in input && "source" in input && !("netsplit" in input);
}

/**
 * Loads and validates a scenario from a file path or a plain object (a loaded `Scenario` is
 * returned as is). Throws InvalidScenarioError listing every problem (`issues`), each with its
 * position (files) or JSON path (objects) and a hint such as "did you mean `interval_ms`?".
 */
export async function loadScenario(input: ScenarioInput, options: Partial<LoadScenarioOptions> = {}): Promise<Scenario> {
  if (typeof input === "string") return unwrapScenario(await loadScenarioFile(input));
  if (isLoaded(input)) return input;
  return unwrapScenario(normalizeScenarioObject(input, options.name));
}

/** Loads scenario YAML given as text; `fileName` labels the issues and gives the default name. Throws InvalidScenarioError. */
export function parseScenario(yamlText: string, fileName = "scenario.yaml"): Scenario {
  return unwrapScenario(loadScenarioText(yamlText, fileName));
}

/** The files of a run directory (`runs/<scenario>/<start-time>`), as absolute paths. */
export function reportFiles(runDir: string): ReportFiles {
  const dir = path.resolve(runDir);
  return {
    dir,
    html: path.join(dir, "report.html"),
    markdown: path.join(dir, "report.md"),
    junit: path.join(dir, "junit.xml"),
    results: path.join(dir, "results.json"),
    history: path.join(dir, "history.msgpack"),
    logs: path.join(dir, "logs"),
  };
}

/**
 * Runs a scenario end to end, like `netsplit run`: boots the cluster, runs the workload and the
 * steps, heals, runs the checks, writes the run directory and stops every node whatever happens.
 * Resolves with the results (never rejects because a check failed: look at `results.verdict`);
 * rejects with InvalidScenarioError for an invalid scenario, before anything starts.
 *
 * Options: `outDir` (default "runs"), `seed` and `runtime` (override the scenario's), `progress`
 * (one line per event, default none), `name` (for a plain object, see LoadScenarioOptions).
 */
export async function runScenario(input: ScenarioInput, options: Partial<RunOptions & LoadScenarioOptions> = {}): Promise<ScenarioRun> {
  const { name, ...runOptions } = options;
  const scenario = await loadScenario(input, name === undefined ? {} : { name });
  const outcome = await runLoadedScenario(scenario, runOptions);
  return { ...outcome, reports: reportFiles(outcome.runDir) };
}

/**
 * Runs several scenarios, like `netsplit run A B C --jobs N`: every input is loaded and validated
 * first (an invalid one rejects with InvalidScenarioError before anything starts), then they run
 * up to `jobs` at a time (default "auto") within a CPU budget of `cpus` cores (default
 * os.availableParallelism()), each with its own Toxiproxy, ports, cookie, secret and run
 * directory, and each run's progress lines in its `timeline.log`. `onEvent` sees every
 * scheduling decision ("waiting", with the reason), every progress line and every end.
 * Resolves with the outcomes in the input order and the worst verdict (fail > unknown > pass).
 */
export async function runScenarios(inputs: readonly ScenarioInput[], options: Partial<RunScenariosOptions> = {}): Promise<ScenariosOutcome & { runs: ScenarioRun[] }> {
  const scenarios = await Promise.all(inputs.map((input, i) => loadScenario(input, { name: `scenario-${i + 1}` })));
  const outcome = await runLoadedScenarios(scenarios, options);
  return { ...outcome, runs: outcome.runs.map((r) => ({ ...r, reports: reportFiles(r.runDir) })) };
}
