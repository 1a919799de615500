/**
 * One soak run under the sampler (both soaks: run.ts, clients.ts): the history kept for the
 * heap measurement when the GC is ours, the sampler around the run, what the run left running,
 * and the history's retained heap afterwards (a failure to measure it is one of the sampler's
 * problems, not the soak's end).
 */
import path from "node:path";
import { runScenario, type Scenario, type ScenarioRun } from "../../harness/src/index.js";
import { measureRetainedHistory, retainHistory, type HistoryHeap } from "./history-heap.js";
import type { HarnessChild } from "./procfs.js";
import type { Sampler } from "./sampler.js";

export interface SampledRun {
  run: ScenarioRun;
  /** The run directory, as the progress lines named it ("" when none was seen). */
  runDir: string;
  leftovers: HarnessChild[];
  historyHeap?: HistoryHeap;
}

export async function runSampled(scenario: Scenario, o: { outDir: string; sampler: Sampler; gc: (() => void) | undefined; progress: (line: string) => void; runDir: () => string }): Promise<SampledRun> {
  const { sampler, gc } = o;
  if (gc) retainHistory();
  sampler.start();
  sampler.take("tick");
  const run = await runScenario(scenario, { outDir: o.outDir, progress: o.progress });
  const runDir = o.runDir();
  await sampler.stop();
  const leftovers = sampler.leftovers();
  let historyHeap: HistoryHeap | undefined;
  if (gc && runDir) {
    try {
      historyHeap = measureRetainedHistory(path.join(runDir, "history.msgpack"), gc);
    } catch (err) {
      sampler.problems.add(`could not measure the history's heap: ${(err as Error).message}`);
    }
  }
  return { run, runDir, leftovers, ...(historyHeap ? { historyHeap } : {}) };
}
