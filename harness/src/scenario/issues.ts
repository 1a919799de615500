/**
 * A problem found in a scenario, in the shape every consumer prints: `file:line:column: message`,
 * the source line with a caret under the offending text, and a hint that says how to fix it.
 */

export type IssuePath = readonly (string | number)[];

export interface ScenarioIssue {
  /** Stable string a program can switch on: yaml_syntax, unknown_key, bad_type, missing_key, ... */
  readonly code: string;
  readonly message: string;
  readonly file: string;
  /** 1-based; 0 when the scenario came from a JS object (then `path` locates the problem). */
  readonly line: number;
  /** 1-based, in UTF-16 code units; 0 when there is no source text. */
  readonly column: number;
  readonly path: IssuePath;
  readonly hint?: string;
  /** The source line and a caret line under it, or "" without source text. */
  readonly excerpt: string;
}

/** What validators produce before positions are known. `target: "key"` points at a map key. */
export interface RawIssue {
  readonly code: string;
  readonly message: string;
  readonly path: IssuePath;
  readonly hint?: string;
  readonly target?: "key" | "value";
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `steps[2].partition.groups[0]`, `checks[0]["cluster.mesh"].within`; "" for the top level. */
export function displayPath(path: IssuePath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** The human-readable form: `file:line:column: message`, excerpt, hint (each indented by two). */
export function formatIssue(issue: ScenarioIssue): string {
  const where = issue.line > 0
    ? `${issue.file}:${issue.line}:${issue.column}`
    : issue.path.length > 0 ? `${issue.file}: at ${displayPath(issue.path)}` : issue.file;
  const lines = [`${where}: ${issue.message}`];
  if (issue.excerpt !== "") lines.push(...issue.excerpt.split("\n").map((l) => `  ${l}`));
  if (issue.hint !== undefined) lines.push(`  hint: ${issue.hint}`);
  return lines.join("\n");
}

/** Sorts by position (then path), keeping the original order for ties. */
export function sortIssues(issues: readonly ScenarioIssue[]): ScenarioIssue[] {
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => a.issue.line - b.issue.line || a.issue.column - b.issue.column || a.index - b.index)
    .map(({ issue }) => issue);
}
