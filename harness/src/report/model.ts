/**
 * The report model: everything a report shows, derived from a run's history (and its scenario
 * file) alone, as plain data with times in ms from the run's start. The HTML and Markdown
 * renderers only draw it; the model is what the unit tests check.
 */
import { duration, durationRange } from "./format.js";
import { first, num, str, type RunRecord } from "./record.js";
import { buildResults, runSpan, topologyOf, type CheckOutcome, type RunResults } from "./results.js";
import { deriveHorde, deriveMetrics, deriveOps, derivePg, type HordeSeries, type MetricsSnapshot, type OpPoint, type PgSeries } from "./series.js";
import type { Topology } from "./topology.js";
import { shortName } from "../util/names.js";
import { buildNarrative, nodeLogLines, type Narrative } from "../narrative/index.js";

export interface CheckMarker {
  name: string;
  verdict: CheckOutcome["verdict"];
  valueMs?: number;
  detail: string;
  midRun: boolean;
  /** When it was decided. */
  atMs: number;
  /** For a convergence check: when the time it measured began (atMs - value). */
  spanFromMs?: number;
  /** What the marker's label says, e.g. "cluster.mesh 247 ms". */
  label: string;
}

export interface StepSpan {
  path: string;
  kind: string;
  startMs: number;
  endMs: number;
}

export interface LogLine {
  atMs: number;
  node: string;
  text: string;
  kind: string;
}

/** A headline number, e.g. { label: "cluster boot", value: "1.65 s" }. */
export interface KeyTiming {
  key: string;
  label: string;
  value: string;
}

export interface ReportModel {
  results: RunResults;
  description: string | undefined;
  scenarioText: string | undefined;
  runtime: string | undefined;
  /** "every 500 ms" or "off". */
  reconnect: string | undefined;
  /** Shown at the top when the history has no end: "PARTIAL: the run ended before ...". */
  partialBanner: string | undefined;
  endMs: number;
  topology: Topology;
  ops: OpPoint[];
  pg: PgSeries | null;
  horde: HordeSeries | null;
  /** Why there is no Horde census (e.g. the horde checks were skipped). */
  hordeNote: string;
  metrics: MetricsSnapshot[];
  checks: CheckMarker[];
  steps: StepSpan[];
  /** Node events and run milestones, in order, for the event log. */
  log: LogLine[];
  keyTimings: KeyTiming[];
  /** Where the run's time went: each phase (prepare, boot, ...) and its duration, in order; empty for histories before phases were recorded. */
  phases: { name: string; ms: number }[];
  /** The short account of the run that opens the reports (narrative/). */
  narrative: Narrative;
}

/** Checks whose value is a time to converge (measured up to when they were decided). */
const NOT_CONVERGENCE = new Set(["global.blocking"]);

export function buildReportModel(record: RunRecord, results?: RunResults): ReportModel {
  const topology = topologyOf(record);
  const r = results ?? buildResults(record, topology);
  const { t0, endMs } = runSpan(record);
  const start = first(record.entries, "run_start");
  const reconnect = start?.reconnect;
  const down = topology.nodeStates;
  const ops = deriveOps({
    entries: record.entries,
    t0,
    endMs,
    probes: record.scenario?.probes ?? new Map(),
    wasDown: (node, from, to) => down.some((s) => s.node === node && s.fromMs < to && s.toMs > from),
  });
  const horde = deriveHorde(record.entries, t0, topology.nodes);
  const hordeChecks = r.checks.filter((c) => c.name.startsWith("horde."));
  const hordeNote = horde
    ? ""
    : hordeChecks.length > 0
      ? `No Horde census in this run: ${hordeChecks[0]!.detail}`
      : "No Horde census in this run: the scenario has no Horde workload.";
  const model: Omit<ReportModel, "keyTimings" | "phases"> = {
    results: r,
    description: record.scenario?.description ?? str(start?.description),
    scenarioText: record.scenario?.text,
    runtime: str(start?.runtime),
    reconnect: reconnect === false ? "off" : typeof reconnect === "object" && reconnect !== null ? `every ${String((reconnect as { intervalMs?: unknown }).intervalMs)} ms` : undefined,
    partialBanner: r.partial ? `PARTIAL: ${r.partial_reason ?? "the run ended before it finished"}` : undefined,
    endMs,
    topology,
    ops,
    pg: derivePg(record.entries, t0, topology.nodes),
    horde,
    hordeNote,
    metrics: deriveMetrics(record.entries, t0),
    checks: r.checks.filter((c) => c.decided_at_ms !== undefined).map((c) => checkMarker(c)),
    steps: stepSpans(record, t0, endMs),
    log: [...logLines(record, t0), ...nodeLogLines(record.entries, t0)].sort((a, b) => a.atMs - b.atMs),
    narrative: buildNarrative({ entries: record.entries, t0, topology, checks: r.checks }),
  };
  return { ...model, keyTimings: keyTimings(model), phases: phasesOf(record.entries) };
}

