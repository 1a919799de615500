/**
 * Loading scenarios: YAML text (or a plain JS object) in, a normalised `Scenario` or EVERY issue
 * out. The pipeline: yaml's parser (syntax errors, duplicate keys) -> the schema walker
 * (validate.ts) -> the cross-field rules (semantic.ts) -> positions for each issue's path
 * (positions.ts) -> the model (normalize.ts), built only when nothing was wrong.
 * Syntax errors stop the pipeline (a broken tree would only produce misleading follow-ups);
 * duplicate keys do not.
 */
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { isScalar, LineCounter, parseDocument, stringify, visit, type Document, type YAMLError } from "yaml";
import { ScenarioError } from "../errors.js";
import { hasOwn, isPlainObject, showValue } from "./describe.js";
import { displayPath, formatIssue, sortIssues, type IssuePath, type RawIssue, type ScenarioIssue } from "./issues.js";
import type { Scenario } from "./model.js";
import { buildScenario, expandNodes } from "./normalize.js";
import { documentLocator, pathOnlyLocator, positionAt, type Locator } from "./positions.js";
import { MAX_NODES, MIN_NODES, NODE_NAME_PATTERN, SCENARIO_NAME_PATTERN, SCENARIO_NAME_RULE, ScenarioFileSchema, type ScenarioFile } from "./schema.js";
import { checkSemantics } from "./semantic.js";
import { validateValue } from "./validate.js";
import { fixName } from "./validate-hints.js";

export type LoadResult =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly errors: readonly ScenarioIssue[] };

/** Thrown by `unwrapScenario`: the scenario is invalid; `issues` holds every problem. */
export class InvalidScenarioError extends ScenarioError {
  readonly issues: readonly ScenarioIssue[];
  constructor(issues: readonly ScenarioIssue[]) {
    super("invalid_scenario", issues.map(formatIssue).join("\n"));
    this.issues = issues;
  }
}

/** The scenario of a successful load; throws InvalidScenarioError with every issue otherwise. */
export function unwrapScenario(result: LoadResult): Scenario {
  if (result.ok) return result.scenario;
  throw new InvalidScenarioError(result.errors);
}

const YAML_HINTS: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: "indent with spaces, not tabs",
  BAD_INDENT: "check the indentation of this line against the lines above",
  MULTIPLE_DOCS: "a scenario file holds one YAML document: remove the `---` line",
  MISSING_CHAR: "something is missing here: a `:` after a key, a closing bracket or a quote",
};

/** At most this many YAML syntax errors are shown; later ones are mostly follow-ups. */
const MAX_SYNTAX_ISSUES = 20;

/** The first syntax error of each line (the others on a line are follow-ups), at most 20. */
function syntaxIssues(issues: readonly ScenarioIssue[]): ScenarioIssue[] {
  const lines = new Set<number>();
  const firstPerLine = sortIssues(issues).filter((i) => (lines.has(i.line) ? false : (lines.add(i.line), true)));
  if (firstPerLine.length <= MAX_SYNTAX_ISSUES) return firstPerLine;
  const shown = firstPerLine.slice(0, MAX_SYNTAX_ISSUES);
  const next = firstPerLine[MAX_SYNTAX_ISSUES] as ScenarioIssue;
  const more = firstPerLine.length - MAX_SYNTAX_ISSUES;
  return [...shown, { ...next, message: `${more} more lines have syntax errors, starting here (they often go away once the first ones are fixed)` }];
}

function sentence(text: string): string {
  return /^[A-Z](?![A-Z])/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/** The offset of the first key equal to the duplicate key that starts at `offset`. */
function firstOccurrence(doc: Document, offset: number): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Map<unknown, number>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        const start = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
        if (start === undefined) continue;
        if (start === offset && seen.has(key)) found = seen.get(key);
        if (!seen.has(key)) seen.set(key, start);
      }
    },
  });
  return found;
}

function yamlIssue(error: YAMLError, doc: Document, text: string, counter: LineCounter, file: string): ScenarioIssue {
  const [start, end] = error.pos;
  const position = positionAt(text, counter, start, end);
  if (error.code === "DUPLICATE_KEY") {
    const key = /^(?:"[^"]*"|'[^']*'|[^:,{}[\]\s]+)/.exec(text.slice(start))?.[0] ?? text.slice(start, end);
    const first = firstOccurrence(doc, start);
    const earlier = first === undefined ? "" : ` (first on line ${counter.linePos(first).line})`;
    return { code: "duplicate_key", message: `duplicate key \`${key}\`${earlier}: a key may appear once in a map`, file, path: [],
      hint: "remove one of the two, or merge them", ...positionAt(text, counter, start, start + key.length) };
  }
  if (error.code === "MULTIPLE_DOCS") {
    return { code: "yaml_syntax", message: "a second YAML document starts here", file, path: [], hint: YAML_HINTS["MULTIPLE_DOCS"], ...position };
  }
  const hint = YAML_HINTS[error.code];
  return { code: "yaml_syntax", message: sentence(error.message.split("\n")[0] ?? error.message), file, path: [],
    ...(hint === undefined ? {} : { hint }), ...position };
}

/** The nodes `cluster.nodes` names, if it is valid; reference checks are skipped otherwise. */
function declaredNodes(raw: unknown): readonly string[] | undefined {
  const cluster = isPlainObject(raw) ? raw["cluster"] : undefined;
  const nodes = isPlainObject(cluster) ? cluster["nodes"] : undefined;
  if (typeof nodes === "number") return Number.isInteger(nodes) && nodes >= MIN_NODES && nodes <= MAX_NODES ? expandNodes(nodes) : undefined;
  if (!Array.isArray(nodes) || nodes.length < MIN_NODES || nodes.length > MAX_NODES) return undefined;
  const pattern = new RegExp(NODE_NAME_PATTERN);
  if (!nodes.every((n) => typeof n === "string" && pattern.test(n))) return undefined;
  return new Set(nodes).size === nodes.length ? (nodes as string[]) : undefined;
}

