/**
 * `netsplit report RUN_DIR...`: rebuilds results.json, report.md, junit.xml and report.html of
 * each run from its stored history alone. A run that never finished (crashed, killed) gets a
 * partial report that says so. Exit 0 when every report was written, 254 when a directory is
 * missing or holds no readable history.
 */
import { parseArgs } from "node:util";
import path from "node:path";
import { UsageError } from "../errors.js";
import { readRun, resolveRunDir, writeReportsFrom } from "../report/index.js";
import { EXIT, type CliIo } from "./io.js";

export const REPORT_HELP = `Usage: netsplit report RUN_DIR...

Rebuilds every report of a run from its stored history (history.msgpack) and scenario file:
results.json, report.md, junit.xml and report.html. Works on a run that crashed or was killed:
its report is marked PARTIAL and says how far the run got.

RUN_DIR is a run directory (runs/<scenario>/<start-time>), its \`latest\` link, or the
scenario directory holding \`latest\`.

Exit codes: 0 reports written, 254 a directory is missing or holds no readable history.

Examples:
  netsplit report runs/majority-minority-split/latest
  netsplit report runs/majority-minority-split
`;

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  if (values.help) {
    io.out(REPORT_HELP);
    return EXIT.pass;
  }
  if (positionals.length === 0) throw new UsageError("no_run_dir", "name a run directory, e.g. `netsplit report runs/majority-minority-split/latest`");
  const dirs = positionals.map(resolveRunDir);
  for (const dir of dirs) {
    const { results } = writeReportsFrom(dir, readRun(dir));
    const failed = results.checks.filter((c) => c.verdict !== "pass" && c.verdict !== "skipped").length;
    io.out(`${results.scenario}: ${results.verdict.toUpperCase()}${results.partial ? " (PARTIAL)" : ""}, ${results.checks.length} checks${failed ? `, ${failed} not passed` : ""} -> ${path.join(dir, "report.html")}\n`);
    if (results.partial) io.out(`  PARTIAL: ${results.partial_reason}\n`);
  }
  return EXIT.pass;
}
