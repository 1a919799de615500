/**
 * The agent's control ops as one typed table (docs/PROTOCOL.md): every op
 * `Netsplit.Agent.Ops` (nodes/lib/netsplit/agent/ops.ex) dispatches, with the arguments it
 * accepts and the result it replies with. `AgentClient.call` accepts only these names, and
 * ops.test.ts fails when this table and the Elixir side list different ops.
 *
 * `hello` is not here: it is the connection's first frame (sent by `AgentClient.connect`, typed
 * by `HelloInfo`), never a request on an authenticated connection.
 */
import type { NodeCensus } from "../horde/census.js";

/** An op that takes no arguments. */
export type NoArgs = Record<string, never>;

/** A pid as the agent prints it, the same on every node: "n1@127.0.0.1/<id>.<serial>". */
export type CanonicalPid = string;

export interface ViewReply {
  node: string;
  /** The visible nodes, sorted. */
  nodes: string[];
  t_us: number;
}

export interface NodeArgs {
  /** A full node name this node has a route to (or its own). */
  node: string;
}

export interface NodeInfoEntry {
  node: string;
  /** [ip, port] of the distribution connection, or null with `error`. */
  address: [string, number] | null;
  error?: string;
}

export interface PgStartArgs {
  scope: string;
  group: string;
  /** 0..1000 */
  count: number;
}

export interface PgViewArgs {
  groups: { scope: string; group: string }[];
}

export interface PgViewEntry {
  scope: string;
  group: string;
  members?: CanonicalPid[];
  local?: CanonicalPid[];
  /** The scope does not run on this node. */
  error?: string;
}

/** A bounded operation's outcome (`Netsplit.Agent.Timed`). */
export interface TimedResult {
  status: "ok" | "error" | "blocked";
  started_us: number;
  ended_us: number | null;
  result: unknown;
  /** Only when blocked: its late end comes as an `op_late` event with this ref. */
  ref?: string;
}

export interface GlobalRegisterArgs {
  name: string;
  timeout_ms?: number;
}

export interface GlobalViewReply {
  names: Record<string, CanonicalPid | null>;
  holders: { name: string; pid: CanonicalPid }[];
  registered: number;
}

export interface GlobalProbeStartArgs {
  op: "register_name" | "whereis_name" | "trans";
  every_ms?: number;
  timeout_ms?: number;
  name?: string | null;
}

export interface HordeCheckReply {
  node: string;
  horde: string | null;
  delta_crdt: string | null;
}

export interface HordeStartArgs {
  index?: number;
  keys: number;
  sync_interval_ms?: number | null;
  distribution?: "uniform" | "uniform_quorum";
  restart?: "ignore_already_started" | "naive";
  trap_exit?: boolean;
}

export interface HordeStartReply {
  started: boolean;
  registry: string;
  supervisor: string;
}

// --- the application under test ----------------------------------------------------------------

export interface CallArgs {
  /** The module's atom text: "Elixir.MyApp.Check" or "rabbit" ("MyApp.Check" and ":rabbit" work too). */
  module: string;
  function: string;
  /** Arguments, as MessagePack gives them to Elixir (strings arrive as binaries). Default []. */
  args?: unknown[];
  /** Default 5000. */
  timeout_ms?: number;
}

export type CallClass = "ok" | "true" | "false" | "error" | "other";

export interface CallReturned {
  outcome: "returned";
  /** Elixir's inspect of the result (limit 50, printable_limit 4096), cut at 8 KiB. */
  printed: string;
  class: CallClass;
  /** The printed reason of `{:error, reason}` (":error" for a bare `:error`). */
  reason?: string;
  /**
   * The result as data when it is made only of integers, floats, binaries, booleans, nil, atoms
   * (as Elixir prints them: ":ok", "MyApp.Foo"), lists and maps of these, within 10 000 terms and
   * 64 KiB; absent otherwise (tuples, pids, ...).
   */
  value?: unknown;
  us: number;
}

export interface CallRaised {
  outcome: "raised";
  kind: "error" | "throw" | "exit";
  /** A one-line banner and up to 5 stack frames, cut at 8 KiB. */
  printed: string;
  us: number;
}

export interface CallTimeout {
  outcome: "timeout";
  us: number;
}

export type CallReply = CallReturned | CallRaised | CallTimeout;

/** A configuration value in `app_start` overrides; a string ":name" becomes the atom `name`. */
export type ConfigValue = string | number | boolean | null | ConfigValue[] | { [key: string]: ConfigValue };

