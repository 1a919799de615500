/**
 * results.json: the contract's shape (`scenario, verdict, seed, started_at, duration_ms,
 * checks[{ name, verdict, value_ms?, detail }]`) plus per-check detail, the run's timings and
 * whether the history is complete. Built from the history alone, so a crashed run gets one too.
 */
import { readFileSync } from "node:fs";
import { clientsResults, type ClientsResults } from "./operations.js";
import { kernelResults, type KernelOverride } from "./kernel-flags.js";
import path from "node:path";
import type { CheckResult, Verdict } from "../checks/types.js";
import { REPO_ROOT } from "../util/paths.js";
import { at, duration, round1 } from "./format.js";
import { first, num, runNodes, str, type RunRecord } from "./record.js";
import { deriveTopology, type Topology } from "./topology.js";
import { buildNarrative, narrativeForCheck, type Causality } from "../narrative/index.js";

export type RunVerdict = "pass" | "fail" | "unknown";

export interface CheckOutcome {
  name: string;
  verdict: Verdict;
  value_ms?: number;
  detail: string;
  /** Where the check was written, `file:line:column`. */
  source: string;
  mid_run: boolean;
  /** When the verdict was decided, ms from the run's start; absent for a check never decided. */
  decided_at_ms?: number;
  attempts?: number;
  data?: unknown;
  /** A failed or unknown check: the narrative lines that explain it (recognised node log events). */
  narrative?: string[];
}

export interface Timings {
  boot_ms?: number;
  /** Each fault: when it started and how long Toxiproxy (or the signal) took to apply it. */
  faults: { step: string; kind: string; label: string; at_ms: number; apply_ms: number }[];
  /** Each cut or node fault: how long the nodes took to notice (first nodedown per observer and peer, from the fault's start). */
  detections: { step: string; label: string; at_ms: number; expected: number; detected: number; first_ms?: number; last_ms?: number; reasons: Record<string, number> }[];
  /** Each heal: how long until every running node saw every other again (null: not before the next fault or the end). */
  convergence: { step: string; label: string; at_ms: number; mesh_ms: number | null }[];
}

export interface RunResults {
  scenario: string;
  verdict: RunVerdict;
  seed: number;
  started_at: string;
  duration_ms: number;
  /** True when the history has no end: the run crashed or was killed. */
  partial: boolean;
  /** What the run did not get to, e.g. "the run ended before its steps finished: ...". */
  partial_reason?: string;
  checks: CheckOutcome[];
  error?: string;
  timings: Timings;
  versions: { otp?: string; elixir?: string; toxiproxy?: string; netsplit: string };
  /**
   * Where the harness reached the run's parts: the runtime, the docker engine's endpoint, the
   * Toxiproxy API and each node's control address (on a remote engine: ports the engine host
   * publishes). Absent when the history does not record them (older runs, no cluster).
   */
  runtime?: { name: string; engine?: string; toxiproxy_api: string; control: Record<string, string> };
  /** The -kernel flags the nodes ran with. */
  kernel: Record<string, unknown>;
  /** Each node's kernel flags as read inside the node (report/kernel-flags.ts). */
  kernel_nodes?: Record<string, Record<string, unknown>>;
  /** Where they differ from the scenario's (a server's own script may override them). */
  kernel_overrides?: KernelOverride[];
  nodes: string[];
  /** The clients of `workload.clients` (report/operations.ts); absent when the run had none. */
  clients?: ClientsResults;
  /** Each fault's first effect per node and each heal's last effect (narrative/causality.ts). */
  causality?: Causality;
}

export const NETSPLIT_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
})();

const CAMEL_KERNEL: Record<string, string> = {
  netTicktimeSeconds: "net_ticktime",
  netSetuptimeSeconds: "net_setuptime",
  preventOverlappingPartitions: "prevent_overlapping_partitions",
  connectAll: "connect_all",
};

