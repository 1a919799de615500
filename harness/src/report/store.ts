/**
 * The run store: `<out>/<scenario>/<start-time>/` holds scenario.yaml, history.msgpack (written
 * as the run happens), logs/ and the reports derived from them: results.json, report.md,
 * junit.xml, report.html. `writeReports` (re)derives every report from the history alone.
 */
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { History, HISTORY_VERSION, type ReadHistory } from "../run/history.js";
import { renderHtml } from "./html.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { buildReportModel, type ReportModel } from "./model.js";
import { first, scenarioInfo, str, type HistoryEntry, type RunRecord, type ScenarioInfo } from "./record.js";
import { buildResults, type RunResults } from "./results.js";

export const HISTORY_FILE = "history.msgpack";

/** A run directory, a `latest` link, or a scenario directory holding `latest`. */
export function resolveRunDir(dir: string): string {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new UsageError("no_run_dir", `no such run directory: ${dir}`);
  }
  if (!st.isDirectory()) throw new UsageError("no_run_dir", `${dir} is not a directory: give a run directory such as runs/<scenario>/<start-time>`);
  if (existsSync(path.join(dir, HISTORY_FILE))) return dir;
  const latest = path.join(dir, "latest");
  if (existsSync(path.join(latest, HISTORY_FILE))) return latest;
  throw new UsageError("no_history", `${dir} holds no ${HISTORY_FILE}, so it is not a netsplit run directory (expected runs/<scenario>/<start-time>/${HISTORY_FILE})`);
}

function readScenario(dir: string, entries: readonly HistoryEntry[]): ScenarioInfo | null {
  try {
    const text = readFileSync(path.join(dir, "scenario.yaml"), "utf8");
    return scenarioInfo(text, str(first(entries, "run_start")?.file) ?? "scenario.yaml");
  } catch {
    return null;
  }
}

/** Reads a run's history and scenario. Throws UsageError when the directory has no readable history. */
export function readRun(dir: string): RunRecord {
  const file = path.join(dir, HISTORY_FILE);
  let read: ReadHistory;
  try {
    read = History.read(file);
  } catch (err) {
    throw new UsageError("history_unreadable", `cannot read ${file}: ${(err as Error).message}`);
  }
  if (read.entries.length === 0 || !first(read.entries, "run_start")) {
    throw new UsageError("history_unreadable", `${file} holds no run (${read.entries.length} entries, no run_start): it is empty or not a netsplit history`);
  }
  if (read.version > HISTORY_VERSION) {
    throw new UsageError("history_too_new", `${file} is in history format ${read.version}, written by a newer netsplit; this one reads formats 1..${HISTORY_VERSION}`);
  }
  return { entries: read.entries, truncated: read.truncated, scenario: readScenario(dir, read.entries) };
}

function runFiles(dir: string): string[] {
  const top = ["report.md", "results.json", "junit.xml", "scenario.yaml", HISTORY_FILE, "report.png"].filter((f) => f === "report.md" || f === "results.json" || f === "junit.xml" || existsSync(path.join(dir, f)));
  let logs: string[] = [];
  try {
    logs = readdirSync(path.join(dir, "logs")).sort().map((f) => `logs/${f}`);
  } catch {
    // no logs
  }
  return [...top, ...logs];
}

export interface WrittenReports {
  results: RunResults;
  model: ReportModel;
}

/**
 * Writes results.json, report.md, junit.xml and report.html into `dir`, derived from the
 * history (the given entries, else the history file) and the scenario file.
 */
export function writeReports(dir: string, entries?: readonly HistoryEntry[]): RunResults {
  return writeReportsFrom(dir, entries ? { entries, truncated: false, scenario: readScenario(dir, entries) } : readRun(dir)).results;
}

export function writeReportsFrom(dir: string, record: RunRecord): WrittenReports {
  const results = buildResults(record);
  const model = buildReportModel(record, results);
  writeAtomically(path.join(dir, "results.json"), JSON.stringify(results, null, 2) + "\n");
  writeAtomically(path.join(dir, "report.md"), renderMarkdown(model));
  writeAtomically(path.join(dir, "junit.xml"), renderJunit(results));
  writeAtomically(path.join(dir, "report.html"), renderHtml(model, { files: runFiles(dir) }));
  return { results, model };
}

/** A report is whole or absent, never half-written, whenever the writer is killed. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
