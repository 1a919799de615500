/**
 * The normalised scenario the runner consumes: plain readonly data, every default applied,
 * durations in milliseconds, `nodes: 5` expanded to ["n1".."n5"], `links: all` expanded to every
 * pair, and every step and check a tagged union that remembers where it was written (`at`), so
 * the runner and the reports can say which line did what. Built by normalize.ts from a file that
 * passed validation; nothing here needs checking again. Names are camelCase with units
 * (`latencyMs`), unlike the snake_case file format.
 */
import type { Static } from "@sinclair/typebox";
import type {
  CheckName, GlobalProbeOp as GlobalProbeOpSchema, NemesisFault as NemesisFaultSchema,
  PartitionMode as PartitionModeSchema, Runtime as RuntimeSchema, WaitCondition as WaitConditionSchema,
} from "./schema.js";
import type { ClientsWorkload } from "../clients/types.js";
import type { HistoryCheck as HistoryCheckSpec } from "../clients/checks.js";

/** Where something was written. `line`/`column` are 1-based; both 0 for a scenario given as a JS object. */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** JSON-path-like location, e.g. `steps[2].partition`. */
  readonly path: string;
}

export type NodeName = string;
/** A link between two different nodes; faults on a link apply in both directions unless said otherwise. */
export type Link = readonly [NodeName, NodeName];
export type Runtime = Static<typeof RuntimeSchema>;
export type PartitionMode = Static<typeof PartitionModeSchema>;
export type NemesisFault = Static<typeof NemesisFaultSchema>;
export type WaitCondition = Static<typeof WaitConditionSchema>;
export type GlobalProbeOp = Static<typeof GlobalProbeOpSchema>;
export type NodeAction = "kill" | "stop" | "restart" | "pause" | "resume";

export interface KernelOptions {
  readonly netTicktimeSeconds: number;
  readonly netSetuptimeSeconds: number;
  readonly preventOverlappingPartitions: boolean;
  readonly connectAll: boolean;
}

/** A call into the nodes, parsed from `Mod.Sub.fun/N` or `:mod.fun/N` (see call.ts). */
export interface CallSpec {
  /** The call as written, e.g. "MyApp.Check.ok?/0". */
  readonly text: string;
  /** The module as a BEAM atom's text: "Elixir.MyApp.Check" or "rabbit". */
  readonly module: string;
  readonly function: string;
  readonly arity: number;
  /** The arguments as YAML values (plain JSON-like data), `arity` of them. */
  readonly args: readonly unknown[];
}

/** Where the application under test comes from; every path is absolute. */
export type AppSource =
  | {
      readonly kind: "mix";
      readonly projectDir: string;
      readonly mixEnv: "prod" | "dev" | "test";
      /** undefined: the project's own application(s), resolved by the runner. */
      readonly apps: readonly string[] | undefined;
      readonly compile: boolean;
    }
  | { readonly kind: "release"; readonly releaseDir: string }
  | { readonly kind: "command"; readonly command: readonly string[]; readonly cwd: string };

/** `cluster.app`: the application under test, started on every node. */
export interface AppSpec {
  readonly source: AppSource;
  /** Application environment overrides: app -> key -> value (YAML values). */
  readonly config: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Environment variables; values are templates, not rendered (see placeholders.ts). */
  readonly env: Readonly<Record<string, string>>;
  /** Per-node files: `target` is a template (relative: relative to the node's {dir}); `source` an absolute path to a template. */
  readonly files: readonly { readonly target: string; readonly source: string; readonly at: SourceRef }[];
  readonly ready: { readonly call: CallSpec; readonly timeoutMs: number; readonly expect: string | undefined } | undefined;
  readonly stopGraceMs: number;
  /** Where `app:` was written. */
  readonly at: SourceRef;
  /** Where `mix:`/`release:`/`command:` was written (for "no _build" errors). */
  readonly sourceAt: SourceRef;
}

export interface ClusterSpec {
  /** Distinct node names, in the order written (n1..nN for a count). */
  readonly nodes: readonly NodeName[];
  readonly runtime: Runtime;
  readonly kernel: KernelOptions;
  /** The agent's reconnect loop, or false when disabled (always false with `formation: "app"`). */
  readonly reconnect: false | { readonly intervalMs: number };
  readonly bootTimeoutMs: number;
  /** The application under test, or undefined (netsplit's own nodes only). */
  readonly app: AppSpec | undefined;
  /** Who forms the cluster: netsplit (connect + reconnect loop) or the app itself. */
  readonly formation: "netsplit" | "app";
  readonly at: SourceRef;
}

