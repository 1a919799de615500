/**
 * The narrative: a short, time-ordered account of what the BEAM did during a run, in the words a
 * BEAM engineer would use ("+1.60 s partition n1 n2 | n3 (reset)"; "+5.90 s global on n1
 * disconnected n3 to prevent overlapping partitions"; "+12.1 s after the heal, global resolved a
 * conflict on "leader": kept n1's pid, killed n4's"). Built from the run's history alone: the
 * faults and heals, the nodedowns with their reasons, and the nodes' log events (forwarded by
 * the agent, `log` / `log_dropped`) that a recogniser (recognise.ts) knows. A log line no
 * recogniser knows is counted here and stays in the event log.
 *
 * Also: which lines explain a failed check, the marks the timeline draws on the node strips,
 * and each fault's first effect / each heal's last effect (causality.ts).
 */
import type { HistoryEntry } from "../run/history.js";
import type { Topology } from "../report/topology.js";
import { causality, type Causality } from "./causality.js";
import { eventMs, type NarrativeCheck, type NarrativeInput } from "./input.js";

export { eventMs, type NarrativeCheck, type NarrativeInput } from "./input.js";
import { recognise, short, type Fact } from "./recognise.js";

export interface NarrativeLine {
  /** Stable within a report, e.g. "nl-4": the HTML anchors and the checks' references. */
  id: string;
  atMs: number;
  kind: "fault" | "heal" | "nodedown" | Fact["kind"] | "dropped" | "check";
  /** The nodes the line is about (whose strips it marks). */
  nodes: string[];
  text: string;
  /** The same thing again later: how many more times, and the last time. */
  repeats?: { count: number; lastMs: number };
}

/** A recognised log event on a node's strip. */
export interface NarrativeMark {
  node: string;
  atMs: number;
  kind: NarrativeLine["kind"];
  text: string;
  lineId: string;
}

export interface Narrative {
  lines: NarrativeLine[];
  /** Failed (or unknown) check name -> the lines that explain it (recognised log events). */
  explains: Record<string, string[]>;
  marks: NarrativeMark[];
  causality: Causality;
  /** Forwarded log lines no recogniser knew (they are in the event log). */
  unrecognised: number;
  /** Log lines each node's agent dropped over its rate limit. */
  dropped: Record<string, number>;
  /** Lines left out to keep the account short (they are in the event log). */
  omitted: number;
}


/** At most this many lines; the rest are counted, and in the event log. */
const MAX_LINES = 60;
/** Events of one kind this close together make one line. */
const BURST_MS = 300;

const REASON: Record<string, string> = {
  connection_closed: "connection closed",
  net_tick_timeout: "tick timeout",
  disconnect: "disconnected on purpose (disconnect_node, e.g. by global)",
  connection_setup_failed: "connection setup failed",
  no_network: "no network",
};
export const reasonText = (r: string): string => REASON[r] ?? r;


interface Item {
  atMs: number;
  node: string;
  kind: NarrativeLine["kind"];
  /** Items with the same key within BURST_MS become one line. */
  key: string;
  fact?: Fact;
  peer?: string;
  reason?: string;
  /** The process that logged it, to drop a second report of one crash. */
  pid?: string;
  count?: number;
}

