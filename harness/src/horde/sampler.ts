/**
 * The Horde census over time: once the workload is ready, every HORDE_SAMPLE_MS every running
 * node's census is taken, analysed, and recorded as a `horde_sample` history entry
 * (`{ views: { node: { workers, registered, found } }, anomalies: { kind: [keys] }, clean,
 * silent?, undecided? }`). These samples are what "duplicates seen during the faults" and
 * "time from the last heal to a clean state" are measured from, and what the report's Horde
 * chart draws. Best effort: a failed round is skipped, never an error of the run.
 */
import { askAll } from "../checks/ask.js";
import type { RunContext } from "../run/context.js";
import { type HistoryEntry } from "../run/history.js";
import { now } from "../util/clock.js";
import { allHordeKeys, analyzeCensus, sampleRecord, type NodeCensus } from "./census.js";

export const HORDE_SAMPLE_MS = 250;

/** Starts sampling when the run records `workload_ready`; returns the function that stops it. */
export function sampleHorde(ctx: RunContext): () => Promise<void> {
  const keys = allHordeKeys(ctx.scenario.workload.horde);
  if (keys.length === 0 || ctx.hordeUnavailable) return async () => undefined;
  let timer: NodeJS.Timeout | null = null;
  let round: Promise<void> | null = null;
  let stopped = false;
  const sample = async () => {
    const t = now();
    const running = ctx.cluster.running();
    const { answers, silent } = await askAll<NodeCensus>(ctx, "horde_census", {}, running);
    if (stopped || answers.size === 0) return;
    const down = ctx.cluster.names.filter((n) => !running.includes(n));
    const a = analyzeCensus({ keys, answers, silent, down });
    ctx.history.record("horde_sample", { ...sampleRecord(a, [...silent.keys()]) }, t);
  };
  const start = () => {
    timer = setInterval(() => {
      // one round at a time: a round lasts at most the agents' call timeout (askAll)
      round ??= sample().catch(() => undefined).finally(() => {
        round = null;
      });
    }, HORDE_SAMPLE_MS);
  };
  const off = ctx.history.on((e: HistoryEntry) => {
    if (e.type === "workload_ready" && timer === null && !stopped) start();
  });
  return async () => {
    off();
    if (timer) clearInterval(timer);
    await round;
    stopped = true;
  };
}
