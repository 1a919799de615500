/**
 * `horde.unique` and `horde.no_loss`, decided from a census of every running node: the live
 * worker processes each node finds on itself AND what each node's Horde.Registry holds and
 * answers (see horde/census.ts; either alone gives false passes). Without Horde on the nodes
 * they are skipped with the reason, never passed.
 */
import { allHordeKeys, analyzeCensus, type CensusAnalysis, type NodeCensus } from "../horde/census.js";
import { noLossVerdict, uniqueVerdict, type HordeVerdict, type VerdictInput } from "../horde/verdict.js";
import type { WithinCheck } from "../scenario/model.js";
import type { RunContext } from "../run/context.js";
import { askAll } from "./ask.js";
import type { Attempt, Checker } from "./types.js";

/** Asks every running node for its census and merges them; an Attempt when that cannot be done. */
export async function takeCensus(ctx: RunContext): Promise<CensusAnalysis | Attempt> {
  if (ctx.hordeUnavailable) return { verdict: "skipped", detail: `Horde is not available (${ctx.hordeUnavailable})` };
  const keys = allHordeKeys(ctx.scenario.workload.horde);
  if (keys.length === 0) return { verdict: "unknown", detail: "the scenario has no Horde workload to observe (add workload.horde)", final: true };
  const running = ctx.cluster.running();
  const { answers, silent } = await askAll<NodeCensus>(ctx, "horde_census", {}, running);
  const down = ctx.cluster.names.filter((n) => !running.includes(n));
  return analyzeCensus({ keys, answers, silent, down });
}

async function decideWith(ctx: RunContext, decide: (input: VerdictInput) => HordeVerdict): Promise<Attempt> {
  const census = await takeCensus(ctx);
  if ("verdict" in census) return census;
  const v = decide({ analysis: census, entries: ctx.history.entries, t0: ctx.startedAt });
  return { verdict: v.verdict, detail: v.detail, data: v.data };
}

export const hordeUnique: Checker<WithinCheck<"horde.unique">> = {
  name: "horde.unique",
  converges: true,
  attempt: (ctx) => decideWith(ctx, uniqueVerdict),
};

export const hordeNoLoss: Checker<WithinCheck<"horde.no_loss">> = {
  name: "horde.no_loss",
  converges: true,
  attempt: (ctx) => decideWith(ctx, noLossVerdict),
};