export function buildNarrative(input: NarrativeInput): Narrative {
  const { entries, t0, topology } = input;
  const items: Item[] = [];
  let unrecognised = 0;
  const dropped: Record<string, number> = {};
  for (const e of entries) {
    if (e.type !== "node_event") continue;
    const ev = e.event as Record<string, unknown>;
    const node = String(e.node ?? "");
    const atMs = eventMs(e, t0);
    if (ev.event === "nodedown") {
      const reason = String(ev.reason ?? "unknown");
      items.push({ atMs, node, kind: "nodedown", key: `down:${reason}`, peer: short(String(ev.node ?? "")), reason });
    } else if (ev.event === "log_dropped") {
      dropped[node] = (dropped[node] ?? 0) + Number(ev.count ?? 0);
      if (dropped[node] === Number(ev.count ?? 0)) items.push({ atMs, node, kind: "dropped", key: `dropped:${node}`, count: 0 });
    } else if (ev.event === "log") {
      const fact = recognise({ text: String(ev.text ?? ""), ...optional(ev, "level", "label", "child", "start") });
      if (!fact) {
        if (!String(ev.text ?? "").startsWith("netsplit control:")) unrecognised++;
        continue;
      }
      items.push({ atMs, node, kind: fact.kind, key: factKey(fact, node), fact, ...(typeof ev.pid === "string" ? { pid: ev.pid } : {}) });
    }
  }
  items.sort((a, b) => a.atMs - b.atMs);

  const lines: NarrativeLine[] = [];
  const marks: (NarrativeMark & { ref: NarrativeLine })[] = [];
  const add = (l: Omit<NarrativeLine, "id">): NarrativeLine => {
    const line = { id: "", ...l };
    lines.push(line);
    return line;
  };
  const cause = causality(input);

  for (const f of topology.faults) {
    const c = cause.faults.find((x) => x.step === f.step && Math.abs(x.at_ms - f.startMs) < 1);
    const first = c?.first_effect ? `; first effect after ${ms(c.first_effect_ms!)} (${c.first_effect})` : "";
    add({ atMs: f.startMs, kind: "fault", nodes: f.nodes, text: `${faultText(f.label, f.pairs)}${first}` });
  }
  for (const m of topology.marks) {
    const c = cause.heals.find((x) => x.step === m.step && Math.abs(x.at_ms - m.atMs) < 1);
    const last = c ? (c.last_effect_ms === null ? "; the mesh was not whole again before the next fault or the end" : `; every node saw the full mesh again after ${ms(c.last_effect_ms)}${c.last_node ? ` (last: ${c.last_node})` : ""}`) : "";
    add({ atMs: m.atMs, kind: "heal", nodes: m.nodes, text: `${m.label}${last}` });
  }

  // bursts: items of one key close together make one line. Within one fault window (from a
  // fault or heal to the next), a thing already told (the same observer, peer, reason or fact)
  // is not told again: its first line counts the repeats.
  const boundaries = [...topology.faults.map((f) => f.startMs), ...topology.marks.map((m) => m.atMs)].sort((a, b) => a - b);
  const windowOf = (t: number) => boundaries.filter((b) => b <= t).length;
  const told = new Map<string, NarrativeLine>();
  /** Items another line already tells (not a repeat): a tick-timeout nodedown after net_kernel's line. */
  const absorbed = new Map<string, NarrativeLine>();
  const open = new Map<string, { line: NarrativeLine; items: Item[]; lastMs: number }>();
  const seenCrash = new Map<string, number>();
  const flush = (key: string) => {
    const b = open.get(key);
    if (!b) return;
    open.delete(key);
    const w = windowOf(b.items[0]!.atMs);
    const fresh: Item[] = [];
    const bumped = new Set<NarrativeLine>();
    for (const it of b.items) {
      const first = told.get(`${w}|${signature(it)}`);
      const by = absorbed.get(`${w}|${signature(it)}`);
      if (by) {
        absorbed.delete(`${w}|${signature(it)}`);
        marks.push(mark(it, by));
      } else if (!first) fresh.push(it);
      else {
        if (!bumped.has(first)) first.repeats = { count: (first.repeats?.count ?? 0) + 1, lastMs: it.atMs };
        else first.repeats!.lastMs = it.atMs;
        bumped.add(first);
        marks.push(mark(it, first));
      }
    }
    if (fresh.length === 0) {
      lines.splice(lines.indexOf(b.line), 1);
      return;
    }
    b.line.text = describe(fresh, input, dropped);
    b.line.atMs = fresh[0]!.atMs;
    b.line.nodes = [...new Set(fresh.map((i) => i.node))];
    for (const it of fresh) {
      told.set(`${w}|${signature(it)}`, b.line);
      // net_kernel's "not responding" line is the tick-timeout nodedown that follows it
      if (it.fact?.kind === "tick_timeout") absorbed.set(`${w}|down:${it.node}:${it.fact.peer}:net_tick_timeout`, b.line);
      marks.push(mark(it, b.line));
    }
  };
  for (const it of items) {
    if (it.kind === "crash" && it.pid) {
      const before = seenCrash.get(`${it.node}:${it.pid}`);
      seenCrash.set(`${it.node}:${it.pid}`, it.atMs);
      if (before !== undefined && it.atMs - before < 1000) continue; // gen_server's report, then proc_lib's
    }
    for (const [k, b] of open) if (it.atMs - b.lastMs > BURST_MS || (k === it.key && it.atMs - b.items[0]!.atMs > 2 * BURST_MS)) flush(k);
    const b = open.get(it.key);
    if (b) {
      b.items.push(it);
      b.lastMs = it.atMs;
    } else open.set(it.key, { line: add({ atMs: it.atMs, kind: it.kind, nodes: [it.node], text: "" }), items: [it], lastMs: it.atMs });
  }
  for (const k of [...open.keys()]) flush(k);

  for (const c of input.checks) {
    if (c.verdict !== "fail" || c.decided_at_ms === undefined) continue;
    add({ atMs: c.decided_at_ms, kind: "check", nodes: [], text: `${c.name} FAILED: ${c.detail}` });
  }

  lines.sort((a, b) => a.atMs - b.atMs || order(a.kind) - order(b.kind));
  const omitted = Math.max(0, lines.length - MAX_LINES);
  const kept = omitted ? keepShort(lines) : lines;
  kept.forEach((l, i) => (l.id = `nl-${i + 1}`));
  const keptSet = new Set(kept);
  const explains = explain(kept, input.checks);
  for (const l of kept) {
    if (l.kind !== "check") continue;
    const name = l.text.split(" FAILED:")[0]!;
    const ids = explains[name];
    if (ids?.length) l.text += ` (see ${ids.map((id) => `#${id.slice(3)}`).join(", ")})`;
  }
  const outMarks = marks.filter((m) => keptSet.has(m.ref)).map(({ ref, ...m }) => ({ ...m, lineId: ref.id }));
  return { lines: kept, explains, marks: outMarks, causality: cause, unrecognised, dropped, omitted };
}

