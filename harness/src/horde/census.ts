/**
 * The Horde census, as pure logic: what every node's agent reported (`horde_census`) merged into
 * one picture per key, and the anomalies found in it. Both sources are needed, either alone gives
 * false passes:
 *
 * - the LIVE WORKERS each node reports for itself (a local process check, never through Horde):
 *   a duplicate that Horde's registry no longer lists is only visible here;
 * - each node's REGISTRY: the raw entry (`Horde.Registry.select/2`) and the answer of
 *   `Horde.Registry.lookup/2` (what an application on that node gets): a name that vanished, or
 *   that nodes resolve differently, is only visible here.
 *
 * Anomalies, per key: `two_live` (more than one live worker), `alive_unregistered` (a live worker
 * that no node's lookup finds), `registered_dead` (a node's registry entry or lookup names a pid
 * that is not a live worker), `lookups_disagree` (nodes' lookups give different answers,
 * "nothing" included), `missing` (no live worker at all).
 *
 * The summary of a run's Horde history is in census-history.ts. Nothing here talks to a node.
 */
import { shortName } from "../util/names.js";

/** One workload of one node's `horde_census` answer, as the agent sends it. */
export interface WorkloadCensus {
  index: number;
  keys: number;
  running: boolean;
  error?: string;
  registry?: string | null;
  supervisor?: string | null;
  members?: { registry?: string[] | null; supervisor?: string[] | null };
  /** Live worker processes on this node: [key, pid, started_us]. */
  workers: [string, string, number][];
  /** The registry's raw entries on this node: key -> pid. */
  entries: Record<string, string>;
  /** Horde.Registry.lookup/2 on this node: key -> pid (keys it does not find are absent). */
  lookups: Record<string, string>;
  /** Keys whose lookup did not answer in time (e.g. blocked in erpc behind a blackhole). */
  blocked: string[];
}

/** One node's `horde_census` answer. */
export interface NodeCensus {
  node: string;
  t_us: number;
  workloads: WorkloadCensus[];
}

export const ANOMALY_KINDS = ["two_live", "alive_unregistered", "registered_dead", "lookups_disagree", "missing"] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export const ANOMALY_TEXT: Record<AnomalyKind, string> = {
  two_live: "two live",
  alive_unregistered: "alive but unregistered",
  registered_dead: "registered but dead",
  lookups_disagree: "lookups disagree",
  missing: "missing",
};

export interface Anomaly {
  kind: AnomalyKind;
  key: string;
  /** One phrase, e.g. `n4/312.0 alive, no node's lookup finds it`. */
  detail: string;
}

/** What a node's lookup gave: a pid, null (nothing), or "blocked" (no answer in time). */
export type LookupAnswer = string | null | "blocked";

export interface KeyState {
  key: string;
  /** Every live worker of the key, on any node. */
  live: string[];
  /** Each node's raw registry entry (null: none). */
  registered: Record<string, string | null>;
  /** Each node's lookup. */
  lookup: Record<string, LookupAnswer>;
  anomalies: AnomalyKind[];
  /** Why this key could not be fully decided, if so. */
  undecided?: string;
}

export interface CensusInput {
  /** Every key the workload started, in order. */
  keys: readonly string[];
  /** Running nodes that answered, short name -> their census. */
  answers: ReadonlyMap<string, NodeCensus>;
  /** Running nodes that did not answer, short name -> why. */
  silent: ReadonlyMap<string, string>;
  /** Nodes that are not running (killed, stopped): their pids are dead. */
  down?: readonly string[];
}

export interface CensusAnalysis {
  keys: KeyState[];
  anomalies: Anomaly[];
  /** How many keys show each anomaly. */
  counts: Record<AnomalyKind, number>;
  /** Keys with each anomaly (for the history: duplicates seen during the faults, ...). */
  byKind: Record<AnomalyKind, string[]>;
  /** No anomaly and nothing undecided. */
  clean: boolean;
  /** True/false when decided; null when a node did not answer and no live worker settles it. */
  noLoss: boolean | null;
  /** Why the census cannot be fully decided (silent nodes, stopped registries, blocked lookups); null when it can. */
  undecided: string | null;
  /** Per node counts, for the report's chart: live workers, raw entries, keys its lookups find. */
  views: Record<string, { workers: number; registered: number; found: number }>;
  /** Nodes whose registry was not running. */
  notRunning: string[];
}

