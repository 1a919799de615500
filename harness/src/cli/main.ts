/**
 * The netsplit command line. `runCli(argv, io)` returns the exit code instead of exiting, so
 * every command is tested by calling a function. Exit codes: see EXIT in io.ts.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { NetsplitError, PrerequisiteError, ScenarioError, UsageError } from "../errors.js";
import { REPO_ROOT } from "../util/paths.js";
import { nearest } from "../scenario/suggest.js";
import { EXIT, type CliIo } from "./io.js";
import { checkCommand } from "./check.js";
import { initCommand } from "./init.js";
import { reportCommand } from "./report.js";
import { runCommand } from "./run.js";
import { upCommand } from "./up.js";

/** True once SIGINT/SIGTERM arrived: the reaper is cleaning up and exits by itself when done. */
export { wasInterrupted } from "../runtime/reaper.js";

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { summary: string; run: Command }> = {
  init: { summary: "write a commented starter scenario to edit", run: initCommand },
  run: { summary: "run scenario files and write their reports", run: runCommand },
  check: { summary: "validate scenario files without running them", run: checkCommand },
  up: { summary: "start a cluster behind Toxiproxy to explore by hand", run: upCommand },
  report: { summary: "rebuild a run's reports from its stored history", run: reportCommand },
  images: { summary: "build or pull the docker runtime's images", run: async (argv, io) => (await import("./images.js")).imagesCommand(argv, io) },
};

export const HELP = () => `netsplit: chaos and partition testing for Erlang/Elixir clusters

Usage: netsplit <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`).join("\n")}

Run \`netsplit <command> --help\` for a command's options and examples.
Exit codes: 0 all checks passed, 1 a check failed, 2 unknown, 254 bad input, 255 internal error.

Examples:
  netsplit init my-split.yaml                 # a starter scenario, every key commented
  netsplit check my-split.yaml                # validate: file:line:column, with hints
  netsplit run my-split.yaml                  # run it; the report is in runs/my-split/latest/
  netsplit run scenarios/ --reporter json     # every scenario; results as JSON on stdout
  netsplit up --nodes 3                       # a cluster behind Toxiproxy, to explore by hand
`;

/** `; did you mean "x"?` when `input` is near one of `candidates`, else "". */
function didYouMean(input: string, candidates: readonly string[], quote = '"'): string {
  const guess = nearest(input, candidates);
  return guess === undefined ? "" : `; did you mean ${quote}${guess}${quote}?`;
}

/** The flags a command's --help mentions, for suggestions. */
async function commandFlags(command: Command): Promise<string[]> {
  let help = "";
  await command(["--help"], { out: (s) => (help += s), err: () => undefined }).catch(() => undefined);
  return [...new Set([...(help.match(/--[a-z][a-z-]*/g) ?? []), "--help"])];
}

/** `Unknown option '--reportr' for `netsplit run`; did you mean '--reporter'? See --help.` */
async function unknownOption(err: Error, name: string, command: Command, io: CliIo): Promise<number> {
  const option = /Unknown option '([^']+)'/.exec(err.message)?.[1] ?? "";
  const flags = await commandFlags(command);
  const hint = didYouMean(option, flags, "'") || `; its options: ${flags.join(", ")}.`;
  io.err(`netsplit: Unknown option '${option}' for \`netsplit ${name}\`${hint} See --help.\n`);
  return EXIT.badInput;
}

function version(): string {
  return (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(HELP());
    return name === undefined ? EXIT.badInput : EXIT.pass;
  }
  if (name === "--version" || name === "version") {
    io.out(`netsplit ${version()}\n`);
    return EXIT.pass;
  }
  const command = COMMANDS[name];
  if (!command) {
    const hint = didYouMean(name, [...Object.keys(COMMANDS), "help", "--help", "--version"]);
    io.err(`netsplit: unknown command "${name}"${hint || "."} Commands: ${Object.keys(COMMANDS).join(", ")}. See \`netsplit --help\`.\n`);
    return EXIT.badInput;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if ((err as { code?: unknown }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return unknownOption(err as Error, name, command.run, io);
    return reportError(err, io);
  }
}

export function reportError(err: unknown, io: CliIo): number {
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
    io.err(`netsplit: ${(err as Error).message}. See --help.\n`);
    return EXIT.badInput;
  }
  if (err instanceof UsageError || err instanceof ScenarioError) {
    io.err(`netsplit: ${err.message}\n`);
    return EXIT.badInput;
  }
  if (err instanceof PrerequisiteError) {
    io.err(`netsplit: ${err.message}\n`);
    return EXIT.internal;
  }
  if (err instanceof NetsplitError) {
    io.err(`netsplit: ${err.message} [${err.code}]\n`);
    return EXIT.internal;
  }
  io.err(`netsplit: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return EXIT.internal;
}