/** The numbers a person looks for first: boot, each fault's apply and detection, re-mesh, the worst global op. */
function phasesOf(entries: RunRecord["entries"]): { name: string; ms: number }[] {
  return entries.filter((e) => e.type === "phase" && typeof e.name === "string" && num(e.ms) !== undefined).map((e) => ({ name: String(e.name).replaceAll("_", " "), ms: Number(e.ms) }));
}

export function keyTimings(m: Omit<ReportModel, "keyTimings" | "phases">): KeyTiming[] {
  const t = m.results.timings;
  const out: KeyTiming[] = [];
  if (t.boot_ms !== undefined) out.push({ key: "boot", label: "cluster boot", value: duration(t.boot_ms) });
  for (const f of t.faults.filter((x) => x.kind !== "heal").slice(0, 3)) out.push({ key: `apply:${f.step}`, label: `${f.label} applied`, value: duration(f.apply_ms) });
  for (const d of t.detections.slice(0, 3)) {
    const value = d.first_ms === undefined ? "never" : durationRange(d.first_ms, d.last_ms ?? d.first_ms);
    out.push({ key: `detect:${d.step}`, label: `${d.label} detected (${d.detected}/${d.expected} links)`, value });
  }
  for (const c of t.convergence.slice(0, 3)) out.push({ key: `mesh:${c.step}`, label: `full mesh after ${c.label}`, value: c.mesh_ms === null ? "never" : duration(c.mesh_ms) });
  const finished = m.ops.filter((o) => o.status === "ok" || o.status === "late");
  if (finished.length) out.push({ key: "worst-op", label: "worst finished global op", value: duration(finished.reduce((m, o) => Math.max(m, o.durationMs), 0)) });
  const open = m.ops.filter((o) => o.status === "in_flight" || o.status === "blocked");
  if (open.length) out.push({ key: "open-ops", label: `global ops with no result at the end (${open.map((o) => o.node).join(", ")})`, value: `${open.length} (> ${duration(open.reduce((m, o) => Math.min(m, o.durationMs), Infinity))})` });
  return out;
}

function checkMarker(c: CheckOutcome): CheckMarker {
  const atMs = c.decided_at_ms!;
  const span = c.value_ms !== undefined && c.value_ms > 0 && !NOT_CONVERGENCE.has(c.name) ? { spanFromMs: atMs - c.value_ms } : {};
  const value = c.value_ms ? ` ${duration(c.value_ms)}` : "";
  return {
    name: c.name,
    verdict: c.verdict,
    ...(c.value_ms !== undefined ? { valueMs: c.value_ms } : {}),
    detail: c.detail,
    midRun: c.mid_run,
    atMs,
    ...span,
    label: `${c.name}${value}`,
  };
}