/** The run's start and end (harness ms since the epoch); the end is the last entry when the run never ended. */
export function runSpan(record: RunRecord): { t0: number; endMs: number } {
  const entries = record.entries;
  const t0 = first(entries, "run_start")?.t ?? entries[0]?.t ?? 0;
  const end = first(entries, "run_end")?.t ?? entries.reduce((m, e) => Math.max(m, e.t), t0); // no spread: a long history overflows the stack
  return { t0, endMs: end - t0 };
}

export function topologyOf(record: RunRecord): Topology {
  const { t0, endMs } = runSpan(record);
  return deriveTopology({ entries: record.entries, t0, endMs, nodes: runNodes(record.entries), stepLabel: (p) => record.scenario?.steps.get(p) });
}

export function buildResults(record: RunRecord, topology: Topology = topologyOf(record)): RunResults {
  const { entries } = record;
  const start = first(entries, "run_start");
  const ready = first(entries, "cluster_ready");
  const end = first(entries, "run_end");
  const { t0, endMs } = runSpan(record);
  const decided = entries.filter((e) => e.type === "check").map((e) => e.result as CheckResult);
  const checks: CheckOutcome[] = decided.map((c) => ({
    name: c.name,
    verdict: c.verdict,
    ...(c.value_ms !== undefined ? { value_ms: c.value_ms } : {}),
    detail: c.detail,
    source: c.source,
    mid_run: c.mid_run,
    decided_at_ms: Math.round(c.decided_at - t0),
    ...(c.attempts !== undefined ? { attempts: c.attempts } : {}),
    ...(c.data !== undefined ? { data: c.data } : {}),
  }));
  const partial = end === undefined;
  const finalDecided = decided.filter((c) => !c.mid_run).length;
  const error = str(end?.error) ?? str(first(entries, "run_error")?.error);
  // checks the run never reached are listed, unknown, with why: a report names every check
  const notRun = partial || error ? (record.scenario?.checks ?? []).slice(finalDecided) : [];
  const why = partial ? "the run ended before this check ran" : `the run stopped before this check ran: ${error}`;
  for (const c of notRun) checks.push({ name: c.name, verdict: "unknown", detail: `not decided: ${why}`, source: c.source, mid_run: false });
  const kernel = ready?.kernel_flags && typeof ready.kernel_flags === "object"
    ? (ready.kernel_flags as Record<string, unknown>)
    : Object.fromEntries(Object.entries((start?.kernel ?? {}) as Record<string, unknown>).map(([k, v]) => [CAMEL_KERNEL[k] ?? k, v]));
  const narrative = buildNarrative({ entries, t0, topology, checks });
  for (const c of checks) {
    const lines = c.verdict === "fail" || c.verdict === "unknown" ? narrativeForCheck(narrative, c.name) : [];
    if (lines.length) c.narrative = lines;
  }
  const verdict: RunVerdict = partial ? "unknown" : ((str(end?.verdict) ?? "unknown") as RunVerdict);
  return {
    scenario: str(start?.scenario) ?? "unknown",
    verdict,
    seed: num(start?.seed) ?? 0,
    started_at: new Date(t0).toISOString(),
    duration_ms: Math.round(endMs),
    partial,
    ...(partial ? { partial_reason: partialReason(record, t0, endMs, finalDecided) } : {}),
    checks,
    ...(error ? { error } : {}),
    timings: timings(record, topology, t0),
    versions: {
      ...(ready ? { otp: String(ready.otp), elixir: String(ready.elixir), toxiproxy: String(ready.toxiproxy) } : {}),
      netsplit: str(start?.netsplit) ?? NETSPLIT_VERSION,
    },
    ...runtimeResults(start, ready),
    kernel,
    ...kernelResults(ready),
    nodes: runNodes(entries),
    ...withClients(entries),
    causality: narrative.causality,
  };
}