/** The key names of a `horde` workload: k1..kN for the first, w<i+1>.k1.. for the others (the agent's names). */
export function hordeKeys(index: number, count: number): string[] {
  return Array.from({ length: count }, (_, j) => (index === 0 ? `k${j + 1}` : `w${index + 1}.k${j + 1}`));
}

/** Every key of every workload, in order. */
export function allHordeKeys(workloads: readonly { keys: number }[]): string[] {
  return workloads.flatMap((w, i) => hordeKeys(i, w.keys));
}

export const pidNode: (pid: string) => string = shortName;
/** `n1@127.0.0.1/312.0` -> `n1/312.0`, for sentences. */
export const shortPid = (pid: string): string => `${pidNode(pid)}/${pid.split("/").at(-1) ?? ""}`;

const byNodeName = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

function emptyKinds<T>(make: () => T): Record<AnomalyKind, T> {
  return Object.fromEntries(ANOMALY_KINDS.map((k) => [k, make()])) as Record<AnomalyKind, T>;
}

/** Merges every node's census and finds the anomalies of every key. */
export function analyzeCensus(input: CensusInput): CensusAnalysis {
  const nodes = [...input.answers.keys()].sort(byNodeName);
  const down = new Set(input.down ?? []);
  const silent = [...input.silent.keys()].sort(byNodeName);
  const live = new Map<string, Set<string>>();
  const liveAnywhere = new Set<string>();
  const registered = new Map<string, Map<string, string>>();
  const lookups = new Map<string, Map<string, string>>();
  const blocked = new Map<string, Set<string>>();
  const notRunning: string[] = [];
  const views: CensusAnalysis["views"] = {};
  for (const n of nodes) {
    const workloads = input.answers.get(n)!.workloads;
    const reg = new Map<string, string>();
    const look = new Map<string, string>();
    const blk = new Set<string>();
    let workers = 0;
    let running = workloads.length > 0;
    for (const w of workloads) {
      if (!w.running) running = false;
      for (const [key, pid] of w.workers) {
        workers++;
        liveAnywhere.add(pid);
        const set = live.get(key) ?? new Set<string>();
        set.add(pid);
        live.set(key, set);
      }
      for (const [k, p] of Object.entries(w.entries ?? {})) reg.set(k, p);
      for (const [k, p] of Object.entries(w.lookups ?? {})) look.set(k, p);
      for (const k of w.blocked ?? []) blk.add(k);
    }
    if (!running) notRunning.push(n);
    registered.set(n, reg);
    lookups.set(n, look);
    blocked.set(n, blk);
    views[n] = { workers, registered: input.keys.filter((k) => reg.has(k)).length, found: input.keys.filter((k) => look.has(k)).length };
  }

  /** true: a live worker; false: not one; null: cannot tell (its node did not answer). */
  const isLive = (pid: string): boolean | null => {
    if (liveAnywhere.has(pid)) return true;
    const owner = pidNode(pid);
    if (input.answers.has(owner) || down.has(owner)) return false;
    if (input.silent.has(owner)) return null;
    return false; // a node the cluster does not run (any more): its processes are gone
  };

  const keys: KeyState[] = [];
  const anomalies: Anomaly[] = [];
  const byKind = emptyKinds<string[]>(() => []);
  const undecidedNotes = new Set<string>();
  let lost = false;
  let lossUndecided = false;
  for (const key of input.keys) {
    const livePids = [...(live.get(key) ?? [])].sort();
    const reg: Record<string, string | null> = {};
    const look: Record<string, LookupAnswer> = {};
    for (const n of nodes) {
      reg[n] = registered.get(n)!.get(key) ?? null;
      look[n] = blocked.get(n)!.has(key) ? "blocked" : (lookups.get(n)!.get(key) ?? null);
    }
    const found: AnomalyKind[] = [];
    const add = (kind: AnomalyKind, detail: string) => {
      if (!found.includes(kind)) {
        found.push(kind);
        byKind[kind].push(key);
      }
      anomalies.push({ kind, key, detail });
    };
    let undecided: string | undefined;

    if (livePids.length === 0) {
      if (silent.length > 0) {
        lossUndecided = true;
        undecided = `no live worker on the nodes that answered (${silent.join(", ")} did not)`;
      } else {
        lost = true;
        add("missing", "no live worker on any node");
      }
    }
    if (livePids.length > 1) add("two_live", `${livePids.length} live: ${livePids.map(shortPid).join(", ")}`);

    const someBlocked = nodes.some((n) => look[n] === "blocked");
    for (const pid of livePids) {
      const finders = nodes.filter((n) => look[n] === pid);
      if (finders.length > 0) continue;
      if (someBlocked || silent.length > 0) undecided ??= `${shortPid(pid)} is live and no answered lookup finds it`;
      else add("alive_unregistered", `${shortPid(pid)} alive, no node's lookup finds it`);
    }

    const named = new Map<string, string[]>();
    for (const n of nodes) {
      for (const pid of new Set([reg[n], look[n]])) {
        if (pid === null || pid === undefined || pid === "blocked") continue;
        named.set(pid, [...(named.get(pid) ?? []), n]);
      }
    }
    for (const [pid, by] of named) {
      const alive = isLive(pid);
      if (alive === null) undecided ??= `${shortPid(pid)} is registered but its node ${pidNode(pid)} did not answer`;
      else if (!alive) add("registered_dead", `${by.join(", ")} ${by.length === 1 ? "maps" : "map"} it to ${shortPid(pid)}, which is not a live worker`);
    }

    const answers = nodes.filter((n) => look[n] !== "blocked").map((n) => look[n] as string | null);
    const distinct = new Set(answers);
    if (distinct.size > 1) {
      const groups = [...distinct].map((p) => `${nodes.filter((n) => look[n] === p).join(", ")}: ${p === null ? "none" : shortPid(p)}`);
      add("lookups_disagree", groups.join(" | "));
    }
    if (someBlocked) undecided ??= `the lookup blocked on ${nodes.filter((n) => look[n] === "blocked").join(", ")}`;
    if (silent.length > 0) undecided ??= `${silent.join(", ")} did not answer`;
    if (notRunning.length > 0 && found.length === 0) undecided ??= `the registry is not running on ${notRunning.join(", ")}`;
    if (undecided) undecidedNotes.add(undecided);
    keys.push({ key, live: livePids, registered: reg, lookup: look, anomalies: found, ...(undecided ? { undecided } : {}) });
  }

  const counts = emptyKinds(() => 0);
  for (const k of ANOMALY_KINDS) counts[k] = byKind[k].length;
  const undecidedParts: string[] = [];
  if (silent.length > 0) undecidedParts.push(`could not ask ${silent.join(", ")}: ${input.silent.get(silent[0]!)}`);
  if (notRunning.length > 0) undecidedParts.push(`the Horde workload is not running on ${notRunning.join(", ")}`);
  const blockedNodes = nodes.filter((n) => blocked.get(n)!.size > 0);
  if (blockedNodes.length > 0) undecidedParts.push(`lookups did not answer in time on ${blockedNodes.map((n) => `${n} (${blocked.get(n)!.size} keys)`).join(", ")}`);
  if (undecidedParts.length === 0 && undecidedNotes.size > 0) undecidedParts.push([...undecidedNotes][0]!);
  const undecided = undecidedParts.length > 0 ? undecidedParts.join("; ") : null;
  return {
    keys,
    anomalies,
    counts,
    byKind,
    clean: anomalies.length === 0 && undecided === null,
    noLoss: lost ? false : lossUndecided ? null : true,
    undecided,
    views,
    notRunning,
  };
}