function mark(it: Item, line: NarrativeLine): NarrativeMark & { ref: NarrativeLine } {
  const text = it.kind === "nodedown" ? `nodedown ${it.peer} (${it.reason})` : line.text;
  return { node: it.node, atMs: it.atMs, kind: it.kind, text, lineId: "", ref: line };
}

/** Faults, heals and checks first, then log facts; nodedown lines are dropped first when too long. */
function keepShort(lines: NarrativeLine[]): NarrativeLine[] {
  const rank = (l: NarrativeLine) => (l.kind === "fault" || l.kind === "heal" || l.kind === "check" ? 0 : l.kind === "nodedown" ? 2 : 1);
  const chosen = new Set([...lines].sort((a, b) => rank(a) - rank(b) || a.atMs - b.atMs).slice(0, MAX_LINES));
  return lines.filter((l) => chosen.has(l));
}

const ORDER = ["fault", "heal", "nodedown", "tick_timeout", "global_disconnect", "connect_failed", "connect_rejected", "name_conflict", "mnesia_partition", "rabbit_down_but_reachable", "rabbit_partial_partition", "rabbit_paused", "rabbit_autoheal_loser", "rabbit_stopped", "supervisor", "crash", "dropped", "check"];
const order = (k: string) => ORDER.indexOf(k);

function optional(ev: Record<string, unknown>, ...keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) if (typeof ev[k] === "string") out[k] = ev[k] as string;
  return out;
}

function signature(it: Item): string {
  return it.kind === "nodedown" ? `down:${it.node}:${it.peer}:${it.reason}` : it.kind === "dropped" ? `dropped:${it.node}` : `${it.node}:${JSON.stringify(it.fact)}`;
}

