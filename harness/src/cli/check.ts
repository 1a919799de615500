/** `netsplit check FILE...`: validates scenario files only; exit 254 when any is invalid. */
import { parseArgs } from "node:util";
import { checkFiles } from "../scenario/check-cli.js";
import { scenarioFiles } from "./files.js";
import { EXIT, type CliIo } from "./io.js";

export const CHECK_HELP = `Usage: netsplit check FILE|DIR...

Validates scenario files without running anything. Every problem is printed as
file:line:column: message, with the offending line and a hint.

Examples:
  netsplit check scenarios/
  netsplit check my-split.yaml
`;

export async function checkCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  if (values.help) {
    io.out(CHECK_HELP);
    return EXIT.pass;
  }
  const bad = await checkFiles(scenarioFiles(positionals), (s) => io.out(`${s}\n`));
  return bad === 0 ? EXIT.pass : EXIT.badInput;
}
