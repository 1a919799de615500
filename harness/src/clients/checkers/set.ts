/**
 * `history.set`: clients add unique elements, a final read (after the final heal) lists what the
 * application kept. The classes follow Jepsen's set checker, stricter on `fail`:
 *
 *   ok          acknowledged adds (ok) that the final read has
 *   lost        acknowledged adds the final read does not have                  -> fail
 *   unexpected  read elements no client ever tried to add                        -> fail
 *   recovered   indeterminate adds (info) that were read: they did happen        (fine)
 *   failed_read adds that returned fail (and never ok or info) yet were read     -> fail
 *   duplicated  elements the read lists more than once                           -> fail
 *   never_read  indeterminate adds not read: they did not happen (fine, counted)
 *
 * Why `failed_read` fails where Jepsen counts it as recovered: here `fail` means the function said
 * {:error, _} / false, i.e. "this did not happen"; an element that is read anyway is a lie a
 * client that retries would turn into a duplicate. Apps whose errors mean "maybe" (a GenServer
 * call timeout turned into {:error, :timeout}) list those reasons in the op's `indeterminate`,
 * which records them as info.
 *
 * The final read is `options.finalRead` when given (the value `finalRead()` obtained), else the
 * last ok read in the history. Elements compare by text (17 and "17" are one element).
 */
import type { HistoryVerdict, Op } from "../types.js";
import { capped, elements, key, listText, outcome, pairOps, plural } from "./common.js";

export interface SetOptions {
  /** The op name of adds. Default "add". */
  add?: string;
  /** The op name of reads. Default "read". */
  read?: string;
  /** The final read's value (a list); default: the last ok read in the history. */
  finalRead?: unknown;
}

export function checkSet(ops: readonly Op[], options: SetOptions = {}): HistoryVerdict {
  const addF = options.add ?? "add";
  const readF = options.read ?? "read";
  const pairs = pairOps(ops);
  const acknowledged = new Set<string>(), indeterminate = new Set<string>(), failed = new Set<string>();
  for (const p of pairs) {
    if (p.invoke.f !== addF) continue;
    const k = key(p.invoke.value);
    ({ ok: acknowledged, info: indeterminate, fail: failed })[outcome(p)].add(k);
  }
  let readValue = options.finalRead;
  if (!("finalRead" in options)) {
    const lastRead = pairs.filter((p) => p.invoke.f === readF && outcome(p) === "ok").at(-1);
    if (!lastRead) return { verdict: "unknown", detail: `no ${readF} returned ok, so the ${plural(acknowledged.size, "acknowledged add")} cannot be checked`, data: { acknowledged: acknowledged.size } };
    readValue = lastRead.completion!.value;
  }
  const read = elements(readValue);
  if (!read) return { verdict: "unknown", detail: `the final ${readF} returned ${key(readValue).slice(0, 80)}, not a list`, data: { acknowledged: acknowledged.size } };

  const seen = new Map<string, number>();
  for (const e of read) seen.set(e, (seen.get(e) ?? 0) + 1);
  const attempted = (k: string) => acknowledged.has(k) || indeterminate.has(k) || failed.has(k);
  const keys = [...seen.keys()];
  const lost = capped([...acknowledged].filter((k) => !seen.has(k)));
  const unexpected = capped(keys.filter((k) => !attempted(k)));
  const recovered = capped(keys.filter((k) => !acknowledged.has(k) && indeterminate.has(k)));
  const failedRead = capped(keys.filter((k) => !acknowledged.has(k) && !indeterminate.has(k) && failed.has(k)));
  const duplicated = capped(keys.filter((k) => seen.get(k)! > 1));
  const neverRead = [...indeterminate].filter((k) => !acknowledged.has(k) && !seen.has(k)).length;
  const ok = [...acknowledged].filter((k) => seen.has(k)).length;

  const data = {
    attempts: new Set([...acknowledged, ...indeterminate, ...failed]).size, acknowledged: acknowledged.size, read: seen.size,
    ok, lost, unexpected, recovered, failed_read: failedRead, duplicated, never_read: neverRead,
  };
  const problems = [
    lost.count ? `lost ${lost.count} of ${acknowledged.size} acknowledged adds (${listText(lost)})` : "",
    unexpected.count ? `${unexpected.count} never added (${listText(unexpected)})` : "",
    failedRead.count ? `${plural(failedRead.count, "add")} that returned fail yet read (${listText(failedRead)})` : "",
    duplicated.count ? `${plural(duplicated.count, "element")} read more than once (${listText(duplicated)})` : "",
  ].filter(Boolean);
  const extra = recovered.count ? `; ${recovered.count} indeterminate recovered` : "";
  if (problems.length) return { verdict: "fail", detail: `${problems.join("; ")}${extra}`, data };
  if (acknowledged.size === 0) return { verdict: "unknown", detail: `no add was acknowledged (${plural(data.attempts, "attempt")}), so none could be lost${extra}`, data };
  return { verdict: "pass", detail: `all ${plural(acknowledged.size, "acknowledged add")} read once${extra}${neverRead ? `, ${neverRead} indeterminate not read` : ""}`, data };
}
