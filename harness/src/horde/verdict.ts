/**
 * From a census analysis and the run's history to the verdicts of `horde.unique` and
 * `horde.no_loss`: one sentence a person reads, and the per-key evidence for results.json (live
 * pids, registered pid and lookup per node, anomalies, duplicates seen during the faults, the
 * exits the workers got). Pure: the checkers in checks/horde.ts feed it.
 */
import { ANOMALY_KINDS, ANOMALY_TEXT, shortPid, type AnomalyKind, type CensusAnalysis, type KeyState } from "./census.js";
import { keyHealToCleanMs, summarizeSamples, workerExits, type EntryLike, type RunSummary, type WorkerEvents, type WorkerExit } from "./census-history.js";

export interface HordeVerdict {
  verdict: "pass" | "fail" | "unknown";
  detail: string;
  data: HordeCheckData;
}

export interface KeyReport {
  live: string[];
  registered: KeyState["registered"];
  lookup: KeyState["lookup"];
  anomalies: AnomalyKind[];
  undecided?: string;
  /** Anomalies this key showed in some sample during the faults. */
  during_faults: AnomalyKind[];
  /** ms from the heal after the last fault to the sample from which this key stayed clean; null: not clean in the last sample, or no heal sampled. */
  clean_after_heal_ms: number | null;
  /** The exits its workers got (the conflict losers' reasons among them). */
  exits: { node: string; pid: string; kind: string; reason: string; winner?: string; at_ms: number }[];
  /** Exit signals a trapping worker ignored (it kept running). */
  ignored_exits: { node: string; pid: string; kind: string; reason: string; at_ms: number }[];
}

export interface HordeCheckData {
  keys_total: number;
  /** Per key; with more than MAX_KEYS keys only those with something to report. */
  keys: Record<string, KeyReport>;
  keys_omitted?: number;
  counts: Record<AnomalyKind, number>;
  nodes: CensusAnalysis["views"];
  undecided: string | null;
  during_faults: RunSummary["duringFaults"];
  samples: { during_faults: number; after_heal: number };
  heal_to_clean_ms: number | null;
  exit_kinds: Record<string, number>;
  ignored_exits: number;
  already_started: number;
  /** Horde's own processes that went down during the run (each was restarted by the workload's supervisor). */
  horde_down: { node: string; what: string; kind: string; reason: string; at_ms: number }[];
}

export const MAX_KEYS = 1000;
/** How many keys a sentence names before "and N more". */
const NAMED = 3;

