/**
 * Recognisers: small pure functions, each turning one node log line into a fact a BEAM engineer
 * would name ("global on n1 disconnected n3 to prevent overlapping partitions"), or null.
 *
 * A line reaches the harness two ways, and both spellings are recognised:
 *  - forwarded by the agent (`log` events, Netsplit.Agent.LogForwarder): Erlang's
 *    logger_formatter, one line: `'global' at node 'n1@h' disconnected node 'n2@h' ...`;
 *  - the node's own log file (logs/n*.log, Elixir's formatter): `... node :"n1@h" ...`.
 *
 * Every recogniser is tested on lines captured from real runs (testdata/otp25-log-lines.json,
 * OTP 25; RabbitMQ's: testdata/rabbitmq-3.10.8-otp25-lines.json). A line no recogniser knows is
 * not a fact, and stays in the event log as it is.
 *
 * RabbitMQ 3.10 logs through `:logger`, so the agent's forwarder sees its lines, but forwards
 * only warnings and above (and application exits): rabbit_node_monitor's minority pause, the
 * autoheal loser's line, a partial partition (error) and rabbit stopping arrive; its info lines
 * ("node 'n3@h' down: net_tick_timeout", "Autoheal decision", "rabbit on node 'n3@h' up") stay
 * in the node's own files (logs/n*.log, nodes/<node>/log/rabbit.log).
 */

/** What a recogniser gets: the line and, for forwarded lines, what the agent knew of it. */
export interface LogInput {
  text: string;
  level?: string;
  /** A report's label, e.g. "proc_lib:crash", "supervisor:child_terminated". */
  label?: string;
  /** A supervisor report's child: its id (inspected) and start function, e.g. "pg:start_link/1". */
  child?: string;
  start?: string;
}

export type Fact =
  /** `by` disconnected `peer` (done = true), or `by` asked `peer` to drop their connection (done = false). */
  | { kind: "global_disconnect"; by: string; peer: string; done: boolean }
  /** global's name-conflict resolver killed `pid` (as the logging node prints it) holding `name`. */
  | { kind: "name_conflict"; name: string; pid: string; pidTail: string }
  /** net_kernel: `peer` did not answer ticks; the connection was removed. */
  | { kind: "tick_timeout"; peer: string }
  /** global on `by` could not connect to `peer` (its lock or sync connect failed). */
  | { kind: "connect_failed"; by: string; peer: string }
  /** The distribution handshake of `from` was refused, and why. */
  | { kind: "connect_rejected"; from: string; why: string }
  /** A process crashed: who, the reason (short), the top of its stack. */
  | { kind: "crash"; process: string; reason: string; stack: string[] }
  /** A supervisor restarted (or gave up on) a child; `pgScope` when the child is a pg scope. */
  | { kind: "supervisor"; supervisor: string; child: string; context: string; reason: string; pgScope?: string }
  /** mnesia saw the network partitioned: its databases on both sides may have diverged. */
  | { kind: "mnesia_partition"; node: string; peer: string; context: string }
  /**
   * RabbitMQ (rabbit_node_monitor): the logging node saw only a minority of its cluster
   * (pause_minority; "secondary": none of its preferred nodes, pause_if_all_down) and stops
   * rabbit until it sees them again.
   */
  | { kind: "rabbit_paused" }
  /** RabbitMQ autoheal: the logging node is on a losing side and restarts rabbit; `winner` leads the winning side. */
  | { kind: "rabbit_autoheal_loser"; winner: string }
  /**
   * RabbitMQ (rabbit_node_monitor): a partial partition: `peer` said `down` was DOWN while the
   * logging node still sees both; `action` is what the node does about it (pause, or disconnect
   * from `down`).
   */
  | { kind: "rabbit_partial_partition"; down: string; peer: string; action: string }
  /**
   * RabbitMQ's partial-partition check: a peer said `down` was down, but the logging node still
   * talks to it ("Received a 'DOWN' message from 'n2@h' but still can communicate with it").
   */
  | { kind: "rabbit_down_but_reachable"; down: string }
  /** The rabbit application stopped on the logging node (application_controller), and why ("stopped": on purpose). */
  | { kind: "rabbit_stopped"; reason: string };

