/**
 * A run's Horde history summarized, as pure logic: the workers' exits and ignored exits
 * (trap_exit) and Horde's own crashes from the agents' events, and the `horde_sample` series
 * (duplicates seen during the faults, time from the last heal to a clean state per key).
 */
import { ANOMALY_KINDS, type AnomalyKind, type HordeSampleRecord } from "./census.js";

/** A history entry, as far as this module reads it. */
export interface EntryLike {
  t: number;
  type: string;
  [k: string]: unknown;
}

export interface WorkerExit {
  node: string;
  key: string;
  pid: string;
  /** name_conflict, shutdown, killed, noproc, ... */
  kind: string;
  reason: string;
  winner?: string;
  /** Harness ms. */
  at: number;
}

/** A Horde process of a workload (its registry or its supervisor) that went down on a node. */
export interface HordeDown {
  node: string;
  /** "registry" | "supervisor" */
  what: string;
  kind: string;
  reason: string;
  at: number;
}

export interface WorkerEvents {
  exits: WorkerExit[];
  /** Exit signals that trapping workers ignored (they kept running). */
  ignored: WorkerExit[];
  /** Starts that found the name taken (`:ignore` or `{:error, {:already_started, pid}}`). */
  alreadyStarted: number;
  /** Horde.Registry / Horde.DynamicSupervisor processes that went down (and were restarted). */
  hordeDown: HordeDown[];
}

/** Workers' exits and ignored exits (trap_exit), and Horde's own crashes, from the agents' events in the history. */
export function workerExits(entries: readonly EntryLike[]): WorkerEvents {
  const exits: WorkerExit[] = [];
  const ignored: WorkerExit[] = [];
  const hordeDown: HordeDown[] = [];
  let alreadyStarted = 0;
  for (const e of entries) {
    if (e.type !== "node_event") continue;
    const ev = e.event as Record<string, unknown> | undefined;
    if (!ev) continue;
    if (ev.event === "horde_already_started") alreadyStarted++;
    if (ev.event === "horde_down") hordeDown.push({ node: String(e.node), what: String(ev.what), kind: String(ev.kind ?? "other"), reason: String(ev.reason ?? ""), at: e.t });
    if (ev.event !== "horde_worker_exit" && ev.event !== "horde_exit_ignored") continue;
    const x: WorkerExit = {
      node: String(e.node),
      key: String(ev.key),
      pid: String(ev.pid),
      kind: String(ev.kind ?? "other"),
      reason: String(ev.reason ?? ""),
      ...(typeof ev.winner === "string" ? { winner: ev.winner } : {}),
      at: e.t,
    };
    (ev.event === "horde_worker_exit" ? exits : ignored).push(x);
  }
  return { exits, ignored, alreadyStarted, hordeDown };
}

export interface RunSummary {
  /** Samples taken between the first fault and the heal after the last fault / after that heal. */
  samplesDuringFaults: number;
  samplesAfterHeal: number;
  /** Keys seen with each anomaly in some sample during the faults, and the most at once. */
  duringFaults: Partial<Record<AnomalyKind, { keys: string[]; maxAtOnce: number; firstAfterMs: number }>>;
  /** ms from the last heal to the first sample from which every later sample was clean; null: not clean by the last sample (or no heal yet). */
  healToCleanMs: number | null;
  /** Anomalies still present in the last sample. */
  lastSample: Partial<Record<AnomalyKind, string[]>> | null;
  /** When the heal after the last fault was applied (harness ms); null while a fault is in force or when there was none. */
  healedAt: number | null;
  /** The samples after that heal: when, and the keys with some anomaly. */
  afterHeal: { t: number; keys: string[] }[];
}

/** Per key: ms from the heal to the first sample after which the key never showed an anomaly again; null if it still did in the last sample. */
export function keyHealToCleanMs(summary: RunSummary, key: string): number | null {
  const { afterHeal, healedAt } = summary;
  if (healedAt === null || afterHeal.length === 0 || afterHeal.at(-1)!.keys.includes(key)) return null;
  let i = afterHeal.length - 1;
  while (i > 0 && !afterHeal[i - 1]!.keys.includes(key)) i--;
  return Math.round(afterHeal[i]!.t - healedAt);
}

/**
 * What the `horde_sample` entries say about the run. "During the faults" is from the first fault
 * after the workload was ready to the heal that followed the last fault (a `fault` of kind heal,
 * or the runner's `final_heal`), or to now while a fault is still in force (a mid-run check);
 * the recovery is what follows that heal.
 */
export function summarizeSamples(entries: readonly EntryLike[]): RunSummary {
  const ready = entries.find((e) => e.type === "workload_ready")?.t ?? 0;
  const at = (e: EntryLike) => (typeof e.appliedAt === "number" ? e.appliedAt : e.t);
  const isHeal = (e: EntryLike) => (e.type === "fault" && e.kind === "heal") || e.type === "final_heal";
  const changes = entries.filter((e) => (e.type === "fault" || e.type === "final_heal") && e.t >= ready);
  const firstFault = changes.find((e) => !isHeal(e));
  let lastFaultIndex = -1;
  changes.forEach((e, i) => {
    if (!isHeal(e)) lastFaultIndex = i;
  });
  const healAfter = lastFaultIndex >= 0 ? changes.slice(lastFaultIndex + 1).find(isHeal) : undefined;
  const from = firstFault ? at(firstFault) : null;
  const healedAt = healAfter ? at(healAfter) : null;
  const samples = entries.filter((e) => e.type === "horde_sample" && e.t >= ready) as (EntryLike & Partial<HordeSampleRecord>)[];
  const during = from === null ? [] : samples.filter((s) => s.t >= from && (healedAt === null || s.t <= healedAt));
  const after = from === null ? samples : healedAt === null ? [] : samples.filter((s) => s.t > healedAt);
  const duringFaults: RunSummary["duringFaults"] = {};
  for (const s of during) {
    for (const kind of ANOMALY_KINDS) {
      const keys = s.anomalies?.[kind];
      if (!keys || keys.length === 0) continue;
      const d = (duringFaults[kind] ??= { keys: [], maxAtOnce: 0, firstAfterMs: Math.round(s.t - from!) });
      for (const k of keys) if (!d.keys.includes(k)) d.keys.push(k);
      d.maxAtOnce = Math.max(d.maxAtOnce, keys.length);
    }
  }
  let healToCleanMs: number | null = null;
  if (after.length > 0 && after.at(-1)!.clean) {
    let i = after.length - 1;
    while (i > 0 && after[i - 1]!.clean) i--;
    healToCleanMs = healedAt === null ? null : Math.round(after[i]!.t - healedAt);
  }
  const last = samples.at(-1);
  return {
    samplesDuringFaults: during.length,
    samplesAfterHeal: after.length,
    duringFaults,
    healToCleanMs,
    lastSample: last ? (last.anomalies ?? {}) : null,
    healedAt,
    afterHeal: after.map((x) => ({ t: x.t, keys: [...new Set(Object.values(x.anomalies ?? {}).flat())] })),
  };
}
