/**
 * `netsplit check FILE...`: validates scenario files without running them. Prints every issue
 * of every file (`file:line:column: message`, excerpt, hint) and `ok FILE` for valid ones.
 */
import { formatIssue } from "./issues.js";
import { loadScenarioFile } from "./load.js";

/**
 * Checks each file in order; `out` receives one block per call (no trailing newline).
 * Returns how many files have errors (0: all valid).
 */
export async function checkFiles(paths: readonly string[], out: (s: string) => void): Promise<number> {
  let failed = 0;
  for (const path of paths) {
    const result = await loadScenarioFile(path);
    if (result.ok) {
      out(`ok ${path}`);
      continue;
    }
    failed += 1;
    for (const issue of result.errors) out(formatIssue(issue));
  }
  return failed;
}
