/**
 * `netsplit up --nodes N`: a cluster to explore by hand. Prints every node's name, distribution
 * port and a ready-to-paste remote shell command, the Toxiproxy API and its proxies, then
 * streams node events until Ctrl-C, which tears everything down.
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors.js";
import { startLocalCluster } from "../runtime/local.js";
import { beamPaths } from "../util/paths.js";
import type { CliIo } from "./io.js";

export const UP_HELP = `Usage: netsplit up [--nodes N] [--ticktime S] [--reconnect-ms MS|off] [--log-dir DIR]

Starts N real BEAM nodes (default 3) whose distribution traffic crosses Toxiproxy, prints how
to reach them, and keeps them running until Ctrl-C.

Examples:
  netsplit up --nodes 5
  netsplit up --nodes 3 --reconnect-ms off --ticktime 10
`;

function intFlag(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError("bad_flag", `--${name} must be a positive integer, got "${value}"`);
  return n;
}

export async function upCommand(argv: string[], io: CliIo, signal: AbortSignal = new AbortController().signal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: "string" },
      ticktime: { type: "string" },
      "reconnect-ms": { type: "string" },
      "log-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    io.out(UP_HELP);
    return 0;
  }
  const nodes = intFlag(values.nodes, "nodes", 3);
  const reconnect = values["reconnect-ms"] === "off" ? false : { intervalMs: intFlag(values["reconnect-ms"], "reconnect-ms", 500) };
  io.out(`Starting ${nodes} nodes behind Toxiproxy...\n`);
  await using cluster = await startLocalCluster({
    nodes,
    reconnect,
    kernel: { net_ticktime: intFlag(values.ticktime, "ticktime", 4) },
    ...(values["log-dir"] ? { logDir: values["log-dir"] } : {}),
  });
  const { agentEbin } = beamPaths();
  io.out(`Cluster ready in ${Math.round(cluster.bootMs)} ms (cookie ${cluster.cookie}).\n\n`);
  for (const n of cluster.nodes) {
    io.out(`${n.fullName}  dist port ${n.distPort}  pid ${n.pid}\n`);
    io.out(`  NETSPLIT_ROUTES=${n.fullName}=127.0.0.1:${n.distPort} iex --hidden --name dbg_${n.name}@127.0.0.1 --cookie ${cluster.cookie} \\\n    --erl "-start_epmd false -epmd_module Elixir.Netsplit.Epmd -pa ${agentEbin}" --remsh ${n.fullName}\n`);
  }
  io.out(`\nToxiproxy API: ${cluster.toxiproxy.url} (proxies ${cluster.proxyNames().slice(0, 4).join(", ")}, ...)\n`);
  const [a, b] = [cluster.names[0]!, cluster.names[1]!];
  io.out(`Cut ${a} from ${b} by hand:  curl -s -XPOST ${cluster.toxiproxy.url}/proxies/${a}_to_${b} -d '{"enabled":false}'; curl -s -XPOST ${cluster.toxiproxy.url}/proxies/${b}_to_${a} -d '{"enabled":false}'\n`);
  io.out(`Heal everything:  curl -s -XPOST ${cluster.toxiproxy.url}/reset\n\nNode events follow. Ctrl-C stops every node and Toxiproxy.\n`);
  cluster.on((e) => {
    const t = new Date(e.at).toISOString().slice(11, 23);
    if (e.type === "node_event") io.out(`${t} ${e.node}: ${e.event.event} ${e.event.node ?? ""} ${e.event.reason ?? ""}\n`);
    else if (e.type === "node_state") io.out(`${t} ${e.node}: ${e.state}${e.detail ? ` (${e.detail})` : ""}\n`);
  });
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  io.out("Stopping...\n");
  return 0;
}
