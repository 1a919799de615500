/**
 * `invariant`: a function of the application under test decides a property on each node
 * (`MyApp.Check.no_duplicates/0`). Judged as app/calls.ts says: `:ok`/`true` pass,
 * `{:error, reason}`/`false` fail with the reason, a raise or a timeout is unknown. Retried
 * `within` its window until every asked node passes.
 */
import type { InvariantCheck } from "../scenario/model.js";
import { callNodes, callOn, combine, describeOutcomes } from "../app/calls.js";
import type { Checker } from "./types.js";

export const invariant: Checker<InvariantCheck> = {
  name: "invariant",
  converges: true,
  async attempt(ctx, check) {
    const nodes = callNodes(ctx, check.nodes);
    if (nodes.length === 0) return { verdict: "unknown", final: true, detail: `${check.call.text}: no running node to ask` };
    const outcomes = await Promise.all(nodes.map((n) => callOn(ctx, n, check.call, check.timeoutMs, check.expect)));
    const verdict = combine(outcomes);
    const data = Object.fromEntries(outcomes.map((o) => [o.node, { verdict: o.verdict, what: o.what, ...(o.printed !== undefined ? { printed: o.printed } : {}), ...(o.ms !== undefined ? { ms: o.ms } : {}) }]));
    const final = verdict === "unknown" && outcomes.every((o) => o.verdict !== "unknown" || o.final);
    return { verdict, detail: describeOutcomes(check.call, outcomes), data, ...(final ? { final } : {}) };
  },
};
