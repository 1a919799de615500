/**
 * `netsplit init [FILE]`: writes a commented starter scenario (default my-split.yaml) that passes
 * `netsplit check` and runs in about ten seconds, then prints the next two commands. Its first
 * line points editors at the JSON Schema, so keys complete and typos are underlined as you type.
 * Never overwrites a file unless given --force.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "../errors.js";
import { defaultScenarioName } from "../scenario/load.js";
import { REPO_ROOT } from "../util/paths.js";
import { EXIT, type CliIo } from "./io.js";

export const DEFAULT_INIT_FILE = "my-split.yaml";

export const INIT_HELP = `Usage: netsplit init [FILE] [--force]

Writes a starter scenario to FILE (default ${DEFAULT_INIT_FILE}): 3 nodes, n3 cut off and healed,
and the checks that the cluster, :pg and :global recover. Every key is commented; the first line
gives editors completion from netsplit's JSON Schema. Refuses to overwrite FILE without --force.

Examples:
  netsplit init
  netsplit init scenarios/isolate-one.yaml
`;

/** The scenario's name: the file name when it is a safe run-directory name, else a cleaned-up one. */
function scenarioName(file: string): string {
  const base = defaultScenarioName(file);
  const cleaned = base.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 81);
  return cleaned === "" ? "my-split" : cleaned;
}

/** The `$schema` path as the editor resolves it: relative to the scenario file's folder. */
function schemaRef(file: string): string {
  const schema = path.join(REPO_ROOT, "harness", "schema", "scenario.schema.json");
  return path.relative(path.dirname(path.resolve(file)), schema).split(path.sep).join("/");
}

export function starterScenario(file: string): string {
  return `# yaml-language-server: $schema=${schemaRef(file)}
# A netsplit scenario. Validate it while you edit:  npx netsplit check ${file}
#                      Run it and get a report:     npx netsplit run ${file}
# Every key: the "Scenario reference" in netsplit's README.
netsplit: 1
name: ${scenarioName(file)}  # names the run directory: runs/<name>/<start-time>/
description: Cut n3 off from n1 and n2, heal, and check that the cluster, pg and global recover.
seed: 1                  # drives every random choice; \`netsplit run --seed N\` overrides it

cluster:
  nodes: 3               # n1, n2, n3 (or a list of names: [a, b, c])
  kernel:
    net_ticktime: 4      # seconds until a silent peer is declared down
  reconnect: { interval_ms: 500 }   # the agent re-dials lost peers, like libcluster

workload:                # what runs on the nodes while the faults happen
  pg:
    - { scope: demo, group: workers, per_node: 2 }
  global:
    - { name: leader, on: n1 }

steps:                   # the timeline, in order
  # reset: connections close at once; blackhole: bytes vanish until net_ticktime notices
  - partition: { isolate: n3, mode: reset }
  - check: { cluster.sees: { n1: [n2], n3: [], within: 5s } }
  - wait: 2s
  - heal: all            # removes the faults; reconnecting is the cluster's job
  - wait: { until: mesh, timeout: 10s }

checks:                  # evaluated after the steps and a final heal
  - cluster.mesh: { within: 5s }
  - pg.converged: { within: 5s }
  - global.names_unique: { within: 5s }
`;
}

export async function initCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { force: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(INIT_HELP);
    return EXIT.pass;
  }
  if (positionals.length > 1) throw new UsageError("bad_args", `init writes one file, got ${positionals.length}: ${positionals.join(" ")}`);
  const file = positionals[0] ?? DEFAULT_INIT_FILE;
  if (!/\.ya?ml$/.test(file)) throw new UsageError("bad_args", `the scenario file must end in .yaml or .yml (netsplit run DIR picks only those), got "${file}"`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new UsageError("bad_args", `${file} is a directory; name a .yaml file to write`);
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  try {
    writeFileSync(file, starterScenario(file), { flag: values.force ? "w" : "wx" });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new UsageError("file_exists", `${file} already exists; pick another name, or add --force to overwrite it`);
    throw err;
  }
  io.out(`wrote ${file}: 3 nodes, n3 cut off and healed, checks on the cluster, pg and global.

Next:
  npx netsplit check ${file}    # validate it as you edit (editors complete keys from its first line)
  npx netsplit run ${file}      # run it: the report lands in runs/${scenarioName(file)}/latest/report.html
`);
  return EXIT.pass;
}
