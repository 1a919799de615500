/**
 * Scenario files: the schema (one source of truth for types, the editor JSON Schema and
 * validation), the loader that reports every problem with its position, and the normalised
 * model the runner consumes.
 */
export { CALL_RULE, parseCall, type CallResult, type ParsedCall } from "./call.js";
export { checkFiles } from "./check-cli.js";
export { formatDuration, parseDuration, type DurationResult } from "./durations.js";
export { displayPath, formatIssue, type IssuePath, type ScenarioIssue } from "./issues.js";
export {
  defaultScenarioName, InvalidScenarioError, loadScenarioFile, loadScenarioText, normalizeScenarioObject,
  unwrapScenario, type LoadResult,
} from "./load.js";
export type * from "./model.js";
export {
  malformedPlaceholders, placeholdersIn, portNamesIn, renderTemplate, type Placeholder, type PlaceholderValues,
} from "./placeholders.js";
export { ScenarioFileSchema, type ScenarioFile } from "./schema.js";
