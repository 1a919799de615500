/**
 * The soak scenario for a given number of cycles: bench/soak/soak.yaml's text with its first
 * step's `repeat.times` set to the rounds needed (a round holds as many cycles as it has
 * `partition` steps) and `limits.run_timeout` raised to fit. The file stays the single source
 * of what a cycle is; this only scales it. Comments and layout survive (yaml's Document API), so
 * the run directory's scenario.yaml reads like the file.
 */
import { isMap, isSeq, parseDocument, type YAMLMap } from "yaml";
import type { Step } from "../../harness/src/index.js";

export interface SoakPlan {
  /** The scenario's YAML text, scaled. */
  text: string;
  cyclesPerRound: number;
  rounds: number;
  /** rounds x cyclesPerRound: at least the cycles asked for. */
  cycles: number;
}

/** Allowance per cycle for `limits.run_timeout`: ~5x a blackhole cycle on a quiet machine. */
const TIMEOUT_PER_CYCLE_S = 30;

export function planSoak(fileText: string, cyclesWanted: number): SoakPlan {
  if (!Number.isInteger(cyclesWanted) || cyclesWanted < 1) throw new RangeError(`--cycles must be a positive integer, got ${cyclesWanted}`);
  const doc = parseDocument(fileText);
  const repeat = doc.getIn(["steps", 0, "repeat"]);
  const inner = isMap(repeat) ? repeat.get("steps") : undefined;
  if (!isMap(repeat) || !isSeq(inner)) {
    throw new Error("the soak scenario's first step must be `repeat: { times, steps }` holding the cycles; restore bench/soak/soak.yaml");
  }
  const cyclesPerRound = inner.items.filter((s) => isMap(s) && (s as YAMLMap).has("partition")).length;
  if (cyclesPerRound === 0) throw new Error("the soak's repeated steps hold no `partition` step, so no cycle; restore bench/soak/soak.yaml");
  const rounds = Math.ceil(cyclesWanted / cyclesPerRound);
  repeat.set("times", rounds);
  const minutes = Math.max(30, Math.ceil((rounds * cyclesPerRound * TIMEOUT_PER_CYCLE_S) / 60));
  doc.setIn(["limits", "run_timeout"], `${minutes}m`);
  return { text: doc.toString(), cyclesPerRound, rounds, cycles: rounds * cyclesPerRound };
}

/** The steps a run executes, in order: every `repeat` unrolled `times` times (for the soaks' tests). */
export function flattenSteps(steps: readonly Step[], times = 1): Step[] {
  const out: Step[] = [];
  for (let i = 0; i < times; i++) {
    for (const s of steps) out.push(...(s.kind === "repeat" ? flattenSteps(s.steps, s.times) : [s]));
  }
  return out;
}