function countBy(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

const countKinds = (xs: readonly WorkerExit[]) => countBy(xs.map((x) => x.kind));

/** Everything the report says beyond the current census: the faults, the recovery, the exits. */
function historyNotes(summary: RunSummary, exits: WorkerEvents, unique: boolean): string[] {
  const notes: string[] = [];
  const parts = (["two_live", "missing", "alive_unregistered"] as const).flatMap((k) => {
    const d = summary.duringFaults[k];
    return d ? [`${ANOMALY_TEXT[k]}: ${d.keys.length} key${d.keys.length === 1 ? "" : "s"} (at most ${d.maxAtOnce} at once, first ${(d.firstAfterMs / 1000).toFixed(1)} s after the first fault)`] : [];
  });
  if (summary.samplesDuringFaults > 0) notes.push(parts.length ? `during the faults ${parts.join(", ")}` : `no duplicate or lost key in ${summary.samplesDuringFaults} sample${summary.samplesDuringFaults === 1 ? "" : "s"} during the faults`);
  if (unique && summary.healToCleanMs !== null && summary.samplesAfterHeal > 0) notes.push(`the census was clean ${summary.healToCleanMs} ms after the last heal`);
  const kinds = Object.entries(countKinds(exits.exits)).sort(([, a], [, b]) => b - a);
  if (kinds.length) notes.push(`worker exits: ${kinds.map(([k, n]) => `${k} ×${n}`).join(", ")}`);
  for (const what of ["supervisor", "registry"]) {
    const downs = exits.hordeDown.filter((d) => d.what === what);
    if (downs.length === 0) continue;
    const perNode = Object.entries(countBy(downs.map((d) => d.node))).map(([n, c]) => `${n} ×${c}`).join(", ");
    notes.push(`Horde.${what === "registry" ? "Registry" : "DynamicSupervisor"} went down ${downs.length} time${downs.length === 1 ? "" : "s"} (${perNode}; first: ${downs[0]!.kind})`);
  }
  if (exits.ignored.length) notes.push(`${exits.ignored.length} exit signal${exits.ignored.length === 1 ? "" : "s"} ignored by trapping workers (${Object.entries(countKinds(exits.ignored)).map(([k, n]) => `${k} ×${n}`).join(", ")})`);
  return notes;
}

function buildData(a: CensusAnalysis, entries: readonly EntryLike[], t0: number): { data: HordeCheckData; summary: RunSummary; exits: ReturnType<typeof workerExits> } {
  const summary = summarizeSamples(entries);
  const exits = workerExits(entries);
  const duringByKey = new Map<string, AnomalyKind[]>();
  for (const kind of ANOMALY_KINDS) for (const k of summary.duringFaults[kind]?.keys ?? []) duringByKey.set(k, [...(duringByKey.get(k) ?? []), kind]);
  const exitsByKey = new Map<string, WorkerExit[]>();
  for (const x of exits.exits) exitsByKey.set(x.key, [...(exitsByKey.get(x.key) ?? []), x]);
  const ignoredByKey = new Map<string, WorkerExit[]>();
  for (const x of exits.ignored) ignoredByKey.set(x.key, [...(ignoredByKey.get(x.key) ?? []), x]);
  const all = a.keys.length <= MAX_KEYS;
  const keys: Record<string, KeyReport> = {};
  let omitted = 0;
  for (const k of a.keys) {
    const during = duringByKey.get(k.key) ?? [];
    const kx = exitsByKey.get(k.key) ?? [];
    const ki = ignoredByKey.get(k.key) ?? [];
    if (!all && k.anomalies.length === 0 && !k.undecided && during.length === 0 && kx.length === 0 && ki.length === 0) {
      omitted++;
      continue;
    }
    keys[k.key] = {
      live: k.live,
      registered: k.registered,
      lookup: k.lookup,
      anomalies: k.anomalies,
      ...(k.undecided ? { undecided: k.undecided } : {}),
      during_faults: during,
      clean_after_heal_ms: keyHealToCleanMs(summary, k.key),
      exits: kx.map((x) => ({ node: x.node, pid: x.pid, kind: x.kind, reason: x.reason, ...(x.winner ? { winner: x.winner } : {}), at_ms: Math.round(x.at - t0) })),
      ignored_exits: ki.map((x) => ({ node: x.node, pid: x.pid, kind: x.kind, reason: x.reason, at_ms: Math.round(x.at - t0) })),
    };
  }
  return {
    summary,
    exits,
    data: {
      keys_total: a.keys.length,
      keys,
      ...(omitted ? { keys_omitted: omitted } : {}),
      counts: a.counts,
      nodes: a.views,
      undecided: a.undecided,
      during_faults: summary.duringFaults,
      samples: { during_faults: summary.samplesDuringFaults, after_heal: summary.samplesAfterHeal },
      heal_to_clean_ms: summary.healToCleanMs,
      exit_kinds: countKinds(exits.exits),
      ignored_exits: exits.ignored.length,
      already_started: exits.alreadyStarted,
      horde_down: exits.hordeDown.map((d) => ({ node: d.node, what: d.what, kind: d.kind, reason: d.reason, at_ms: Math.round(d.at - t0) })),
    },
  };
}

function describeKey(a: CensusAnalysis, key: string, kinds: readonly AnomalyKind[]): string {
  const parts = a.anomalies.filter((x) => x.key === key && kinds.includes(x.kind)).map((x) => `${ANOMALY_TEXT[x.kind]} (${x.detail})`);
  return `${key}: ${[...new Set(parts)].join(", ")}`;
}

function withNotes(sentence: string, notes: readonly string[]): string {
  return notes.length ? `${sentence}; ${notes.join("; ")}` : sentence;
}

export interface VerdictInput {
  analysis: CensusAnalysis;
  entries: readonly EntryLike[];
  /** The run's start (harness ms), for times in the data. */
  t0: number;
}

/** `horde.unique`: every key has exactly one live worker, registered, and every node's lookup finds it. */
export function uniqueVerdict({ analysis: a, entries, t0 }: VerdictInput): HordeVerdict {
  const { data, summary, exits } = buildData(a, entries, t0);
  const nodes = Object.keys(a.views).length;
  const bad = a.keys.filter((k) => k.anomalies.length > 0);
  if (bad.length > 0) {
    const counts = ANOMALY_KINDS.filter((k) => a.counts[k] > 0).map((k) => `${ANOMALY_TEXT[k]}: ${a.counts[k]}`).join(", ");
    const named = bad.slice(0, NAMED).map((k) => describeKey(a, k.key, k.anomalies)).join("; ");
    const more = bad.length > NAMED ? `; and ${bad.length - NAMED} more` : "";
    return { verdict: "fail", data, detail: withNotes(`${bad.length} of ${a.keys.length} keys are not unique (${counts}): ${named}${more}`, historyNotes(summary, exits, false)) };
  }
  if (a.undecided) return { verdict: "unknown", data, detail: withNotes(`cannot decide: ${a.undecided}`, historyNotes(summary, exits, false)) };
  return {
    verdict: "pass",
    data,
    detail: withNotes(`all ${a.keys.length} keys have one live worker that the lookups of all ${nodes} nodes find`, historyNotes(summary, exits, true)),
  };
}

/** `horde.no_loss`: every key has a live worker somewhere. */
export function noLossVerdict({ analysis: a, entries, t0 }: VerdictInput): HordeVerdict {
  const { data, summary, exits } = buildData(a, entries, t0);
  const notes = historyNotes(summary, exits, false);
  const lost = a.byKind.missing;
  if (lost.length > 0) {
    const named = a.keys.filter((k) => lost.includes(k.key)).slice(0, NAMED).map((k) => {
      const regs = [...new Set(Object.values(k.registered).filter((p): p is string => p !== null))];
      return regs.length ? `${k.key} (still registered to ${regs.map(shortPid).join(", ")})` : k.key;
    });
    return { verdict: "fail", data, detail: withNotes(`${lost.length} of ${a.keys.length} keys have no live worker: ${named.join(", ")}${lost.length > NAMED ? `, and ${lost.length - NAMED} more` : ""}`, notes) };
  }
  if (a.noLoss === null) return { verdict: "unknown", data, detail: withNotes(`cannot decide: ${a.undecided ?? "some nodes did not answer"}`, notes) };
  const workers = a.keys.reduce((s, k) => s + k.live.length, 0);
  return { verdict: "pass", data, detail: withNotes(`all ${a.keys.length} keys have a live worker (${workers} live workers in all)`, notes) };
}
