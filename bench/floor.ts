/**
 * The physical floor of a cluster start, measured on this machine: the same N BEAM nodes with
 * the same flags and environment as the harness gives its nodes (runtime/node-process.ts
 * nodeArgs), minus the agent (`-eval` prints a ready line instead of booting
 * Netsplit.Agent), all spawned at once, together with toxiproxy-server's own start (until
 * GET /version answers) and the run's epmd daemon's, where each node registers as a harness
 * node does (Netsplit.Epmd with NETSPLIT_EPMD=daemon; without a daemon, distribution would draw
 * the node's creation with crypto:strong_rand_bytes, loading :crypto and initialising OpenSSL,
 * ~20 ms of CPU a harness node never spends). The sample is the time until every node printed
 * its line AND Toxiproxy answered: nothing netsplit does can make a cluster ready sooner.
 *
 * The mesh floor (`{ mesh: true }`) adds the mesh through Toxiproxy, with the agents' dial strategy
 * and nothing else of the agent: Toxiproxy's N·(N−1) proxies are created (one
 * populate call, as runtime/local.ts), each node gets its routes on stdin once they exist (as a
 * harness node does) and dials every peer through its proxy at once, and the node's line comes
 * when it sees the N−1 others (`:global` meshes on its own, as on any node). Its nodes still run
 * no agent: the difference between the cluster-ready figure and this floor is what the agent and
 * the harness cost; the difference between this floor and the first one is the mesh itself.
 *
 * Every process started here is killed before the function returns, whatever happens.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { DEFAULT_KERNEL } from "../harness/src/runtime/cluster.js";
import { LOCAL_HOST } from "../harness/src/runtime/local.js";
import { nodeHome, removeNodeHome } from "../harness/src/runtime/node-home.js";
import { nodeArgs } from "../harness/src/runtime/node-process.js";
import { startRunEpmd, type RunEpmd } from "../harness/src/runtime/app-process.js";
import { track, untrack } from "../harness/src/runtime/reaper.js";
import { startToxiproxyServer, type StartedToxiproxyServer } from "../harness/src/toxiproxy/server.js";
import { beamPaths } from "../harness/src/util/paths.js";
import { freeFixedPorts } from "../harness/src/util/ports.js";
import { cpuMs, now } from "./lib/procs.js";

const READY_LINE = "netsplit-bench bare node ready";

export interface FloorSample {
  /** Until every node printed its ready line and Toxiproxy answered. */
  totalMs: number;
  /** Until the last node printed its ready line. */
  nodesMs: number;
  /** Until Toxiproxy answered GET /version. */
  toxiproxyMs: number;
  /** CPU time each node had used when all were ready (ms, 10 ms resolution). */
  nodeCpuMs: number[];
}

/**
 * A mesh-floor node's boot instead of the agent's: routes from stdin (`routes <text>`, as
 * runtime/node-process.ts sendRoutes writes them), one dial of every peer at once, the ready line
 * once every peer is connected. Erlang only, one expression list for `-eval`.
 */
const MESH_EVAL = [
  "P = open_port({fd, 0, 1}, [{line, 1048576}, binary, eof]),",
  "receive {P, {data, {eol, <<\"routes \", T/binary>>}}} -> 'Elixir.Netsplit.Epmd':set_routes(T) end,",
  "Peers = [binary_to_atom(K) || K <- maps:keys('Elixir.Netsplit.Epmd':routes())],",
  "ok = net_kernel:monitor_nodes(true),",
  "[spawn(net_kernel, connect_node, [X]) || X <- Peers],",
  "W = fun Wait() -> case Peers -- nodes() of [] -> ok; _ -> receive {nodeup, _} -> Wait() after 100 -> Wait() end end end,",
  `W(), io:format("${READY_LINE}~n").`,
].join(" ");

/** The arguments of a harness node with the agent's boot replaced by printing a line (or by MESH_EVAL). */
export function bareArgs(name: string, distPort: number, runId: string, mesh = false): string[] {
  const args = nodeArgs({
    name, fullName: `${name}@${LOCAL_HOST}`, host: LOCAL_HOST, distPort, routes: {}, cookie: "", secret: "",
    kernel: DEFAULT_KERNEL, reconnectMs: 500, runId,
  });
  const evalAt = args.lastIndexOf("-eval");
  if (evalAt < 0) throw new Error(`nodeArgs has no -eval any more; bench/floor.ts must learn how the agent is booted: ${args.join(" ")}`);
  return [...args.slice(0, evalAt), "-eval", mesh ? MESH_EVAL : `io:format("${READY_LINE}~n").`, ...args.slice(evalAt + 2)];
}