export interface AppStartArgs {
  /** Started in this order, each with `Application.ensure_all_started/1`. */
  apps: string[];
  /** `:erlang.term_to_binary` of a keyword list `[{app, keyword}]` (the host's config.exs). */
  config_etf?: Uint8Array | null;
  /** An absolute path on the node; read there with `Config.Reader.read!/2`. */
  runtime_config?: string | null;
  /** Default "prod". */
  config_env?: string;
  /** app => key => value, applied last. */
  overrides?: Record<string, Record<string, ConfigValue>> | null;
  /** Bounds the whole op. Default 30000. */
  timeout_ms?: number;
}

export interface AppStartReply {
  /** The applications this op started, dependencies included, in start order. */
  started: string[];
  us: number;
}

export interface PgAppViewArgs {
  /** The scope's atom text (an existing atom naming a running :pg scope). */
  scope: string;
  /** Default "all". A listed text matches a group whose printed form, atom text or binary content equals it. */
  groups?: "all" | string[];
}

export interface PgAppGroup {
  /** Elixir's inspect of the group (":workers", "\"jobs\"", "{:shard, 1}"); null when a listed group has no members here. */
  group: string | null;
  /** The atom's text or the binary's content; null for other terms. */
  text: string | null;
  /** The listed text this entry answers (only when `groups` is a list). */
  requested?: string;
  members: CanonicalPid[];
  local: CanonicalPid[];
  /** Members in the group (may exceed members.length when truncated). */
  count: number;
  /** The reply's budget of 100 000 pids ran out. */
  truncated?: true;
}

export interface GlobalNameEntry {
  printed: string;
  text: string | null;
  pid: CanonicalPid | null;
}

// --- the table -----------------------------------------------------------------------------------

/** One op: a description, and (as phantom types) its arguments and reply. */
export interface OpSpec<A, R> {
  readonly doc: string;
  /** Never set: carries the types. */
  readonly types?: (args: A) => R;
}

function op<A, R>(doc: string): OpSpec<A, R> {
  return { doc };
}

export const AGENT_OPS = {
  view: op<NoArgs, ViewReply>("this node and the nodes it sees"),
  connect: op<NodeArgs, boolean | "ignored">("net_kernel:connect_node/1 to a known peer (bounded by net_setuptime)"),
  disconnect: op<NodeArgs, boolean>("Node.disconnect/1"),
  connect_all: op<NoArgs, "ok">("dials every known peer asynchronously"),
  set_reconnect: op<{ interval_ms: number | null }, "ok">("the reconnect loop's interval (10..4294967295 ms), or null = off"),
  node_info: op<NoArgs, NodeInfoEntry[]>("the address of each distribution connection"),
  rpc_rtt: op<NodeArgs & { count?: number }, number[]>("round trips (µs) of erpc:call(node, erlang, node, [])"),
  pg_start: op<PgStartArgs, CanonicalPid[]>("starts count members of a workload pg group"),
  pg_view: op<PgViewArgs, PgViewEntry[]>("members of workload pg groups"),
  global_register: op<GlobalRegisterArgs, TimedResult & { pid: CanonicalPid }>("registers a fresh holder under a global name"),
  global_view: op<{ names: string[] }, GlobalViewReply>("where workload global names resolve, and this node's holders"),
  global_probe_start: op<GlobalProbeStartArgs, "ok">("starts a timed global operation loop"),
  global_sync: op<NoArgs, "ok">(":global.sync/0"),
  global_probes_stop: op<NoArgs, number>("stops every probe loop; replies how many"),
  horde_check: op<NoArgs, HordeCheckReply>("whether Horde is loadable and starts"),
  horde_start: op<HordeStartArgs, HordeStartReply>("starts a Horde workload"),
  horde_spawn: op<{ index?: number }, Record<string, number>>("starts a worker per key; replies outcome counts"),
  horde_census: op<NoArgs, NodeCensus>("this node's view of every Horde workload"),
  call: op<CallArgs, CallReply>("runs a function of the application under test"),
  app_start: op<AppStartArgs, AppStartReply>("configures and starts the application under test"),
  pg_app_view: op<PgAppViewArgs, PgAppGroup[]>("members of the application's own pg groups"),
  global_names: op<NoArgs, GlobalNameEntry[]>("every :global name and the pid it resolves to"),
  echo: op<{ value?: unknown }, unknown>("replies value (codec round trips)"),
  stop: op<NoArgs, "ok">("replies, then init:stop()"),
} as const;

export type AgentOps = typeof AGENT_OPS;
export type AgentOpName = keyof AgentOps;
export type OpArgs<O extends AgentOpName> = AgentOps[O] extends OpSpec<infer A, unknown> ? A : never;
export type OpReply<O extends AgentOpName> = AgentOps[O] extends OpSpec<never, infer R> ? R : never;

/** Every op name, in the table's order. */
export const AGENT_OP_NAMES = Object.keys(AGENT_OPS) as AgentOpName[];

export function isAgentOpName(name: string): name is AgentOpName {
  return Object.prototype.hasOwnProperty.call(AGENT_OPS, name);
}
