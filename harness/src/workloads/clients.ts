/**
 * The clients of `workload.clients` in a run (issue 15): started once the app is ready and the
 * workload is set up (the runner's timeline phase), stopped after the steps and the final heal
 * (before the checks), their history streamed to `<run dir>/ops.jsonl`. The `history.*` checks
 * judge that file (checks/history.ts).
 */
import path from "node:path";
import type { CallReply } from "../agent/ops.js";
import { opsLane } from "../clients/lane.js";
import { readOps, startClients, type ClientDeps, type ClientsSummary } from "../clients/index.js";
import type { ClientsRun, RunContext } from "../run/context.js";
import { rel } from "../run/progress.js";
import { seededRng } from "../run/rng.js";
import { now } from "../util/clock.js";

export type { ClientsRun } from "../run/context.js";

export const OPS_FILE = "ops.jsonl";

/** The calls the clients and the final reads make: the agent's `call` op on the node. */
export function clientDeps(ctx: RunContext): Pick<ClientDeps, "call" | "nodeState" | "nodes"> {
  return {
    nodes: ctx.cluster.names,
    nodeState: (node) => ctx.cluster.node(node).state,
    call: (node, module, fn, args, timeoutMs) =>
      ctx.cluster.agent(node).call<CallReply>("call", { module, function: fn, args, timeout_ms: timeoutMs }, timeoutMs + 5000),
  };
}

/** Starts the scenario's clients, or does nothing when it has none. */
export function startClientsPhase(ctx: RunContext, runDir: string): ClientsRun | undefined {
  const workload = ctx.scenario.workload.clients;
  if (workload.length === 0) return undefined;
  const file = path.join(runDir, OPS_FILE);
  // a generator of its own, drawn from the run's seed: adding clients changes no other random choice
  const rng = seededRng((ctx.seed ^ 0x0c11e575) >>> 0);
  const started = startClients({ ...clientDeps(ctx), rng, runStartedAt: ctx.startedAt, now: () => now() - ctx.startedAt, file }, workload);
  const run: ClientsRun = { file, started };
  ctx.clients = run;
  const count = workload.reduce((s, g) => s + g.count, 0);
  const fs = [...new Set(workload.flatMap((g) => g.ops.map((o) => o.f)))];
  ctx.history.record("clients_started", { count, ops: fs, file: OPS_FILE, groups: workload.map((g) => ({ count: g.count, binding: g.binding, pace: g.pace, timeout_ms: g.timeoutMs, ops: g.ops.map((o) => ({ f: o.f, call: o.call.text, weight: o.weight })) })) });
  ctx.progress(`${rel(ctx)}  clients started: ${count} (${fs.join(", ")}) -> ${OPS_FILE}`);
  return run;
}

/** Stops the clients (idempotent) and records their summary. */
export async function stopClientsPhase(ctx: RunContext, run: ClientsRun | undefined): Promise<ClientsSummary | undefined> {
  if (!run) return undefined;
  if (run.summary) return run.summary;
  const summary = await run.started.stop();
  run.summary = summary;
  let lane;
  try {
    // read back once, for the lane and every history check (a read of a long run is ~1 KB per op)
    run.read = readOps(run.file);
    lane = opsLane(run.read.ops, summary.bindings);
  } catch {
    lane = undefined; // the report draws no ops lane; the checks read the file themselves
  }
  ctx.history.record("clients_stopped", { summary: { ...summary, file: OPS_FILE }, ...(lane ? { lane } : {}) });
  ctx.progress(`${rel(ctx)}  clients stopped: ${summary.invokes} ops, ${summary.ok} ok, ${summary.fail} fail, ${summary.info} info (${byFText(summary)})`);
  return summary;
}

/** `add 120: 100 ok / 15 fail / 5 info; read 30: 30 ok / 0 fail / 0 info` */
export function byFText(summary: Pick<ClientsSummary, "byF">): string {
  return Object.entries(summary.byF).map(([f, c]) => `${f} ${c.invokes}: ${c.ok} ok / ${c.fail} fail / ${c.info} info`).join("; ");
}
