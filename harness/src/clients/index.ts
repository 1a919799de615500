/**
 * Clients and operation histories (issue 15): the public surface. `startClients` runs
 * `workload.clients` against the application under test and streams the history to ops.jsonl;
 * `readOps` reads it back; the `check*` functions judge a history (pure: same ops, same verdict
 * and sentence); `finalRead` is the retried final read phase of history.set / exactly_once.
 */
export type { Binding, ClientCall, ClientOpSpec, ClientSpec, ClientsWorkload, FaultWindow, HistoryVerdict, Op, OpType, Pace, ValueSpec } from "./types.js";
export { startClients, type ClientDeps, type ClientsSummary, type StartedClients } from "./runner.js";
export { OpLog, readOps, toLine, fromLine, type OpSummary, type OpLogOptions } from "./history.js";
export { classifyReply, classifyError, type Completion } from "./classify.js";
export { bindNodes, callArgs, valueText } from "./values.js";
export { nextStartMs } from "./schedule.js";
export { checkSet, type SetOptions } from "./checkers/set.js";
export { checkCounter, type CounterOptions } from "./checkers/counter.js";
export { checkUniqueIds, type UniqueIdsOptions } from "./checkers/unique-ids.js";
export { checkAvailability, quantile, type AvailabilityOptions, type WindowFigures } from "./checkers/availability.js";
export { checkExactlyOnce, type ExactlyOnceOptions } from "./checkers/exactly-once.js";
export { finalRead, type FinalReadOptions, type FinalReadResult } from "./checkers/final-read.js";
export { readOnceVia, type ReadSpec } from "./read-once.js";
export { runHistoryCheck, HISTORY_CHECK_NAMES, type HistoryCheck, type HistoryCheckInputs, type HistoryCheckResult } from "./checks.js";
export { clientsFromYaml, historyCheckFromYaml, CLIENT_DEFAULTS } from "./yaml.js";
export { checkSafely } from "./checkers/safely.js";