function factKey(f: Fact, node: string): string {
  switch (f.kind) {
    case "global_disconnect": return f.done ? "gd" : "gr";
    case "name_conflict": return `nc:${f.name}:${f.pidTail}`;
    case "tick_timeout": return `tt:${f.peer}`;
    case "connect_failed": return `cf:${[f.by, f.peer].sort().join("-")}`;
    case "connect_rejected": return `cr:${[node, f.from].sort().join("-")}:${f.why}`;
    case "mnesia_partition": return `mn:${f.context}`;
    case "supervisor": return `sv:${node}:${f.supervisor}:${f.child}`;
    case "crash": return `cr:${node}:${f.process}:${f.reason}`;
    case "rabbit_paused": return "rp";
    case "rabbit_autoheal_loser": return `ra:${f.winner}`;
    case "rabbit_partial_partition": return `rpp:${f.action}`;
    case "rabbit_down_but_reachable": return "rdr";
    case "rabbit_stopped": return `rs:${f.reason}`;
  }
}

const natural = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

/** Node names, sorted, runs of three or more collapsed: "n1–n8, n10". */
export function nodeList(xs: readonly string[], sep = ", "): string {
  const sorted = [...new Set(xs)].sort(natural);
  const out: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    const m = /^(.*?)(\d+)$/.exec(sorted[i]!);
    while (m && j + 1 < sorted.length) {
      const n = /^(.*?)(\d+)$/.exec(sorted[j + 1]!);
      if (!n || n[1] !== m[1] || Number(n[2]) !== Number(m[2]) + (j + 1 - i)) break;
      j++;
    }
    out.push(j - i >= 2 ? `${sorted[i]}–${sorted[j]}` : sorted.slice(i, j + 1).join(sep));
    i = j + 1;
  }
  return out.join(sep);
}

/** Pairs (subject, object) as "a, b each <verb> x, y; c <verb> z": subjects grouped by their objects. */
function grouped(pairs: readonly (readonly [string, string])[], verb: string): string {
  const objects = new Map<string, string[]>();
  for (const [a, b] of pairs) objects.set(a, [...(objects.get(a) ?? []), b]);
  const bySet = new Map<string, string[]>();
  for (const [a, bs] of objects) {
    const key = nodeList(bs);
    bySet.set(key, [...(bySet.get(key) ?? []), a]);
  }
  return [...bySet].map(([bs, as]) => `${nodeList(as)}${as.length > 1 ? " each" : ""} ${verb} ${bs}`).join("; ");
}

