/**
 * What a node's boot costs in CPU, piece by piece: one node at a time (so the cores are not
 * shared), the harness's own `erl` flags and environment, and an `-eval` that starts a bit
 * more each time, printing a line when done; the CPU time (/proc/<pid>/stat) is read at that
 * line. The differences say what the agent adds to a bare node, and where:
 *
 *   bare     nothing (the cluster-ready floor's node)
 *   crypto   + the :crypto application (OpenSSL)
 *   elixir   + the :elixir application
 *   logger   + Elixir's :logger application (and :elixir)
 *   agent    Netsplit.Agent.boot(): :crypto, :elixir, :logger and the agent's supervision tree
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { bareArgs } from "./floor.js";
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
  elixir: `application:ensure_all_started(elixir), ${print}.`,
  logger: `application:ensure_all_started(logger), ${print}.`,
  agent: `'Elixir.Netsplit.Agent':boot(), ${print}.`,
};

interface BootSample {
  cpuMs: number;
  wallMs: number;
}

async function bootOnce(evalText: string, runId: string, cookie: string): Promise<BootSample> {
  const [port] = await freeFixedPorts(LOCAL_HOST, 1);
  const args = bareArgs("b1", port!, runId);
  args[args.length - 1] = evalText;
  const t0 = now();
  const child = spawn(beamPaths().erl, args, {
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: nodeHome(runId, cookie), LANG: "C.UTF-8",
      NETSPLIT_DIST_PORT: String(port), NETSPLIT_SECRET: randomBytes(16).toString("hex"), NETSPLIT_ROUTES: "", NETSPLIT_RECONNECT_MS: "500",
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
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const [name, evalText] of Object.entries(VARIANTS)) samples.get(name)!.push(await bootOnce(evalText, runId, cookie));
      log(`agent boot rep ${rep + 1}/${reps}: ${[...samples].map(([k, v]) => `${k} ${v.at(-1)!.cpuMs} ms CPU`).join(", ")}`);
    }
  } finally {
    removeNodeHome(runId);
  }
  const bare = median(samples.get("bare")!.map((s) => s.cpuMs));
  return [...samples].map(([name, s]) => figure({
    id: `agent_boot.${name}`, group: "agent boot", unit: "ms",
    label: `CPU to boot one node alone: ${name === "agent" ? "the netsplit agent" : name === "bare" ? "bare (no application)" : `+ ${name === "logger" ? "Elixir's :logger (and :elixir)" : `:${name}`}`}`,
    samples: s.map((x) => x.cpuMs),
    detail: { over_bare_ms: Math.round(median(s.map((x) => x.cpuMs)) - bare), wall_ms: Math.round(median(s.map((x) => x.wallMs))) },
  }));
}