/** Node name in any spelling: 'n1@h', :"n1@h", :n1@h, n1@h. */
const NODE = String.raw`(?:'([^']+)'|:"([^"]+)"|:?([\w.\-]+@[\w.\-]+))`;
const node = (m: RegExpExecArray, i: number): string => short(m[i] ?? m[i + 1] ?? m[i + 2] ?? "");

/** "n1@127.0.0.1" -> "n1". */
export function short(full: string): string {
  return full.split("@")[0]!;
}

const OVERLAP = new RegExp(String.raw`^'global' at node ${NODE} (disconnected node|requested disconnect from node) ${NODE} in order to prevent overlapping partitions`);
export function globalDisconnect(l: LogInput): Fact | null {
  const m = OVERLAP.exec(l.text);
  if (!m) return null;
  return { kind: "global_disconnect", by: node(m, 1), peer: node(m, 5), done: m[4] === "disconnected node" };
}

const CONFLICT = /^global: Name conflict terminating \{(.+),\s*(?:#PID)?(<\d+\.\d+\.\d+>)\}/;
export function nameConflict(l: LogInput): Fact | null {
  const m = CONFLICT.exec(l.text);
  if (!m) return null;
  const pid = m[2]!;
  return { kind: "name_conflict", name: termName(m[1]!.trim()), pid, pidTail: pid.slice(1, -1).split(".").slice(1).join(".") };
}

/** A registered name as people write it: "solo" for <<"solo">>, <<115,111,108,111>>, "solo"; leader for leader, :leader. */
export function termName(t: string): string {
  const bytes = /^<<([\d,\s]+)>>$/.exec(t);
  if (bytes) return String.fromCharCode(...bytes[1]!.split(",").map((b) => Number(b.trim())));
  const bin = /^<<"(.*)">>$/.exec(t) ?? /^"(.*)"$/.exec(t);
  if (bin) return bin[1]!;
  return t.replace(/^:/, "").replace(/^'(.*)'$/, "$1");
}

const NOT_RESPONDING = new RegExp(String.raw`^\*\* Node ${NODE} not responding \*\*`);
export function tickTimeout(l: LogInput): Fact | null {
  const m = NOT_RESPONDING.exec(l.text);
  return m ? { kind: "tick_timeout", peer: node(m, 1) } : null;
}

const FAILED_CONNECT = new RegExp(String.raw`^'global' at ${NODE} failed to connect to ${NODE}`);
export function connectFailed(l: LogInput): Fact | null {
  const m = FAILED_CONNECT.exec(l.text);
  return m ? { kind: "connect_failed", by: node(m, 1), peer: node(m, 4) } : null;
}

const REJECTED = new RegExp(String.raw`^\*\* Connection attempt from (?:disallowed )?node ${NODE}(?: rejected\.)?\s*(.*?)\s*\*\*\s*$`);
export function connectRejected(l: LogInput): Fact | null {
  const m = REJECTED.exec(l.text);
  if (!m) return null;
  const raw = m[4]!.replace(/\.$/, "");
  const why = /invalid challenge reply/i.test(raw) ? "invalid challenge reply: the cookies differ" : raw || "not allowed";
  return { kind: "connect_rejected", from: node(m, 1), why };
}

const MNESIA = new RegExp(String.raw`^Mnesia\(${NODE}\): \*\* ERROR \*\* mnesia_event got \{inconsistent_database, :?(\w+), ${NODE}\}`);
export function mnesiaPartition(l: LogInput): Fact | null {
  const m = MNESIA.exec(l.text);
  return m ? { kind: "mnesia_partition", node: node(m, 1), context: m[4]!, peer: node(m, 5) } : null;
}

const SUPERVISOR = /^Supervisor: \{(?:local|global|via),\s*([^}]+)\}\. Context: (\w+)\. Reason: (.*)\. Offender: id=([^,]+),/;
export function supervisorReport(l: LogInput): Fact | null {
  const m = SUPERVISOR.exec(l.text);
  if (!m) return null;
  const child = m[4]!.trim();
  const pg = l.start === "pg:start_link/1" || l.start === "pg:start_link/0" || child === "pg";
  return { kind: "supervisor", supervisor: m[1]!.trim(), child, context: m[2]!, reason: shortReason(m[3]!), ...(pg ? { pgScope: child } : {}) };
}

/**
 * Crash reports, one line each as the forwarder writes them: proc_lib's "crasher: ...", a
 * gen_server's "Generic server X terminating. Reason: ...", an Elixir Task's "** Task ... terminating".
 */
export function crash(l: LogInput): Fact | null {
  const t = l.text;
  let m = /^crasher: initial call: (\S+), pid: (<[\d.]+>), registered_name: (\S+?), (?:error|exit|throw): (.*?), ancestors: /.exec(t);
  if (m) {
    const name = m[3] === "[]" ? `${m[2]} (${m[1]})` : m[3]!;
    return { kind: "crash", process: name, ...reasonAndStack(m[4]!) };
  }
  m = /^Generic server (\S+) terminating\. Reason: (.*?)\. Last message: /.exec(t);
  if (m) return { kind: "crash", process: m[1]!, ...reasonAndStack(m[2]!) };
  m = /^\*\* Task (<[\d.]+>) terminating,.*\*\* Reason for termination == , \*\* (.*)$/.exec(t);
  if (m) return { kind: "crash", process: `Task ${m[1]}`, ...reasonAndStack(m[2]!) };
  return null;
}

// ---- RabbitMQ 3.10 (rabbit_node_monitor, rabbit_autoheal) ----

/** "Cluster minority/secondary status detected - awaiting recovery" (warning, the pausing node). */
export function rabbitPaused(l: LogInput): Fact | null {
  return /^Cluster minority\/secondary status detected - awaiting recovery/.test(l.text) ? { kind: "rabbit_paused" } : null;
}

const AUTOHEAL_LOSER = new RegExp(String.raw`^Autoheal: we were selected to restart; winner is ${NODE}`);
/** "Autoheal: we were selected to restart; winner is 'n2@h'" (warning, each losing node). */
export function rabbitAutohealLoser(l: LogInput): Fact | null {
  const m = AUTOHEAL_LOSER.exec(l.text);
  return m ? { kind: "rabbit_autoheal_loser", winner: node(m, 1) } : null;
}

const PARTIAL = new RegExp(String.raw`^Partial partition detected:,?\s*\* We saw DOWN from ${NODE},?\s*\* We can still see ${NODE} which can see ${NODE},?\s*(.*)$`, "s");
/**
 * "Partial partition detected:, * We saw DOWN from n2@h, * We can still see n1@h which can see
 * n2@h, * pause_minority mode enabled, We will therefore pause until the *entire* cluster
 * recovers" (error; the forwarder joins its lines with ", "): `down` is lost here, `peer` still sees it.
 */
export function rabbitPartialPartition(l: LogInput): Fact | null {
  const m = PARTIAL.exec(l.text);
  if (!m) return null;
  const rest = m[10]!;
  const action = /pause/i.test(rest) ? "pause" : /disconnect/i.test(rest) ? "disconnect" : rest.replace(/\s+/g, " ").slice(0, 80);
  return { kind: "rabbit_partial_partition", down: node(m, 1), peer: node(m, 4), action };
}

const DOWN_REACHABLE = new RegExp(String.raw`^Received a 'DOWN' message from ${NODE} but still can communicate with it`);
/** "Received a 'DOWN' message from 'n2@h' but still can communicate with it" (warning, the node asked to check). */
export function rabbitDownButReachable(l: LogInput): Fact | null {
  const m = DOWN_REACHABLE.exec(l.text);
  return m ? { kind: "rabbit_down_but_reachable", down: node(m, 1) } : null;
}

/** application_controller's "Application: rabbit. Exited: stopped. Type: transient." (notice). */
export function rabbitStopped(l: LogInput): Fact | null {
  const m = /^Application: rabbit\. Exited: (.*?)\. Type: \w+\.?$/.exec(l.text) ?? /^Application rabbit exited with reason: (.*)$/.exec(l.text);
  return m ? { kind: "rabbit_stopped", reason: shortReason(m[1]!) } : null;
}

/** The recognisers, in the order they are tried. */
export const RECOGNISERS: readonly ((l: LogInput) => Fact | null)[] = [
  globalDisconnect, nameConflict, tickTimeout, connectFailed, connectRejected, mnesiaPartition, supervisorReport, crash,
  rabbitPaused, rabbitAutohealLoser, rabbitPartialPartition, rabbitDownButReachable, rabbitStopped,
];

export function recognise(l: LogInput): Fact | null {
  for (const r of RECOGNISERS) {
    const f = r(l);
    if (f) return f;
  }
  return null;
}

// ---- Erlang terms, just enough to shorten a reason and a stack ----

/** Splits the top level of a term's text at commas: "{a,[b,c]},d" -> ["{a,[b,c]}", "d"]. */
export function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "{" || c === "[" || c === "(") depth++;
    else if (c === "}" || c === "]" || c === ")") depth--;
    else if (c === "<" && text[i + 1] === "<") { depth++; i++; }
    else if (c === ">" && text[i + 1] === ">") { depth--; i++; }
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out.filter((s) => s !== "");
}