export interface PgGroupWorkload {
  readonly scope: string;
  readonly group: string;
  readonly perNode: number;
  /** The nodes running members (every node by default). */
  readonly nodes: readonly NodeName[];
  readonly at: SourceRef;
}

export interface GlobalNameWorkload {
  readonly name: string;
  /** The node that starts and registers the process (the first node by default). */
  readonly node: NodeName;
  readonly at: SourceRef;
}

export interface GlobalProbeWorkload {
  readonly op: GlobalProbeOp;
  readonly everyMs: number;
  readonly timeoutMs: number;
  readonly nodes: readonly NodeName[];
  readonly at: SourceRef;
}

export interface HordeWorkload {
  readonly keys: number;
  /** undefined: Horde's own default. */
  readonly syncIntervalMs: number | undefined;
  readonly distribution: "uniform" | "uniform_quorum";
  readonly restart: "ignore_already_started" | "naive";
  readonly trapExit: boolean;
  readonly at: SourceRef;
}

export interface Workload {
  readonly pg: readonly PgGroupWorkload[];
  readonly globalNames: readonly GlobalNameWorkload[];
  readonly globalProbes: readonly GlobalProbeWorkload[];
  readonly horde: readonly HordeWorkload[];
  /** `workload.clients`: client groups (empty: no clients); see harness/src/clients/. */
  readonly clients: ClientsWorkload;
}

/** A partition's shape. `halves` and `majorities_ring` are resolved by the runner from the seed. */
export type PartitionShape =
  | { readonly kind: "groups"; readonly groups: readonly (readonly NodeName[])[] }
  /** Each listed node is cut off from every other node (including the other listed ones). */
  | { readonly kind: "isolate"; readonly nodes: readonly NodeName[] }
  | { readonly kind: "halves" }
  | { readonly kind: "bridge"; readonly node: NodeName }
  | { readonly kind: "majorities_ring" }
  /** Each key node cannot reach the listed nodes, as written (not made symmetric). */
  | { readonly kind: "grudge"; readonly grudge: ReadonlyMap<NodeName, readonly NodeName[]> };

interface StepBase {
  readonly at: SourceRef;
}
export interface PartitionStep extends StepBase {
  readonly kind: "partition";
  readonly shape: PartitionShape;
  readonly mode: PartitionMode;
}
export interface OnewayStep extends StepBase {
  readonly kind: "oneway";
  readonly from: readonly NodeName[];
  readonly to: readonly NodeName[];
  readonly mode: PartitionMode;
}
/** For link faults, `allLinks` says the file wrote `links: all` (then `links` holds every pair). */
export interface DelayStep extends StepBase {
  readonly kind: "delay";
  readonly links: readonly Link[];
  readonly allLinks: boolean;
  readonly latencyMs: number;
  readonly jitterMs: number;
}
export interface BandwidthStep extends StepBase {
  readonly kind: "bandwidth";
  readonly links: readonly Link[];
  readonly allLinks: boolean;
  readonly rateKbps: number;
}
export interface PauseLinkStep extends StepBase {
  readonly kind: "pause_link";
  readonly links: readonly Link[];
  readonly allLinks: boolean;
}
export interface LimitDataStep extends StepBase {
  readonly kind: "limit_data";
  readonly links: readonly Link[];
  readonly allLinks: boolean;
  readonly bytes: number;
}
export interface NodeActionStep extends StepBase {
  readonly kind: NodeAction;
  readonly nodes: readonly NodeName[];
}
export interface HealStep extends StepBase {
  readonly kind: "heal";
  /** "all": remove every network fault; otherwise only the faults on these links. */
  readonly links: "all" | readonly Link[];
}
export interface GlobalRegisterStep extends StepBase {
  readonly kind: "global_register";
  readonly name: string;
  readonly nodes: readonly NodeName[];
}
export interface WaitStep extends StepBase {
  readonly kind: "wait";
  readonly ms: number;
}
/** `wait: { until: { call, on, expect } }`: until the call passes on every listed node. */
export interface WaitUntilCall {
  readonly kind: "call";
  readonly call: CallSpec;
  readonly nodes: "all" | readonly NodeName[];
  readonly expect: string | undefined;
}
export interface WaitUntilStep extends StepBase {
  readonly kind: "wait_until";
  readonly until: WaitCondition | WaitUntilCall;
  readonly timeoutMs: number;
}
export interface RepeatStep extends StepBase {
  readonly kind: "repeat";
  readonly times: number;
  readonly steps: readonly Step[];
}
export interface NemesisStep extends StepBase {
  readonly kind: "nemesis";
  readonly faults: readonly NemesisFault[];
  readonly intervalMs: number;
  readonly durationMs: number;
  readonly mode: PartitionMode;
}
export interface CheckStep extends StepBase {
  readonly kind: "check";
  readonly check: Check;
}
export interface LogStep extends StepBase {
  readonly kind: "log";
  readonly message: string;
}

