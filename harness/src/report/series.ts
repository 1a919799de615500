/**
 * Time series derived from the history: global op latencies, :pg membership per node, the
 * Horde census per node, and the Toxiproxy counters snapshotted around each fault.
 */
import { timedOps } from "../checks/global.js";
import { nodeEvent, num, str, type HistoryEntry } from "./record.js";

export interface OpPoint {
  node: string;
  op: string;
  seq?: number;
  startMs: number;
  durationMs: number;
  /** ok: finished in time; late: reported blocked, finished later; blocked: reported blocked, never finished; in_flight: no result at all by the end (inferred from a silent probe). */
  status: "ok" | "late" | "blocked" | "in_flight";
  result?: string;
}

export interface OpsInput {
  entries: readonly HistoryEntry[];
  t0: number;
  endMs: number;
  /** Each node's global probe (op, interval); an interval of 200 ms when unknown. */
  probes: ReadonlyMap<string, { op: string; everyMs: number }>;
  /** True when the node was not running at some point in [fromMs, toMs]. */
  wasDown: (node: string, fromMs: number, toMs: number) => boolean;
}

/** Every timed global op, plus one in-flight op per node whose probe went silent for good. */
export function deriveOps(input: OpsInput): OpPoint[] {
  const { entries, t0, endMs } = input;
  const lateRefs = new Set<string>();
  for (const e of entries) {
    const ev = nodeEvent(e);
    if (ev?.event === "op_late") lateRefs.add(`${String(e.node)}:${String(ev.ref)}`);
  }
  /** node:started_us of the ops reported blocked that finished later. */
  const late = new Set<string>();
  for (const e of entries) {
    const ev = nodeEvent(e);
    if (ev?.event === "global_op" && ev.status === "blocked" && lateRefs.has(`${String(e.node)}:${String(ev.ref)}`)) late.add(`${String(e.node)}:${String(num(ev.started_us))}`);
  }
  const ops: OpPoint[] = timedOps(entries, t0 + endMs).map((o) => {
    const status: OpPoint["status"] = !o.finished ? "blocked" : late.has(`${o.node}:${Math.round(o.startedAt * 1000)}`) ? "late" : "ok";
    return {
      node: o.node,
      op: o.op,
      ...(o.seq !== undefined ? { seq: o.seq } : {}),
      startMs: o.startedAt - t0,
      durationMs: o.durationMs,
      status,
      ...(o.result !== null && o.result !== undefined ? { result: String(o.result) } : {}),
    };
  });
  ops.push(...inFlight(input));
  return ops.sort((a, b) => a.startMs - b.startMs);
}

/** A probe loops: op, event, sleep every_ms. A node whose probe said nothing more until the end has an op in flight. */
function inFlight(input: OpsInput): OpPoint[] {
  const { entries, t0 } = input;
  const stop = entries.find((e) => e.type === "run_end") ?? entries.at(-1);
  if (!stop) return [];
  const stopMs = stop.t - t0;
  const last = new Map<string, { endMs: number; seq: number; op: string }>();
  for (const e of entries) {
    const ev = nodeEvent(e);
    if (ev?.event !== "global_op") continue;
    const endUs = num(ev.ended_us) ?? num(ev.t_us);
    if (endUs === undefined) continue;
    const endMs = endUs / 1000 - t0;
    const prev = last.get(String(e.node));
    if (!prev || endMs >= prev.endMs) last.set(String(e.node), { endMs, seq: num(ev.seq) ?? 0, op: String(ev.op) });
  }
  // a probe that never reported: its first op has been in flight since the workload started
  const started = entries.find((e) => e.type === "workload_ready");
  if (started) {
    for (const [node, p] of input.probes) {
      if (!last.has(node)) last.set(node, { endMs: started.t - t0 - p.everyMs, seq: 0, op: p.op });
    }
  }
  const out: OpPoint[] = [];
  for (const [node, l] of last) {
    const every = input.probes.get(node)?.everyMs ?? 200;
    const startMs = l.endMs + every;
    if (stopMs - startMs <= Math.max(1000, 3 * every) || input.wasDown(node, startMs, stopMs)) continue;
    out.push({ node, op: l.op, seq: l.seq + 1, startMs, durationMs: stopMs - startMs, status: "in_flight" });
  }
  return out;
}