function nameRule(raw: unknown, defaultName: string): RawIssue[] {
  if (!isPlainObject(raw) || hasOwn(raw, "name") || new RegExp(SCENARIO_NAME_PATTERN).test(defaultName)) return [];
  const fixed = fixName(defaultName, SCENARIO_NAME_PATTERN) ?? "my-scenario";
  return [{ code: "bad_name", path: [], hint: `add \`name: ${fixed}\``,
    message: `the scenario has no \`name\`, and its default, the file name ${showValue(defaultName)}, is not a safe name: ${SCENARIO_NAME_RULE}` }];
}

function validateAndBuild(
  raw: unknown, source: { file: string; text: string }, defaultName: string, locator: Locator, earlier: ScenarioIssue[], baseDir: string,
): LoadResult {
  const { file } = source;
  const toIssue = (r: RawIssue): ScenarioIssue => ({
    code: r.code, message: r.message, file, path: r.path, ...(r.hint === undefined ? {} : { hint: r.hint }),
    ...locator.locate(r.path, r.target),
  });
  const raws: RawIssue[] = raw === null || raw === undefined
    ? [{ code: "bad_type", message: "the file holds no scenario (it is empty)", path: [], hint: "start with `netsplit: 1` and a `cluster:` map" }]
    : (() => {
        const nodes = declaredNodes(raw);
        return [...validateValue(ScenarioFileSchema, raw, { nodes }), ...checkSemantics(raw, nodes), ...nameRule(raw, defaultName)];
      })();
  const issues = [...earlier, ...raws.map(toIssue)];
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = `${i.code}|${i.line}|${i.column}|${displayPath(i.path)}|${i.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  if (unique.length > 0) return { ok: false, errors: sortIssues(unique) };
  const at = (path: IssuePath, target?: "key" | "value") => {
    const { line, column } = locator.locate(path, target);
    return { file, line, column, path: displayPath(path) };
  };
  return { ok: true, scenario: buildScenario(raw as ScenarioFile, { defaultName, source, at, baseDir }) };
}

function internalIssue(error: unknown, file: string, line: number): LoadResult {
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, errors: [{ code: "internal", message: `netsplit failed to read this scenario: ${message}`, file, line, column: line, path: [], excerpt: "" }] };
}

/** The scenario name a file gives by default: its base name without the extension. */
export function defaultScenarioName(fileName: string): string {
  const base = basename(fileName);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * Parses, validates and normalises scenario YAML. Never throws: problems come back as issues.
 * Relative paths in the scenario (cluster.app) are relative to `fileName`'s directory.
 */
export function loadScenarioText(text: string, fileName: string): LoadResult {
  try {
    const counter = new LineCounter();
    const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true, logLevel: "error" });
    const issues = doc.errors.map((e) => yamlIssue(e, doc, text, counter, fileName));
    if (doc.errors.some((e) => e.code !== "DUPLICATE_KEY")) return { ok: false, errors: syntaxIssues(issues) };
    let raw: unknown;
    try {
      raw = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, errors: [{ code: "yaml_syntax", message: sentence(message), file: fileName, path: [], ...positionAt(text, counter, 0) }] };
    }
    const source = { file: fileName, text };
    const baseDir = dirname(resolve(fileName));
    return validateAndBuild(raw, source, defaultScenarioName(fileName), documentLocator(doc, text, counter), issues, baseDir);
  } catch (error) {
    return internalIssue(error, fileName, 1);
  }
}

/** Reads and loads a scenario file. An unreadable file is an issue with code `file_unreadable`. */
export async function loadScenarioFile(path: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [{ code: "file_unreadable", message: `cannot read the file: ${message}`, file: path, line: 0, column: 0, path: [], excerpt: "" }] };
  }
  return loadScenarioText(text, path);
}

class CycleError extends Error {
  constructor(readonly path: IssuePath) {
    super("cycle");
  }
}

/** Drops `undefined` properties (as JSON does), so `{ seed: undefined }` means "no seed". */
function withoutUndefined(value: unknown, path: IssuePath = [], ancestors: object[] = []): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (ancestors.includes(value)) throw new CycleError(path);
  const inner = [...ancestors, value];
  if (Array.isArray(value)) return value.map((v, i) => withoutUndefined(v, [...path, i], inner));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (child !== undefined) out[key] = withoutUndefined(child, [...path, key], inner);
  }
  return out;
}

/**
 * Validates and normalises a scenario given as a plain JS object (same rules as files). Issues
 * carry the JSON path instead of a position (line and column 0). `name` labels the issues and is
 * the scenario's default name (default: "scenario").
 */
export function normalizeScenarioObject(obj: unknown, name?: string): LoadResult {
  const file = name ?? "scenario";
  try {
    const raw = withoutUndefined(obj);
    let text = "";
    try {
      text = stringify(raw);
    } catch {
      text = "";
    }
    return validateAndBuild(raw, { file, text }, file, pathOnlyLocator, [], process.cwd());
  } catch (error) {
    if (!(error instanceof CycleError)) return internalIssue(error, file, 0);
    return { ok: false, errors: [{ code: "bad_type", message: "the value contains itself (a cycle)", file, line: 0, column: 0, path: error.path, excerpt: "" }] };
  }
}