export type Step =
  | PartitionStep | OnewayStep | DelayStep | BandwidthStep | PauseLinkStep | LimitDataStep | NodeActionStep | HealStep
  | GlobalRegisterStep | WaitStep | WaitUntilStep | RepeatStep | NemesisStep | CheckStep | LogStep;
export type StepKind = Step["kind"];

interface CheckBase {
  readonly at: SourceRef;
}
/** `withinMs`: how long the check may keep retrying until it passes (0: evaluate once). */
export interface WithinCheck<N extends CheckName> extends CheckBase {
  readonly name: N;
  readonly withinMs: number;
}
export interface ClusterSeesCheck extends WithinCheck<"cluster.sees"> {
  /** Each listed node and exactly the nodes its Node.list() must hold. */
  readonly expected: ReadonlyMap<NodeName, readonly NodeName[]>;
}
export interface GlobalNamesUniqueCheck extends WithinCheck<"global.names_unique"> {
  /**
   * Explicit names, or every workload name plus every `global_register` name (never empty), or
   * "all": every name registered in :global on any node.
   */
  readonly names: readonly string[] | "all";
}
/** pg.converged / pg.partitioned. Without `scope`: the workload's groups (`groups` is "all" and ignored). */
export interface PgCheck<N extends "pg.converged" | "pg.partitioned"> extends WithinCheck<N> {
  /** A pg scope to look at (e.g. the app's own), or undefined for the workload's groups. */
  readonly scope: string | undefined;
  readonly groups: "all" | readonly string[];
}
/** horde.unique / horde.no_loss. Module names as written (e.g. "MyApp.Registry"); undefined: the workload's. */
export interface HordeCheck<N extends "horde.unique" | "horde.no_loss"> extends WithinCheck<N> {
  readonly registry: string | undefined;
  readonly supervisor: string | undefined;
}
/** `invariant`: a call on the nodes; `withinMs` defaults to 0 (evaluate once). */
export interface InvariantCheck extends WithinCheck<"invariant"> {
  readonly call: CallSpec;
  readonly nodes: "all" | readonly NodeName[];
  /** Per call. */
  readonly timeoutMs: number;
  /** The expected printed result; undefined: :ok/true pass, false/{:error, _} fail. */
  readonly expect: string | undefined;
}
export interface GlobalBlockingCheck extends CheckBase {
  readonly name: "global.blocking";
  /** At least one of the two is set. */
  readonly maxMs: number | undefined;
  readonly minMs: number | undefined;
}

/** `history.*`: judges the clients' history (harness/src/clients/checks.ts). */
export type HistoryCheck = HistoryCheckSpec & CheckBase;

export type Check =
  | HistoryCheck
  | WithinCheck<"cluster.mesh"> | ClusterSeesCheck | PgCheck<"pg.converged"> | PgCheck<"pg.partitioned">
  | GlobalNamesUniqueCheck | GlobalBlockingCheck | HordeCheck<"horde.unique"> | HordeCheck<"horde.no_loss"> | InvariantCheck;

export interface Scenario {
  readonly version: 1;
  /** A safe directory name; defaults to the file's base name without extension. */
  readonly name: string;
  readonly description: string | undefined;
  /** undefined: the runner picks a seed and records it. */
  readonly seed: number | undefined;
  /** The file and its text as loaded (for a JS object: the name given and the object as YAML). */
  readonly source: { readonly file: string; readonly text: string };
  readonly cluster: ClusterSpec;
  readonly workload: Workload;
  readonly steps: readonly Step[];
  /** The final checks, run after the steps and a final heal. */
  readonly checks: readonly Check[];
  readonly limits: { readonly runTimeoutMs: number };
}
