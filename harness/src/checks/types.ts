/**
 * Checkers: each decides one property of the cluster and returns a verdict, the measured value
 * and one sentence a person understands. Verdicts are three-valued plus `skipped`: `unknown`
 * means it could not be decided (a node did not answer, a checker threw), `skipped` that it
 * cannot run here (e.g. Horde is not available).
 */
import type { Check } from "../scenario/model.js";
import type { RunContext } from "../run/context.js";
import type { Verdict } from "../run/events.js";

export type { CheckResult, Verdict } from "../run/events.js";

/** One attempt of a checker. */
export interface Attempt {
  verdict: Verdict;
  /** One sentence for a person. */
  detail: string;
  /** The measured value (ms) when the check is about time, e.g. the worst global op. */
  valueMs?: number;
  /** Structured evidence for reports: which node saw what. */
  data?: unknown;
  /** True when retrying cannot change the verdict (e.g. no partition in force, a node is down). */
  final?: boolean;
}

export interface Checker<C extends Check = Check> {
  readonly name: C["name"];
  /** Convergence checks retry until they pass or `within` runs out. */
  readonly converges: boolean;
  attempt(ctx: RunContext, check: C): Promise<Attempt>;
}
