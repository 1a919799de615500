/**
 * `history.unique_ids`: an op that hands out ids (`Jobs.submit/1` replying the job's id, a
 * sequence's next value) must never hand out the same id twice. Only acknowledged ids count: the
 * values of the ok completions of `f`. A fail or info op handed out nothing we know of.
 */
import type { HistoryVerdict, Op } from "../types.js";
import { capped, key, listText, plural } from "./common.js";

export interface UniqueIdsOptions {
  /** The op name that returns ids. Default "add". */
  f?: string;
}

export function checkUniqueIds(ops: readonly Op[], options: UniqueIdsOptions = {}): HistoryVerdict {
  const f = options.f ?? "add";
  const seen = new Map<string, { count: number; first: number }>();
  let acknowledged = 0;
  for (const op of ops) {
    if (op.type !== "ok" || op.f !== f) continue;
    acknowledged++;
    const k = key(op.value);
    const entry = seen.get(k);
    if (entry) entry.count++;
    else seen.set(k, { count: 1, first: op.index });
  }
  if (acknowledged === 0) return { verdict: "unknown", detail: `no ${f} returned ok, so no id can be compared`, data: { acknowledged: 0 } };
  const dupKeys = [...seen].filter(([, e]) => e.count > 1).map(([k]) => k);
  const duplicated = capped(dupKeys);
  const data = {
    acknowledged, distinct: seen.size, duplicated,
    counts: Object.fromEntries(duplicated.items.map((k) => [k, seen.get(k)!.count])),
  };
  if (duplicated.count) {
    return { verdict: "fail", detail: `${plural(duplicated.count, "id")} handed out more than once among ${acknowledged} acknowledged (${listText(duplicated)})`, data };
  }
  return { verdict: "pass", detail: `all ${plural(acknowledged, `acknowledged ${f}`)} returned distinct ids`, data };
}