const list = (xs: readonly string[]) => nodeList(xs);
const ms = (x: number) => (x < 1000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(2)} s`);

/** "cut [n1–n8 | n9–n16] (reset)" for a partition into sides; "cut n1↔n3 (reset)" for links. */
function faultText(label: string, pairs: readonly (readonly string[])[]): string {
  if (/links cut/.test(label)) return label.replace(/^partition \d+ links cut/, `cut ${pairs.map((p) => p.join("↔")).join(", ")}`);
  const m = /^partition (.*?)( \(.*\))?$/.exec(label);
  if (!m || !m[1]!.includes("|")) return label;
  return `cut [${m[1]!.split(" | ").map((side) => nodeList(side.split(" "), " ")).join(" | ")}]${m[2] ?? ""}`;
}

/** One line for a burst of items of one key. */
function describe(items: Item[], input: NarrativeInput, dropped: Record<string, number>): string {
  const it = items[0]!;
  const nodes = items.map((i) => i.node);
  if (it.kind === "nodedown") {
    return `${grouped(items.map((i) => [i.node, i.peer!] as const), "lost")}: ${reasonText(it.reason!)}`;
  }
  if (it.kind === "dropped") return `${it.node}'s agent dropped ${dropped[it.node]!.toLocaleString("en")} log lines over its rate limit (all of them are in logs/${it.node}.log)`;
  const f = it.fact!;
  const facts = items.map((i) => i.fact!) as Fact[];
  switch (f.kind) {
    case "global_disconnect": {
      const fs = facts as Extract<Fact, { kind: "global_disconnect" }>[];
      // "A disconnected B": grouped by the disconnected nodes; "A asked B to disconnect it": by the askers
      if (f.done) {
        const disconnectedBy = new Map<string, string[]>();
        for (const x of fs) disconnectedBy.set(x.peer, [...(disconnectedBy.get(x.peer) ?? []), x.by]);
        const bySet = new Map<string, string[]>();
        for (const [peer, bys] of disconnectedBy) bySet.set(nodeList(bys), [...(bySet.get(nodeList(bys)) ?? []), peer]);
        return `${[...bySet].map(([bys, peers]) => `global on ${bys} disconnected ${nodeList(peers)}`).join("; ")} to prevent overlapping partitions`;
      }
      return `global on ${grouped(fs.map((x) => [x.by, x.peer] as const), "asked")} to disconnect it, to prevent overlapping partitions`;
    }
    case "name_conflict": return conflictText(f, it, input);
    case "tick_timeout": return `${list(nodes)} stopped hearing ticks from ${f.peer}: connection removed (net_kernel: "not responding")`;
    case "connect_failed": {
      const fs = facts as Extract<Fact, { kind: "connect_failed" }>[];
      const each = fs.some((x) => x.by === f.peer && x.peer === f.by);
      return each ? `global on ${f.by} and ${f.peer} each failed to connect to the other` : `global on ${f.by} failed to connect to ${f.peer}`;
    }
    case "connect_rejected": return `${list(nodes)} refused a connection from ${list(facts.map((x) => (x as typeof f).from))}: ${f.why}`;
    case "mnesia_partition": {
      const peers = list(facts.map((x) => (x as typeof f).peer));
      // starting_partitioned_network: mnesia (re)starting here learned that its peers had seen it down (e.g. RabbitMQ restarting rabbit after a pause)
      return f.context === "starting_partitioned_network"
        ? `mnesia on ${list(nodes)}, starting again, found that ${peers} had seen it down (inconsistent_database, ${f.context})`
        : `mnesia on ${list(nodes)} found its database inconsistent (${f.context}) with ${peers}: the sides may have diverged`;
    }
    case "rabbit_paused": return `RabbitMQ on ${list(nodes)}${new Set(nodes).size > 1 ? " each" : ""} saw a minority of its cluster and paused itself: rabbit stopped until the majority is back (rabbit_node_monitor: "Cluster minority/secondary status detected - awaiting recovery")`;
    case "rabbit_autoheal_loser": return `RabbitMQ autoheal: ${list(nodes)} ${new Set(nodes).size > 1 ? "were" : "was"} on a losing side and ${new Set(nodes).size > 1 ? "restart" : "restarts"} rabbit; the winning side is ${f.winner}'s ("we were selected to restart")`;
    case "rabbit_partial_partition": {
      const fs = items.map((i) => [i.node, i.fact as Extract<Fact, { kind: "rabbit_partial_partition" }>] as const);
      const what = [...new Set(fs.map(([n, x]) => `${n} lost ${x.down} while ${x.peer} still sees it`))].join("; ");
      const doing = f.action === "pause" ? `${new Set(nodes).size > 1 ? "each pauses" : "pauses"} until the entire cluster is back (pause_minority)` : f.action === "disconnect" ? "disconnects from the node it lost" : f.action;
      return `RabbitMQ detected a partial partition: ${what}; ${doing}`;
    }
    case "rabbit_down_but_reachable": return `RabbitMQ on ${list(nodes)} was told ${list(facts.map((x) => (x as typeof f).down))} ${facts.length > 1 ? "were" : "was"} down but still reaches ${facts.length > 1 ? "them" : "it"} (its partial-partition check)`;
    case "rabbit_stopped": return `rabbit stopped on ${list(nodes)}${f.reason === "stopped" ? "" : ` (${f.reason})`}`;
    case "supervisor":
      return f.pgScope
        ? `${it.node}: pg scope ${f.pgScope} ${f.context === "child_terminated" ? "restarted" : f.context} by ${f.supervisor} (${f.reason})${items.length > 1 ? ` ×${items.length}` : ""}`
        : `${it.node}: supervisor ${f.supervisor} ${f.context === "child_terminated" ? "restarted" : f.context === "shutdown" ? "gave up on" : `${f.context}:`} ${f.child} (${f.reason})${items.length > 1 ? ` ×${items.length}` : ""}`;
    case "crash":
      return `${it.node}: ${f.process} crashed: ${f.reason}${f.stack.length ? ` at ${f.stack.slice(0, 2).join(" < ")}` : ""}${items.length > 1 ? ` ×${items.length}` : ""}`;
  }
}

