/**
 * `history.exactly_once`: "no work lost, none done twice when a node dies mid-run", in one
 * line. The history says which adds were acknowledged; the application says, at the end, how
 * many times each one's effect happened (a function the scenario names, read after the final
 * heal: `effects` maps id -> times). Then:
 *
 *   lost        acknowledged, effect 0 times                 -> fail
 *   duplicated  any add (ok or info) whose effect happened >1 -> fail
 *   failed_done a fail add whose effect happened             -> fail (fail means "did not happen")
 *   recovered   an info add whose effect happened once       (fine)
 *
 * Ids missing from `effects` count as 0 times. Ids in `effects` that no client added are
 * reported as `unknown_ids` (the app's own work, retries under other ids): counted, not judged.
 */
import type { HistoryVerdict, Op } from "../types.js";
import { capped, key, listText, outcome, pairOps, plural } from "./common.js";

export interface ExactlyOnceOptions {
  /** The op name of adds. Default "add". */
  add?: string;
}

/** `effects`: id -> times, as a Map or the app's map (a read's `value`); anything else is unknown. */
export function checkExactlyOnce(ops: readonly Op[], effects: unknown, options: ExactlyOnceOptions = {}): HistoryVerdict {
  const addF = options.add ?? "add";
  const times = effectTimes(effects);
  if (!times) return { verdict: "unknown", detail: `the effects read returned ${key(effects).slice(0, 80)}, not a map of id to times`, data: {} };
  const status = new Map<string, "ok" | "info" | "fail">();
  for (const p of pairOps(ops)) {
    if (p.invoke.f !== addF) continue;
    const k = key(p.invoke.value), o = outcome(p), prev = status.get(k);
    // the strongest claim wins: ok over info over fail
    if (!prev || o === "ok" || (o === "info" && prev === "fail")) status.set(k, o);
  }
  const n = (k: string) => times.get(k) ?? 0;
  const ids = [...status.keys()];
  const acknowledged = ids.filter((k) => status.get(k) === "ok");
  const lost = capped(acknowledged.filter((k) => n(k) === 0));
  const duplicated = capped(ids.filter((k) => status.get(k) !== "fail" && n(k) > 1));
  const failedDone = capped(ids.filter((k) => status.get(k) === "fail" && n(k) > 0));
  const recovered = ids.filter((k) => status.get(k) === "info" && n(k) === 1).length;
  const unknownIds = [...times.keys()].filter((k) => !status.has(k) && n(k) > 0).length;
  const data = { acknowledged: acknowledged.length, exactly_once: acknowledged.filter((k) => n(k) === 1).length, lost, duplicated, failed_done: failedDone, recovered, unknown_ids: unknownIds };

  const problems = [
    lost.count ? `${lost.count} of ${acknowledged.length} acknowledged never done (${listText(lost)})` : "",
    duplicated.count ? `${plural(duplicated.count, "add")} done more than once (${listText(duplicated)})` : "",
    failedDone.count ? `${plural(failedDone.count, "add")} that returned fail done anyway (${listText(failedDone)})` : "",
  ].filter(Boolean);
  if (problems.length) return { verdict: "fail", detail: problems.join("; "), data };
  if (acknowledged.length === 0) return { verdict: "unknown", detail: `no ${addF} returned ok, so nothing was promised`, data };
  return { verdict: "pass", detail: `all ${plural(acknowledged.length, "acknowledged add")} done exactly once${recovered ? `, ${recovered} indeterminate done once too` : ""}`, data };
}

function effectTimes(effects: unknown): Map<string, number> | undefined {
  const entries = effects instanceof Map ? [...effects] : effects !== null && typeof effects === "object" && !Array.isArray(effects) ? Object.entries(effects) : undefined;
  if (!entries || entries.some(([, v]) => typeof v !== "number")) return undefined;
  return new Map(entries.map(([k, v]) => [key(k), v as number]));
}