function startBare(name: string, distPort: number, epmdPort: number, runId: string, cookie: string, t0: number, children: ChildProcess[], mesh: boolean): Promise<number> {
  const child = spawn(beamPaths().erl, bareArgs(name, distPort, runId, mesh), {
    stdio: ["pipe", "pipe", "pipe"],
    // the environment a harness node gets (node-process.ts netsplitEnv), minus what only the
    // agent reads; Netsplit.Epmd registers the node with the run's epmd daemon, as in a harness run
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: nodeHome(runId, cookie), LANG: "C.UTF-8", NETSPLIT_DIST_PORT: String(distPort),
      NETSPLIT_EPMD: "daemon", ERL_EPMD_PORT: String(epmdPort),
    },
  });
  children.push(child);
  if (child.pid !== undefined) {
    const pid = child.pid;
    track({ pid, label: `bench bare node ${name}`, marker: runId });
    child.once("exit", () => untrack(pid));
  }
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`bare node ${name} printed no ready line within 60 s: ${out.slice(-500)}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (out.includes(READY_LINE)) {
        clearTimeout(timer);
        resolve(now() - t0);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (!out.includes(READY_LINE)) reject(new Error(`bare node ${name} exited (code ${code}, signal ${signal}) before its ready line: ${out.slice(-500)}`));
    });
  });
}

async function killAll(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(children.map(async (child) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await gone;
  }));
}

/** One floor sample for `n` nodes; `mesh`: the mesh floor (see the top of this file). */
export async function floorSample(n: number, { mesh = false }: { mesh?: boolean } = {}): Promise<FloorSample> {
  const runId = `netsplit-bench-${randomBytes(6).toString("hex")}`;
  const cookie = randomBytes(24).toString("hex");
  const linkCount = mesh ? n * (n - 1) : 0;
  const all = await freeFixedPorts(LOCAL_HOST, n + 1 + linkCount);
  const [epmdPort, ...ports] = all.slice(0, n + 1);
  const proxyPorts = all.slice(n + 1);
  const names = ports.map((_, i) => `b${i + 1}`);
  const links = mesh ? names.flatMap((from, i) => names.flatMap((to, j) => (i === j ? [] : [{ from, to, upstream: ports[j]! }]))) : [];
  const children: ChildProcess[] = [];
  const t0 = now();
  // as runtime/local.ts: the run's epmd daemon and Toxiproxy start while the nodes boot
  const epmd: Promise<RunEpmd> = startRunEpmd(runId, epmdPort!, LOCAL_HOST);
  epmd.catch(() => undefined); // awaited below
  const server: Promise<StartedToxiproxyServer> = startToxiproxyServer({ host: LOCAL_HOST, proxyMetrics: true });
  try {
    const nodes = Promise.all(ports.map((port, i) => startBare(names[i]!, port, epmdPort!, runId, cookie, t0, children, mesh)));
    nodes.catch(() => undefined); // awaited below
    const toxiproxy = server.then(async (started) => {
      if (mesh) {
        // as runtime/local.ts: the proxies in one call, then each node's routes on its stdin
        await started.api.populate(links.map((l, i) => ({ name: `${l.from}_to_${l.to}`, listen: `${LOCAL_HOST}:${proxyPorts[i]}`, upstream: `${LOCAL_HOST}:${l.upstream}` })));
        names.forEach((name, i) => {
          const routes = links.flatMap((l, k) => (l.from === name ? [`${l.to}@${LOCAL_HOST}=${LOCAL_HOST}:${proxyPorts[k]}`] : []));
          children[i]?.stdin?.write(`routes ${routes.join(",")}\n`);
        });
      }
      return now() - t0;
    });
    const [toxiproxyMs, nodeTimes] = await Promise.all([toxiproxy, nodes]);
    const totalMs = now() - t0;
    const nodeCpuMs = children.map((c) => (c.pid === undefined ? undefined : cpuMs(c.pid))).filter((x): x is number => x !== undefined);
    return { totalMs, nodesMs: Math.max(...nodeTimes), toxiproxyMs, nodeCpuMs };
  } finally {
    await killAll(children);
    await (await server.catch(() => undefined))?.stop();
    await (await epmd.catch(() => undefined))?.stop();
    removeNodeHome(runId);
  }
}
