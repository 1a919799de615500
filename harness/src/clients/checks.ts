/**
 * The `history.*` checks as the scenario's `checks:` writes them, and one entry point that runs
 * any of them at the end of a run: `runHistoryCheck(check, inputs)`. The runner gives it the
 * history (read back from ops.jsonl), the fault windows and a way to call a node; the checks
 * that need the application's final state (`history.set`, `history.exactly_once`) read it
 * through `finalRead`, retried until they pass or `within` runs out. Never throws: a checker
 * that throws is an unknown verdict.
 */
import { checkAvailability } from "./checkers/availability.js";
import { checkCounter } from "./checkers/counter.js";
import { checkExactlyOnce } from "./checkers/exactly-once.js";
import { finalRead } from "./checkers/final-read.js";
import { checkSafely } from "./checkers/safely.js";
import { checkSet } from "./checkers/set.js";
import { checkUniqueIds } from "./checkers/unique-ids.js";
import { readOnceVia } from "./read-once.js";
import type { ClientDeps } from "./runner.js";
import type { ClientCall, ClientsWorkload, FaultWindow, HistoryVerdict, Op } from "./types.js";

export type HistoryCheck =
  /** The final read calls the client op named `read` (its call and args) on a running node. */
  | { name: "history.set"; add: string; read: string; withinMs: number }
  | { name: "history.counter"; add: string; read: string }
  | { name: "history.unique_ids"; f: string }
  | { name: "history.availability"; min?: number; during: "all" | "fault" | "calm"; f?: readonly string[] }
  /** `effects` returns a map id -> times the effect happened. */
  | { name: "history.exactly_once"; add: string; effects: { call: ClientCall; args: readonly unknown[]; timeoutMs: number }; withinMs: number };

export const HISTORY_CHECK_NAMES = ["history.set", "history.counter", "history.unique_ids", "history.availability", "history.exactly_once"] as const satisfies readonly HistoryCheck["name"][];

export interface HistoryCheckInputs {
  ops: readonly Op[];
  workload: ClientsWorkload;
  faults: readonly FaultWindow[];
  /** For the final reads. */
  deps: Pick<ClientDeps, "call" | "nodeState" | "nodes">;
  now(): number;
  sleep(ms: number): Promise<void>;
}

export type HistoryCheckResult = HistoryVerdict & { attempts: number };

export async function runHistoryCheck(check: HistoryCheck, inputs: HistoryCheckInputs): Promise<HistoryCheckResult> {
  try {
    return await run(check, inputs);
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    return { verdict: "unknown", detail: `the checker threw: ${message}`, data: { error: message }, attempts: 1 };
  }
}

async function run(check: HistoryCheck, inputs: HistoryCheckInputs): Promise<HistoryCheckResult> {
  const { ops } = inputs;
  const once = (v: HistoryVerdict): HistoryCheckResult => ({ ...v, attempts: 1 });
  switch (check.name) {
    case "history.counter": return once(checkSafely(() => checkCounter(ops, check)));
    case "history.unique_ids": return once(checkSafely(() => checkUniqueIds(ops, check)));
    case "history.availability": return once(checkSafely(() => checkAvailability(ops, inputs.faults, check)));
    case "history.set": {
      const readOp = inputs.workload.flatMap((g) => g.ops.map((o) => ({ o, timeoutMs: g.timeoutMs }))).find((x) => x.o.f === check.read);
      if (!readOp) return { verdict: "unknown", detail: `no client op is named ${check.read}, so there is no final read`, data: {}, attempts: 0 };
      const readOnce = readOnceVia(inputs.deps, { call: readOp.o.call, args: readOp.o.args ?? [], timeoutMs: readOp.timeoutMs });
      return finalRead(readOnce, (value) => checkSet(ops, { add: check.add, read: check.read, finalRead: value }), { withinMs: check.withinMs, now: inputs.now, sleep: inputs.sleep });
    }
    case "history.exactly_once": {
      const readOnce = readOnceVia(inputs.deps, check.effects);
      return finalRead(readOnce, (value) => checkExactlyOnce(ops, value, { add: check.add }), { withinMs: check.withinMs, now: inputs.now, sleep: inputs.sleep });
    }
  }
}
