/**
 * What a node's boot costs in CPU, piece by piece: one node at a time (so the cores are not
 * shared), the harness's own `erl` flags and environment (registered with a run epmd daemon,
 * as a harness node is), and an `-eval` that starts a bit
 * more each time, printing a line when done; the CPU time (/proc/<pid>/stat) is read at that
 * line. The differences say what the agent adds to a bare node, and where:
 *
 *   bare     nothing (the cluster-ready floor's node)
 *   crypto   + the :crypto application (its NIF, OpenSSL)
 *   digest   + :crypto and one SHA-256 (OpenSSL initialises itself at the first)
 *   elixir   + the :elixir application
 *   logger   + Elixir's :logger application (and :elixir)
 *   agent    Netsplit.Agent.boot(): :elixir and the agent's supervision tree (the agent starts
 *            neither Elixir's :logger nor :crypto, and computes no digest: the rows above say
 *            what they would cost)
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { bareArgs } from "./floor.js";
import { startRunEpmd } from "../harness/src/runtime/app-process.js";
import { nodeHome, removeNodeHome } from "../harness/src/runtime/node-home.js";
import { LOCAL_HOST } from "../harness/src/runtime/local.js";
import { beamPaths } from "../harness/src/util/paths.js";
import { freeFixedPorts } from "../harness/src/util/ports.js";
import { figure, type Figure } from "./lib/results.js";
import { median } from "./lib/stats.js";
import { cpuMs, now } from "./lib/procs.js";
import type { Log } from "./lib/log.js";

const DONE = "netsplit-bench boot done";
const print = `io:format("${DONE}~n")`;
export const VARIANTS: Record<string, string> = {
  bare: `${print}.`,
  crypto: `application:ensure_all_started(crypto), ${print}.`,
  digest: `application:ensure_all_started(crypto), crypto:hash(sha256, <<"x">>), ${print}.`,
  elixir: `application:ensure_all_started(elixir), ${print}.`,
  logger: `application:ensure_all_started(logger), ${print}.`,
  agent: `'Elixir.Netsplit.Agent':boot(), ${print}.`,
};

const LABELS: Record<string, string> = {
  bare: "bare (no application)",
  crypto: "+ :crypto",
  digest: "+ :crypto and its first SHA-256",
  elixir: "+ :elixir",
  logger: "+ Elixir's :logger (and :elixir)",
  agent: "the netsplit agent",
};

interface BootSample {
  cpuMs: number;
  wallMs: number;
}

async function bootOnce(evalText: string, runId: string, cookie: string, epmdPort: number): Promise<BootSample> {
  const [port] = await freeFixedPorts(LOCAL_HOST, 1);
  const args = bareArgs("b1", port!, runId);
  args[args.length - 1] = evalText;
  const t0 = now();
  const child = spawn(beamPaths().erl, args, {
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: nodeHome(runId, cookie), LANG: "C.UTF-8",
      NETSPLIT_DIST_PORT: String(port), NETSPLIT_SECRET: randomBytes(16).toString("hex"), NETSPLIT_ROUTES: "", NETSPLIT_RECONNECT_MS: "500",
      // registered with a run epmd daemon, as a harness node is (see floor.ts)
      NETSPLIT_EPMD: "daemon", ERL_EPMD_PORT: String(epmdPort),
    },
  });
  try {
    return await new Promise<BootSample>((resolve, reject) => {
      let out = "";
      const onData = (chunk: Buffer) => {
        out += chunk.toString("utf8");
        if (out.includes(DONE)) resolve({ cpuMs: cpuMs(child.pid!) ?? Number.NaN, wallMs: now() - t0 });
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code) => reject(new Error(`a node booting "${evalText}" exited (code ${code}) before it was done: ${out.slice(-400)}`)));
    });
  } finally {
    const gone = new Promise((r) => child.once("exit", r));
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await gone;
  }
}

export async function measureAgentBoot(reps: number, log: Log): Promise<Figure[]> {
  const runId = `netsplit-bench-${randomBytes(6).toString("hex")}`;
  const cookie = randomBytes(24).toString("hex");
  const samples = new Map<string, BootSample[]>(Object.keys(VARIANTS).map((k) => [k, []]));
  const [epmdPort] = await freeFixedPorts(LOCAL_HOST, 1);
  const epmd = await startRunEpmd(runId, epmdPort!, LOCAL_HOST);
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const [name, evalText] of Object.entries(VARIANTS)) samples.get(name)!.push(await bootOnce(evalText, runId, cookie, epmdPort!));
      log(`agent boot rep ${rep + 1}/${reps}: ${[...samples].map(([k, v]) => `${k} ${v.at(-1)!.cpuMs} ms CPU`).join(", ")}`);
    }
  } finally {
    await epmd.stop();
    removeNodeHome(runId);
  }
  const bare = median(samples.get("bare")!.map((s) => s.cpuMs));
  return [...samples].map(([name, s]) => figure({
    id: `agent_boot.${name}`, group: "agent boot", unit: "ms",
    label: `CPU to boot one node alone: ${LABELS[name] ?? name}`,
    samples: s.map((x) => x.cpuMs),
    detail: { over_bare_ms: Math.round(median(s.map((x) => x.cpuMs)) - bare), wall_ms: Math.round(median(s.map((x) => x.wallMs))) },
  }));
}