/** `runtime` for results.json, when the cluster_ready entry recorded where its parts were reached. */
function runtimeResults(start: RunRecord["entries"][number] | undefined, ready: RunRecord["entries"][number] | undefined): Pick<RunResults, "runtime"> {
  const api = str(ready?.toxiproxy_api);
  if (!ready || api === undefined) return {};
  const nodes = Array.isArray(ready.nodes) ? (ready.nodes as { name?: unknown; control?: unknown }[]) : [];
  const control = Object.fromEntries(nodes.filter((n) => typeof n.name === "string" && typeof n.control === "string").map((n) => [n.name as string, n.control as string]));
  const engine = str(ready.engine);
  return { runtime: { name: str(start?.runtime) ?? "?", ...(engine ? { engine } : {}), toxiproxy_api: api, control } };
}

function withClients(entries: RunRecord["entries"]): { clients?: ClientsResults } {
  const clients = clientsResults(entries);
  return clients ? { clients } : {};
}

function timings(record: RunRecord, topology: Topology, t0: number): Timings {
  const ready = first(record.entries, "cluster_ready");
  const boot = num(ready?.boot_ms);
  const faults = record.entries.filter((e) => e.type === "fault").map((e) => {
    const startedAt = num(e.startedAt) ?? e.t;
    const f = topology.faults.find((w) => Math.abs(w.startMs - (startedAt - t0)) < 0.01 && w.step === String(e.step));
    const m = topology.marks.find((w) => Math.abs(w.atMs - (startedAt - t0)) < 0.01 && w.step === String(e.step));
    return {
      step: String(e.step),
      kind: String(e.kind),
      label: f?.label ?? m?.label ?? String(e.kind),
      at_ms: round1(startedAt - t0),
      apply_ms: round1((num(e.appliedAt) ?? startedAt) - startedAt),
    };
  });
  const detections = topology.detections.map((d) => {
    const times = d.observed.map((o) => o.ms);
    const reasons: Record<string, number> = {};
    for (const o of d.observed) reasons[o.reason] = (reasons[o.reason] ?? 0) + 1;
    return {
      step: d.step,
      label: d.label,
      at_ms: round1(d.atMs),
      expected: d.expected,
      detected: d.observed.length,
      ...(times.length ? { first_ms: round1(Math.min(...times)), last_ms: round1(Math.max(...times)) } : {}),
      reasons,
    };
  });
  const convergence = topology.convergence.map((c) => ({ step: c.step, label: c.label, at_ms: round1(c.atMs), mesh_ms: c.meshMs === null ? null : round1(c.meshMs) }));
  return { ...(boot !== undefined ? { boot_ms: Math.round(boot) } : {}), faults, detections, convergence };
}

function partialReason(record: RunRecord, t0: number, endMs: number, finalDecided: number): string {
  const { entries } = record;
  const has = (type: string) => entries.some((e) => e.type === type);
  const stops = `the history stops at ${at(endMs)}`;
  const cut = record.truncated ? "; its last entry was cut off mid-write" : "";
  const how = has("interrupted") ? "it was interrupted" : "the runner stopped without finishing (crashed or killed)";
  if (!has("cluster_ready")) return `the run ended before its cluster was ready: ${how}; ${stops}${cut}`;
  if (!has("final_heal")) {
    const open = openStep(entries);
    const where = open ? `, during ${open.path} (${record.scenario?.steps.get(open.path) ?? open.kind}, started ${at(open.t - t0)}, ${duration(endMs - (open.t - t0))} before the end)` : "";
    return `the run ended before its steps finished: ${how}; ${stops}${where}; no final check ran${cut}`;
  }
  const total = record.scenario?.checks.length;
  return `the run ended before all its checks were decided: ${how}; ${stops}; ${finalDecided}${total !== undefined ? ` of ${total}` : ""} final checks ran${cut}`;
}

function openStep(entries: RunRecord["entries"]): { path: string; kind: string; t: number } | undefined {
  const stack: { path: string; kind: string; t: number }[] = [];
  for (const e of entries) {
    if (e.type === "step_start") stack.push({ path: String(e.path), kind: String(e.kind), t: e.t });
    if (e.type === "step_end") {
      const i = stack.map((s) => s.path).lastIndexOf(String(e.path));
      if (i >= 0) stack.splice(i, 1);
    }
  }
  return stack.at(-1);
}
