/**
 * `horde.unique` and `horde.no_loss`, decided from a census of every running node: the live
 * worker processes each node finds on itself AND what each node's Horde.Registry holds and
 * answers (see horde/census.ts; either alone gives false passes). Without Horde on the nodes
 * they are skipped with the reason, never passed.
 */
import { allHordeKeys, analyzeCensus, type CensusAnalysis, type NodeCensus } from "../horde/census.js";
import { noLossVerdict, uniqueVerdict, type HordeVerdict, type VerdictInput } from "../horde/verdict.js";
import type { HordeCheck } from "../scenario/model.js";
import { moduleInPaths } from "../app/mix-project.js";
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

/**
 * `registry:`/`supervisor:` name the application's own Horde modules. Skipped, with the reason,
 * when the application has no Horde; reading a user's registry is not built yet, which is
 * reported as unknown (never a pass).
 */
function userHorde(ctx: RunContext, check: HordeCheck<"horde.unique" | "horde.no_loss">): Attempt | undefined {
  if (check.registry === undefined && check.supervisor === undefined) return undefined;
  const paths = ctx.app?.codePaths ?? [];
  if (!moduleInPaths("Elixir.Horde.Registry", paths)) {
    return { verdict: "skipped", final: true, detail: `Horde is not available: the application under test has no Horde (no Elixir.Horde.Registry.beam in its code paths), so ${check.registry ?? check.supervisor} cannot be a Horde registry here` };
  }
  return { verdict: "unknown", final: true, detail: `checking the application's own Horde registry (${check.registry ?? check.supervisor}) is not supported by this version of netsplit yet` };
}

export const hordeUnique: Checker<HordeCheck<"horde.unique">> = {
  name: "horde.unique",
  converges: true,
  attempt: async (ctx, check) => userHorde(ctx, check) ?? decideWith(ctx, uniqueVerdict),
};

export const hordeNoLoss: Checker<HordeCheck<"horde.no_loss">> = {
  name: "horde.no_loss",
  converges: true,
  attempt: async (ctx, check) => userHorde(ctx, check) ?? decideWith(ctx, noLossVerdict),
};