/** Which pid global kept and which it killed, from the registrations and the holders' exits. */
function conflictText(f: Extract<Fact, { kind: "name_conflict" }>, it: Item, input: NarrativeInput): string {
  const t0 = input.t0;
  const regs: { node: string; pid: string; atMs: number }[] = [];
  for (const e of input.entries) {
    if (e.type !== "global_register" || String(e.name) !== f.name) continue;
    const o = e.outcome as { pid?: unknown; result?: unknown } | undefined;
    if (typeof o?.pid === "string" && o.result === "yes") regs.push({ node: String(e.node), pid: o.pid, atMs: e.t - t0 });
  }
  const exits = input.entries.filter((e) => e.type === "node_event" && (e.event as Record<string, unknown>).event === "holder_exit" && String((e.event as Record<string, unknown>).name) === f.name)
    .map((e) => ({ node: String(e.node), pid: String((e.event as Record<string, unknown>).pid), reason: String((e.event as Record<string, unknown>).reason), atMs: eventMs(e, t0) }));
  let killed = regs.filter((r) => r.pid.endsWith(`/${f.pidTail}`));
  if (killed.length !== 1) killed = regs.filter((r) => exits.some((x) => x.pid === r.pid && /kill/.test(x.reason) && Math.abs(x.atMs - it.atMs) < 5000));
  const heal = input.topology.marks.filter((m) => m.kind === "heal" && m.atMs <= it.atMs && it.atMs - m.atMs < 30_000).at(-1);
  const when = heal ? "after the heal, " : "";
  const name = `"${f.name}"`;
  if (killed.length === 1) {
    const k = killed[0]!;
    const kept = [...new Set(regs.filter((r) => r.pid !== k.pid && !exits.some((x) => x.pid === r.pid && x.atMs < it.atMs)).map((r) => r.node))];
    const localPid = `<0.${k.pid.split("/")[1]}>`;
    return `${when}global resolved a conflict on ${name}: ${kept.length ? `kept ${kept.map((n) => `${n}'s`).join(" and ")} pid, ` : ""}killed ${k.node}'s (${localPid} on ${k.node}, exit(Pid, kill))`;
  }
  return `${when}global resolved a conflict on ${name}: killed ${f.pid} (as ${it.node} prints it) with exit(Pid, kill)`;
}

/** RabbitMQ's own decisions: they explain a failed call check (e.g. `:rabbit.is_running/0` on a paused node). */
const RABBIT = ["rabbit_down_but_reachable", "rabbit_partial_partition", "rabbit_paused", "rabbit_autoheal_loser", "rabbit_stopped"];

/** The lines that explain a failed check: recognised log events before it was decided. */
function explain(lines: readonly NarrativeLine[], checks: readonly NarrativeCheck[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const relevant: Record<string, readonly string[]> = {
    cluster: ["global_disconnect", "tick_timeout", "connect_failed", "connect_rejected", "nodedown"],
    global: ["name_conflict", "global_disconnect", "connect_failed", "crash"],
    pg: ["supervisor", "global_disconnect", "crash"],
    horde: ["crash", "supervisor", "name_conflict", "global_disconnect"],
  };
  for (const c of checks) {
    if ((c.verdict !== "fail" && c.verdict !== "unknown") || c.decided_at_ms === undefined) continue;
    const family = relevant[c.name.split(".")[0]!] ?? ["crash", "supervisor", "mnesia_partition", "global_disconnect", "name_conflict", ...RABBIT];
    const ids = lines.filter((l) => family.includes(l.kind) && l.kind !== "nodedown" && l.atMs <= c.decided_at_ms! + 50).slice(-5).map((l) => l.id);
    if (ids.length) out[c.name] = ids;
  }
  return out;
}