export interface PgSample {
  atMs: number;
  /** group -> origin node -> members seen; null when the node did not answer. */
  groups: Record<string, Record<string, number>> | null;
}

export interface PgSeries {
  groups: string[];
  byNode: Record<string, PgSample[]>;
  /** The most members any node saw in one group. */
  max: number;
}

/** :pg membership per node over time, from `pg_sample` entries (none: null). */
export function derivePg(entries: readonly HistoryEntry[], t0: number, nodes: readonly string[]): PgSeries | null {
  const samples = entries.filter((e) => e.type === "pg_sample");
  if (samples.length === 0) return null;
  const groups = new Set<string>();
  const byNode: Record<string, PgSample[]> = Object.fromEntries(nodes.map((n) => [n, []]));
  let max = 0;
  for (const e of samples) {
    const views = (e.views ?? {}) as Record<string, Record<string, Record<string, number>>>;
    const silent = Array.isArray(e.silent) ? (e.silent as unknown[]).map(String) : [];
    for (const n of nodes) {
      const v = views[n];
      if (!v) {
        if (silent.includes(n)) byNode[n]!.push({ atMs: e.t - t0, groups: null });
        continue;
      }
      for (const [g, origins] of Object.entries(v)) {
        groups.add(g);
        max = Math.max(max, Object.values(origins).reduce((a, b) => a + b, 0));
      }
      byNode[n]!.push({ atMs: e.t - t0, groups: v });
    }
  }
  return { groups: [...groups].sort(), byNode, max };
}

export interface HordeSeries {
  fields: string[];
  byNode: Record<string, { atMs: number; values: Record<string, number> }[]>;
}

/**
 * The Horde census per node over time, from `horde_sample` entries:
 * `{ views: { <node>: { <field>: number, ... } } }`, e.g. `{ workers: 10, keys: 10 }`.
 */
export function deriveHorde(entries: readonly HistoryEntry[], t0: number, nodes: readonly string[]): HordeSeries | null {
  const samples = entries.filter((e) => e.type === "horde_sample");
  if (samples.length === 0) return null;
  const fields = new Set<string>();
  const byNode: HordeSeries["byNode"] = Object.fromEntries(nodes.map((n) => [n, []]));
  for (const e of samples) {
    const views = (e.views ?? {}) as Record<string, Record<string, unknown>>;
    for (const n of nodes) {
      const v = views[n];
      if (!v) continue;
      const values: Record<string, number> = {};
      for (const [k, x] of Object.entries(v)) if (typeof x === "number") { values[k] = x; fields.add(k); }
      byNode[n]!.push({ atMs: e.t - t0, values });
    }
  }
  return { fields: [...fields], byNode };
}

export interface MetricsSnapshot {
  step: string;
  phase: string;
  atMs: number;
  /** Total bytes over every netsplit proxy, as Toxiproxy counted them. */
  sent: number;
  received: number;
  /** proxy -> [received, sent], both streams added. */
  proxies: Record<string, [number, number]>;
}

/** The `toxiproxy_metrics` entries (see recorders.ts). */
export function deriveMetrics(entries: readonly HistoryEntry[], t0: number): MetricsSnapshot[] {
  return entries.filter((e) => e.type === "toxiproxy_metrics").map((e) => {
    const raw = (e.proxies ?? {}) as Record<string, number[]>;
    const proxies: Record<string, [number, number]> = {};
    let sent = 0;
    let received = 0;
    for (const [name, v] of Object.entries(raw)) {
      const r = (v[0] ?? 0) + (v[2] ?? 0);
      const s = (v[1] ?? 0) + (v[3] ?? 0);
      proxies[name] = [r, s];
      sent += s;
      received += r;
    }
    return { step: str(e.step) ?? "", phase: str(e.phase) ?? "", atMs: e.t - t0, sent, received, proxies };
  });
}
