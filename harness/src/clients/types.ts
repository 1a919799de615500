/**
 * Clients and operation histories (issue 15), Jepsen-style: N logical client processes invoke
 * operations against the application under test while faults happen; every operation is an
 * `invoke` followed by exactly one completion, `ok` | `fail` | `info`:
 *
 *   ok     it happened (the function returned; `value` is what it returned)
 *   fail   it definitely did not happen (the function returned {:error, _} / :error / false,
 *          or the client could not even send it: its node is down)
 *   info   indeterminate: it may or may not have happened (timed out, raised, the node died with
 *          the call in flight, or still open when the run ended)
 *
 * These are the types of the scenario's `workload.clients` (camelCase here, snake_case in YAML,
 * see README.md) and of one history line in `ops.jsonl`.
 */

export type OpType = "invoke" | "ok" | "fail" | "info";

/**
 * One line of `ops.jsonl`. An invoke carries the start; its completion repeats the start and adds
 * the end, so each line reads on its own. One client has at most one op in flight, so a
 * completion always belongs to the last invoke of the same `process`.
 */
export interface Op {
  /** Position in the history, 0-based, invokes and completions alike. */
  index: number;
  type: OpType;
  /** The client's id (0-based), Jepsen's logical process. */
  process: number;
  node: string;
  /** The operation's name as the scenario gives it: `add`, `read`, `incr`... */
  f: string;
  /** invoke: the generated value (null when none); ok: the result; fail/info: the invoke's value. */
  value: unknown;
  /** ms since the run started (monotonic) when the op was invoked. */
  startMs: number;
  /** Wall clock (ISO 8601) when the op was invoked. */
  startAt: string;
  /** Completions only: ms since the run started when it completed. */
  endMs?: number;
  endAt?: string;
  /** fail / info: why, one line. */
  error?: string;
}

/** `MyApp.Jobs.submit/1` as parsed by the scenario loader (structurally a scenario CallSpec). */
export interface ClientCall {
  readonly text: string;
  /** The module's atom text: "Elixir.Jobs" or "rabbit". */
  readonly module: string;
  readonly function: string;
  readonly arity: number;
}

/** Where an op's value comes from (seeded: a run with the same seed repeats them). */
export type ValueSpec =
  | { kind: "none" }
  /** 1, 2, 3... unique across every client of the run. */
  | { kind: "unique_int" }
  /** Uniform integer in [min, max], both included. */
  | { kind: "random_int"; min: number; max: number }
  | { kind: "constant"; value: unknown };

export interface ClientOpSpec {
  /** The op's name in the history. */
  f: string;
  call: ClientCall;
  /**
   * The call's arguments; the string "{value}" is replaced by the value itself, and "{value}"
   * inside a longer string by its text ("job {value}" -> "job 17"). Default: [value] when the
   * function takes one argument and a value is generated, else [].
   */
  args?: readonly unknown[];
  value: ValueSpec;
  /** Relative weight in the mix (default 1). */
  weight: number;
  /**
   * Error reasons (prefixes of the printed reason, e.g. ":timeout") that mean "may have
   * happened": such a return is recorded `info`, not `fail`. Apps that turn a GenServer.call
   * timeout into {:error, :timeout} need this, or a set check may report it as `failed_read`.
   */
  indeterminate: readonly string[];
}

export type Binding =
  | { kind: "round_robin" }
  | { kind: "random" }
  /** Client i is bound to nodes[i % nodes.length]. */
  | { kind: "fixed"; nodes: readonly string[] };

export type Pace =
  /** Ops per second per client (the next op starts 1/rate after the previous one started). */
  | { kind: "rate"; perSecond: number }
  /** A pause after each op completes, ms (0 = back to back). */
  | { kind: "think"; ms: number };

export interface ClientSpec {
  /** How many concurrent clients (logical processes 0..count-1). */
  count: number;
  binding: Binding;
  pace: Pace;
  /** Per-op timeout given to the agent's `call` (ms). */
  timeoutMs: number;
  /** When clients run, ms since the run started; absent = the whole timeline. */
  window?: { startMs: number; endMs?: number };
  ops: readonly ClientOpSpec[];
}

/**
 * `workload.clients`: groups of clients (YAML: one mapping or a list of them). Processes are
 * numbered across the groups in order: group 0 has 0..count-1, group 1 continues.
 */
export type ClientsWorkload = readonly ClientSpec[];

/** What a checker over a history returns (the report maps it onto a CheckResult). */
export interface HistoryVerdict {
  verdict: "pass" | "fail" | "unknown";
  /** One sentence; the same history gives the same sentence. */
  detail: string;
  data: Record<string, unknown>;
}

/** A fault's time span, ms since the run started (from the run's fault history). */
export interface FaultWindow {
  startMs: number;
  /** Absent: still in force at the end of the run. */
  endMs?: number;
  label: string;
}