/** `3 keys: two live (k1, k2), alive but unregistered (k2)` style text of the anomalies, at most `max` keys named per kind. */
export function anomalySummary(a: Pick<CensusAnalysis, "byKind">, max = 5): string {
  return ANOMALY_KINDS.filter((k) => a.byKind[k].length > 0)
    .map((k) => `${ANOMALY_TEXT[k]}: ${a.byKind[k].length} (${a.byKind[k].slice(0, max).join(", ")}${a.byKind[k].length > max ? ", …" : ""})`)
    .join("; ");
}

/** The record a `horde_sample` history entry carries (see report/recorders.ts). */
export interface HordeSampleRecord {
  views: CensusAnalysis["views"];
  silent?: string[];
  /** Keys with each anomaly in this sample (kinds with none are left out). */
  anomalies: Partial<Record<AnomalyKind, string[]>>;
  clean: boolean;
  undecided?: string;
}

export function sampleRecord(a: CensusAnalysis, silent: readonly string[]): HordeSampleRecord {
  const anomalies: HordeSampleRecord["anomalies"] = {};
  for (const k of ANOMALY_KINDS) if (a.byKind[k].length > 0) anomalies[k] = a.byKind[k];
  return { views: a.views, ...(silent.length ? { silent: [...silent] } : {}), anomalies, clean: a.clean, ...(a.undecided ? { undecided: a.undecided } : {}) };
}
