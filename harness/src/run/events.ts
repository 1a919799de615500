/**
 * Every kind of entry a run's history holds, defined once: `EventFields` maps an entry's `type`
 * to its fields, and `RunEvent` is the discriminated union a writer records (`History.record`
 * accepts only these). Readers of a history file take `HistoryEntry` (any type, any fields),
 * because a file may come from an older netsplit: `HISTORY_VERSION` in `run_start` says which.
 *
 * Version history:
 *   1  (no `history_version` in run_start) the first format
 *   2  `history_version` in run_start; `phase` entries (where the run's time went)
 */
import type { AgentEvent } from "../agent/client.js";
import type { HordeSampleRecord } from "../horde/census.js";
import type { NodeState } from "../runtime/cluster.js";

/** The version of the history format this netsplit writes. */
export const HISTORY_VERSION = 2;

export type Verdict = "pass" | "fail" | "unknown" | "skipped";

/** A check's decided result, as the history and results.json keep it. */
export interface CheckResult {
  name: string;
  verdict: Verdict;
  detail: string;
  /** Time to pass (convergence checks, from the last heal) or the measured latency. */
  value_ms?: number;
  data?: unknown;
  /** When the verdict was decided (harness ms since the epoch). */
  decided_at: number;
  /** Where the check was written, `file:line:column`. */
  source: string;
  /** True for a `check` step in the middle of the run. */
  mid_run: boolean;
  attempts: number;
}

/** A fault, a heal or a node action, with harness times (ms since the epoch). */
export interface FaultFields {
  /** The step's path (`steps[2]`, `steps[4]#nemesis`), or `nemesis` / `final_heal`. */
  step: string;
  /** The fault kind's name (faults/kinds/). */
  kind: string;
  startedAt: number;
  appliedAt: number;
  /** Link faults: unordered pairs and directed links ("a->b", or ["all"] for a full heal). */
  pairs?: readonly (readonly [string, string])[];
  directions?: string[];
  mode?: string;
  /** Node faults: the nodes acted on. */
  nodes?: readonly string[];
  /** Drawn by a nemesis. */
  nemesis?: boolean;
  /** Extra parameters of the kind (e.g. a byte limit). */
  params?: Record<string, number>;
}

/** The named phases of a run, in order (runner/run.ts). */
export type PhaseName = "prepare" | "boot" | "workloads" | "timeline" | "final_heal" | "checks" | "report" | "cleanup";

export interface EventFields {
  run_start: { scenario: string; description: string | undefined; file: string; netsplit: string; seed: number; runtime: string; kernel: unknown; nodes: unknown; reconnect: unknown; history_version: number };
  /** engine (docker), toxiproxy_api and each node's control (host:port): where the harness reached them. */
  cluster_ready: { boot_ms: number; toxiproxy: string; toxiproxy_pid: number; engine?: string; toxiproxy_api: string; otp: unknown; elixir: unknown; kernel_flags: unknown; nodes: { name: string; full_name: string; dist_port: number; pid: number; control: string }[] };
  node_event: { node: string; event: AgentEvent };
  node_state: { node: string; state: NodeState; detail?: string };
  agent_lost: { node: string; reason: string };
  toxiproxy_lost: { reason: string };
  harness_fault: { error: string; part?: string; node?: string };
  interrupted: Record<string, never>;
  global_register: { node: string; name: string; outcome?: Record<string, unknown>; error?: string; workload?: true };
  workload_ready: Record<string, never>;
  app_started: { node: string; apps: readonly string[]; started: unknown; ms: number };
  app_failed: { node: string; error: string };
  app_ready: { nodes: readonly string[]; ms: number };
  clients_started: { count: number; ops: string[]; file: string; groups: unknown[] };
  clients_stopped: { summary: Record<string, unknown>; lane?: unknown };
  horde_skipped: { reason: string };
  horde_start: { node: string; index: number; outcome: Record<string, unknown> };
  horde_spawn: { node: string; index: number; keys: number; outcome: Record<string, number> };
  horde_not_clean: { after_ms: number; detail: string };
  horde_ready: { keys: number; members_ms: number; clean_ms: number };
  horde_sample: HordeSampleRecord;
  pg_sample: { views: Record<string, Record<string, Record<string, number>>>; silent?: string[] };
  toxiproxy_metrics: { phase: "before" | "after"; step: string; proxies: Record<string, [number, number, number, number]> };
  step_start: { kind: string; path: string; line: number };
  step_end: { kind: string; path: string; duration_ms: number };
  fault: FaultFields;
  wait_reached: { until: string; ms: number; path: string; detail?: string };
  wait_timeout: { until: string; ms: number; path: string; detail?: string };
  log: { message: string };
  check: { result: CheckResult };
  final_heal: { resumed: string[] };
  run_error: { error: string };
  phase: { name: PhaseName; ms: number; error?: string };
  run_end: { verdict: "pass" | "fail" | "unknown"; error: string | undefined };
}

export type EventType = keyof EventFields;

/** One entry as written: `t` (harness ms since the epoch), its `type` and that type's fields. */
export type RunEvent = { [K in EventType]: { t: number; type: K } & EventFields[K] }[EventType];

/** One entry as read back from a file of any version: known types are not trusted blindly. */
export interface HistoryEntry {
  t: number;
  type: string;
  [key: string]: unknown;
}