function stepSpans(record: RunRecord, t0: number, endMs: number): StepSpan[] {
  const open = new Map<string, { kind: string; t: number }>();
  const out: StepSpan[] = [];
  for (const e of record.entries) {
    if (e.type === "step_start") open.set(String(e.path), { kind: String(e.kind), t: e.t });
    if (e.type === "step_end") {
      const s = open.get(String(e.path));
      if (s) out.push({ path: String(e.path), kind: s.kind, startMs: s.t - t0, endMs: e.t - t0 });
      open.delete(String(e.path));
    }
  }
  for (const [path, s] of open) out.push({ path, kind: s.kind, startMs: s.t - t0, endMs });
  return out.sort((a, b) => a.startMs - b.startMs);
}

function logLines(record: RunRecord, t0: number): LogLine[] {
  const out: LogLine[] = [];
  for (const e of record.entries) {
    const atMs = e.t - t0;
    const node = str(e.node) ?? "";
    const ev = e.type === "node_event" ? (e.event as Record<string, unknown>) : undefined;
    if (ev) {
      const peer = shortName(ev.node);
      if (ev.event === "nodeup") out.push({ atMs, node, kind: "nodeup", text: `nodeup ${peer}` });
      else if (ev.event === "nodedown") out.push({ atMs, node, kind: "nodedown", text: `nodedown ${peer} (${String(ev.reason)})` });
      else if (ev.event === "holder_exit") out.push({ atMs, node, kind: "holder_exit", text: `holder of "${String(ev.name)}" exited (${String(ev.reason)})` });
      else if (ev.event === "global_op" && ev.status === "blocked") out.push({ atMs, node, kind: "global_op", text: `global ${String(ev.op)} #${String(ev.seq)} blocked` });
      else if (ev.event === "op_late") out.push({ atMs, node, kind: "op_late", text: `a blocked global op finished after ${duration((Number(ev.ended_us) - Number(ev.started_us)) / 1000)}` });
      continue;
    }
    switch (e.type) {
      case "cluster_ready": out.push({ atMs, node: "", kind: e.type, text: `cluster ready in ${duration(Number(e.boot_ms))}` }); break;
      case "node_state": out.push({ atMs, node, kind: e.type, text: `${String(e.state)}${e.detail ? ` (${String(e.detail)})` : ""}` }); break;
      case "agent_lost": out.push({ atMs, node, kind: e.type, text: `agent connection lost (${String(e.reason)})` }); break;
      case "fault": out.push({ atMs, node: "", kind: e.type, text: `${String(e.kind)} ${String(e.step)}${Array.isArray(e.nodes) ? ` ${(e.nodes as unknown[]).join(", ")}` : ""} (applied in ${duration(Number(e.appliedAt) - Number(e.startedAt))})` }); break;
      case "global_register": out.push({ atMs, node, kind: e.type, text: `register_name("${String(e.name)}") -> ${e.error ? String(e.error) : String((e.outcome as Record<string, unknown> | undefined)?.result ?? (e.outcome as Record<string, unknown> | undefined)?.status)}` }); break;
      case "wait_reached": case "wait_timeout": out.push({ atMs, node: "", kind: e.type, text: `wait until ${String(e.until)}: ${e.type === "wait_reached" ? `reached in ${duration(Number(e.ms))}` : "not reached"}` }); break;
      case "check": {
        const c = e.result as { name: string; verdict: string; detail: string };
        out.push({ atMs, node: "", kind: e.type, text: `${c.verdict.toUpperCase()} ${c.name}: ${c.detail}` });
        break;
      }
      case "log": out.push({ atMs, node: "", kind: e.type, text: String(e.message) }); break;
      case "run_error": out.push({ atMs, node: "", kind: e.type, text: `run error: ${String(e.error)}` }); break;
      case "harness_fault": out.push({ atMs, node: String(e.node ?? ""), kind: e.type, text: `harness fault: ${String(e.error)}` }); break;
      case "toxiproxy_lost": out.push({ atMs, node: "", kind: e.type, text: `Toxiproxy lost (${String(e.reason)})` }); break;
      case "interrupted": out.push({ atMs, node: "", kind: e.type, text: "interrupted" }); break;
      case "run_end": out.push({ atMs, node: "", kind: e.type, text: `run ended: ${String(e.verdict).toUpperCase()}` }); break;
    }
  }
  return out;
}
