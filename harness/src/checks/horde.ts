/** `horde.unique` and `horde.no_loss`. Without Horde on the nodes they are skipped, never passed. */
import type { WithinCheck } from "../scenario/model.js";
import type { Attempt, Checker } from "./types.js";
import type { RunContext } from "../runner/context.js";

async function hordeAttempt(ctx: RunContext): Promise<Attempt> {
  if (ctx.hordeUnavailable) return { verdict: "skipped", detail: `Horde is not available (${ctx.hordeUnavailable})` };
  return { verdict: "unknown", detail: "the Horde census is not implemented in this version of netsplit" };
}

export const hordeUnique: Checker<WithinCheck<"horde.unique">> = { name: "horde.unique", converges: true, attempt: hordeAttempt };
export const hordeNoLoss: Checker<WithinCheck<"horde.no_loss">> = { name: "horde.no_loss", converges: true, attempt: hordeAttempt };