/** "{Reason,[Frames]}" -> the reason, shortened, and up to 3 frames as "mod.fun/arity (file:line)". */
function reasonAndStack(term: string): { reason: string; stack: string[] } {
  const t = term.trim();
  if (t.startsWith("{") && t.endsWith("}")) {
    const parts = splitTop(t.slice(1, -1));
    const last = parts.at(-1) ?? "";
    if (parts.length === 2 && last.startsWith("[{")) return { reason: shortReason(parts[0]!), stack: frames(last) };
  }
  return { reason: shortReason(t), stack: [] };
}

function frames(list: string): string[] {
  return splitTop(list.slice(1, -1)).slice(0, 3).map((f) => {
    const p = splitTop(f.replace(/^\{/, "").replace(/\}$/, ""));
    const mod = (p[0] ?? "?").replace(/^'(.*)'$/, "$1").replace(/^Elixir\./, "");
    const file = /\{file,"?([^",}]+)"?\}/.exec(p[3] ?? "")?.[1];
    const line = /\{line,(\d+)\}/.exec(p[3] ?? "")?.[1];
    const arity = /^\d+$/.test(p[2] ?? "") ? p[2] : `${splitTop((p[2] ?? "[]").slice(1, -1)).length}`;
    return `${mod}.${(p[1] ?? "?").replace(/^'(.*)'$/, "$1")}/${arity}${file ? ` (${file}${line ? `:${line}` : ""})` : ""}`;
  });
}

/** An Elixir exception struct as "RuntimeError: message"; anything else cut to 120 characters. */
export function shortReason(reason: string): string {
  const r = reason.trim();
  const struct = /'__struct__' => 'Elixir\.([\w.]+)'/.exec(r);
  if (struct && r.includes("'__exception__' => true")) {
    const msg = /message => <<"((?:[^"\\]|\\.)*)">>/.exec(r)?.[1];
    return msg !== undefined ? `${struct[1]}: ${msg}` : struct[1]!;
  }
  return r.length > 120 ? `${r.slice(0, 117)}...` : r;
}
