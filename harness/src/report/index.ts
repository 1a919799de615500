/**
 * Reports: what a run leaves besides its history, and how it is rebuilt.
 *
 *   history.msgpack + scenario.yaml ──▶ RunRecord ──▶ results (results.json, junit.xml)
 *                                                 └─▶ report model ──▶ report.html, report.md
 *
 * Everything is derived from the history alone (`netsplit report RUN_DIR` rebuilds it all);
 * `startRecorders` adds, during a run, the samples only a live cluster can give (Toxiproxy
 * counters around faults, :pg membership over time).
 */
export { buildReportModel, type ReportModel, type CheckMarker, type KeyTiming } from "./model.js";
export { buildResults, NETSPLIT_VERSION, type RunResults, type CheckOutcome, type Timings, type RunVerdict } from "./results.js";
export { renderHtml } from "./html.js";
export { renderMarkdown } from "./markdown.js";
export { renderJunit } from "./junit.js";
export { readRun, resolveRunDir, writeReports, writeReportsFrom, HISTORY_FILE } from "./store.js";
export { writeSummary, buildSummary, renderSummaryMarkdown, type Summary, type SummaryRun } from "./summary.js";
export { startRecorders, type Recorders } from "./recorders.js";
export { scenarioInfo, type RunRecord, type ScenarioInfo } from "./record.js";
export { parseProxyCounters } from "./metrics.js";
