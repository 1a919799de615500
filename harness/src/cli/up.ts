/**
 * `netsplit up --nodes N [--runtime local|docker]`: a cluster to explore by hand. Prints every
 * node's name, where it runs (local: distribution port and pid; docker: its container) and a
 * ready-to-paste remote shell command (local: `iex --remsh` as a hidden node; docker: `docker
 * exec -it <container> netsplit_agent remote`), the Toxiproxy API and its proxies, then streams
 * node events until Ctrl-C, which tears everything down (docker: the run's containers and
 * network are removed, by the reaper's interrupt cleanup or by the cluster's own stop).
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors.js";
import type { StartedCluster } from "../runtime/cluster.js";
import { isRuntimeName, RUNTIME_NAMES, startCluster } from "../runtime/registry.js";
import { beamPaths } from "../util/paths.js";
import type { CliIo } from "./io.js";

export const UP_HELP = `Usage: netsplit up [--nodes N] [--runtime local|docker] [--ticktime S] [--reconnect-ms MS|off] [--log-dir DIR]

Starts N real BEAM nodes (default 3) whose distribution traffic crosses Toxiproxy, prints how
to reach them, and keeps them running until Ctrl-C, which stops every node and Toxiproxy.

  --runtime local    (default) erl processes on 127.0.0.1; a remote shell is \`iex --remsh\`
  --runtime docker   a container per node and one for Toxiproxy on a network of the run; a
                     remote shell is \`docker exec -it <container> netsplit_agent remote\`;
                     Ctrl-C removes the containers and the network

Examples:
  netsplit up --nodes 5
  netsplit up --nodes 3 --runtime docker
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
      runtime: { type: "string" },
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
  const runtime = values.runtime ?? "local";
  if (!isRuntimeName(runtime)) throw new UsageError("bad_flag", `--runtime must be ${RUNTIME_NAMES.join(" or ")}, got "${runtime}"`);
  const reconnect = values["reconnect-ms"] === "off" ? false : { intervalMs: intFlag(values["reconnect-ms"], "reconnect-ms", 500) };
  const kernel = { net_ticktime: intFlag(values.ticktime, "ticktime", 4) };
  io.out(`Starting ${nodes} nodes behind Toxiproxy (runtime ${runtime})...\n`);
  await using cluster = await startCluster(runtime, {
    nodes,
    reconnect,
    kernel,
    ...(values["log-dir"] ? { logDir: values["log-dir"] } : {}),
    progress: (line) => io.out(`${line}\n`),
  });
  io.out(`Cluster ready in ${Math.round(cluster.bootMs)} ms (cookie ${cluster.cookie}).\n\n`);
  if (cluster.runtime === "docker") printDockerNodes(cluster, io, (await import("../runtime/docker/engine.js")).DEFAULT_DOCKER_ENGINE);
  else printLocalNodes(cluster, io);
  io.out(`\nToxiproxy API: ${cluster.toxiproxy.url} (proxies ${cluster.proxyNames().slice(0, 4).join(", ")}, ...)\n`);
  const [a, b] = [cluster.names[0]!, cluster.names[1]!];
  io.out(`Cut ${a} from ${b} by hand:  curl -s -XPOST ${cluster.toxiproxy.url}/proxies/${a}_to_${b} -d '{"enabled":false}'; curl -s -XPOST ${cluster.toxiproxy.url}/proxies/${b}_to_${a} -d '{"enabled":false}'\n`);
  io.out(`Heal everything:  curl -s -XPOST ${cluster.toxiproxy.url}/reset\n\n`);
  io.out(cluster.runtime === "docker"
    ? `Node events follow. Ctrl-C stops every node and Toxiproxy, and removes the containers and network ${cluster.runId}.\n`
    : "Node events follow. Ctrl-C stops every node and Toxiproxy.\n");
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

/** Local nodes: name, distribution port, pid, and an `iex --remsh` line (a hidden node routed straight to the node). */
function printLocalNodes(cluster: StartedCluster, io: CliIo): void {
  const { agentEbin } = beamPaths();
  for (const n of cluster.nodes) {
    io.out(`${n.fullName}  dist port ${n.distPort}  pid ${n.pid}\n`);
    io.out(`  NETSPLIT_ROUTES=${n.fullName}=127.0.0.1:${n.distPort} iex --hidden --name dbg_${n.name}@127.0.0.1 --cookie ${cluster.cookie} \\\n    --erl "-start_epmd false -epmd_module Elixir.Netsplit.Epmd -pa ${agentEbin}" --remsh ${n.fullName}\n`);
  }
}

/** The container of a docker node (docker/containers.ts names them `<run id>-<node>`). */
export const nodeContainerName = (cluster: StartedCluster, node: string) => `${cluster.runId}-${node}`;

/**
 * Docker nodes: name, container, and a `docker exec` line. The release's `remote` starts a hidden
 * node inside the container that reaches the container's own node directly (nodes/rel/env.sh.eex)
 * with the run's cookie (the container's NETSPLIT_COOKIE_FILE), so no cookie is printed to paste.
 * On an engine other than the default socket (DOCKER_HOST), the lines name it (`docker -H ...`),
 * so they work from a shell that does not have DOCKER_HOST set.
 */
function printDockerNodes(cluster: StartedCluster, io: CliIo, defaultEngine: string): void {
  const docker = cluster.engine && cluster.engine !== defaultEngine ? `docker -H ${cluster.engine}` : "docker";
  if (docker !== "docker") io.out(`Docker engine: ${cluster.engine} (containers, network and published ports are on that host)\n`);
  for (const n of cluster.nodes) {
    const container = nodeContainerName(cluster, n.name);
    io.out(`${n.fullName}  container ${container}  dist port ${n.distPort} (on network ${cluster.runId})\n`);
    io.out(`  ${docker} exec -it ${container} netsplit_agent remote\n`);
  }
  const first = nodeContainerName(cluster, cluster.names[0]!);
  io.out(`\nOne expression without a shell:  ${docker} exec ${first} netsplit_agent rpc 'IO.inspect(Enum.sort(Node.list()))'\n`);
  io.out(`Every container of this cluster:  ${docker} ps --filter label=netsplit.run=${cluster.runId}\n`);
}
