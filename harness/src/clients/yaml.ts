/**
 * `workload.clients` as written in a scenario (snake_case, durations as text, README.md) to the
 * typed `ClientsWorkload`. The scenario schema validates the shape first and gives people their
 * error messages with line and column; this normaliser re-checks only what it relies on and
 * throws an Error naming the key (`clients[0].ops[1].value: ...`) for anything the schema let
 * through, so the two cannot silently disagree.
 */
import { parseCall } from "../scenario/call.js";
import { parseDuration } from "../scenario/durations.js";
import { HISTORY_CHECK_NAMES, type HistoryCheck } from "./checks.js";
import type { Binding, ClientOpSpec, ClientSpec, ClientsWorkload, Pace, ValueSpec } from "./types.js";

export const CLIENT_DEFAULTS = { count: 1, ratePerSecond: 10, timeoutMs: 5000, weight: 1, withinMs: 10_000 } as const;

type Raw = Record<string, unknown>;

/** One mapping or a list of them. */
export function clientsFromYaml(raw: unknown): ClientsWorkload {
  const groups = Array.isArray(raw) ? raw : [raw];
  return groups.map((g, i) => group(obj(g, `clients[${i}]`), `clients[${i}]`));
}

/** One `- history.<name>: { ... }` entry of `checks:` (options in snake_case, see README.md). */
export function historyCheckFromYaml(name: string, raw: unknown): HistoryCheck {
  const o = raw === undefined || raw === null ? {} : obj(raw, name);
  const str = (k: string, d: string) => { const v = o[k] ?? d; if (typeof v !== "string") throw new Error(`${name}.${k}: an op name`); return v; };
  const within = () => (o.within === undefined ? CLIENT_DEFAULTS.withinMs : ms(o.within, `${name}.within`));
  switch (name) {
    case "history.set": return { name, add: str("add", "add"), read: str("read", "read"), withinMs: within() };
    case "history.counter": return { name, add: str("add", "add"), read: str("read", "read") };
    case "history.unique_ids": return { name, f: str("f", "add") };
    case "history.availability": {
      if (o.min !== undefined && (typeof o.min !== "number" || o.min < 0 || o.min > 1)) throw new Error(`${name}.min: a share from 0 to 1, e.g. 0.9`);
      const during = o.during ?? "all";
      if (during !== "all" && during !== "fault" && during !== "calm") throw new Error(`${name}.during: all, fault or calm`);
      const f = o.f === undefined ? undefined : typeof o.f === "string" ? [o.f] : o.f;
      if (f !== undefined && !(Array.isArray(f) && f.every((x) => typeof x === "string"))) throw new Error(`${name}.f: an op name or a list of them`);
      return { name, during, ...(o.min !== undefined ? { min: o.min } : {}), ...(f ? { f } : {}) };
    }
    case "history.exactly_once": {
      const e = obj(o.effects, `${name}.effects`);
      const parsed = typeof e.call === "string" ? parseCall(e.call) : undefined;
      if (!parsed?.ok) throw new Error(`${name}.effects.call: ${parsed ? parsed.message : "Module.function/arity returning a map id -> times"}`);
      const args = e.args ?? [];
      if (!Array.isArray(args) || args.length !== parsed.call.arity) throw new Error(`${name}.effects.args: ${parsed.call.arity} arguments for ${parsed.call.text}`);
      const timeoutMs = e.timeout === undefined ? CLIENT_DEFAULTS.timeoutMs : ms(e.timeout, `${name}.effects.timeout`);
      return { name, add: str("add", "add"), effects: { call: parsed.call, args, timeoutMs }, withinMs: within() };
    }
    default: throw new Error(`${name}: not a history check (${HISTORY_CHECK_NAMES.join(", ")})`);
  }
}

function group(g: Raw, at: string): ClientSpec {
  const count = g.count ?? CLIENT_DEFAULTS.count;
  if (!Number.isInteger(count) || (count as number) < 1) throw new Error(`${at}.count: a positive integer, got ${JSON.stringify(count)}`);
  if (g.rate !== undefined && g.think !== undefined) throw new Error(`${at}: give rate or think, not both`);
  if (!Array.isArray(g.ops) || g.ops.length === 0) throw new Error(`${at}.ops: a list of at least one op`);
  const window = g.window === undefined ? undefined : obj(g.window, `${at}.window`);
  return {
    count: count as number,
    binding: binding(g.nodes, `${at}.nodes`),
    pace: pace(g, at),
    timeoutMs: g.timeout === undefined ? CLIENT_DEFAULTS.timeoutMs : ms(g.timeout, `${at}.timeout`),
    ...(window ? { window: { startMs: window.start === undefined ? 0 : ms(window.start, `${at}.window.start`), ...(window.end !== undefined ? { endMs: ms(window.end, `${at}.window.end`) } : {}) } } : {}),
    ops: g.ops.map((o, j) => op(obj(o, `${at}.ops[${j}]`), `${at}.ops[${j}]`)),
  };
}

function binding(nodes: unknown, at: string): Binding {
  if (nodes === undefined || nodes === "round_robin") return { kind: "round_robin" };
  if (nodes === "random") return { kind: "random" };
  if (Array.isArray(nodes) && nodes.length > 0 && nodes.every((n) => typeof n === "string")) return { kind: "fixed", nodes };
  throw new Error(`${at}: round_robin, random or a list of node names, got ${JSON.stringify(nodes)}`);
}

function pace(g: Raw, at: string): Pace {
  if (g.think !== undefined) return { kind: "think", ms: ms(g.think, `${at}.think`) };
  const rate = g.rate ?? CLIENT_DEFAULTS.ratePerSecond;
  if (typeof rate !== "number" || !(rate > 0) || rate > 1000) throw new Error(`${at}.rate: ops per second per client, more than 0 and at most 1000, got ${JSON.stringify(rate)}`);
  return { kind: "rate", perSecond: rate };
}

function op(o: Raw, at: string): ClientOpSpec {
  if (typeof o.f !== "string" || o.f === "") throw new Error(`${at}.f: the op's name, e.g. add`);
  if (typeof o.call !== "string") throw new Error(`${at}.call: Module.function/arity`);
  const parsed = parseCall(o.call);
  if (!parsed.ok) throw new Error(`${at}.call: ${parsed.message}`);
  if (o.args !== undefined && !Array.isArray(o.args)) throw new Error(`${at}.args: a list`);
  const weight = o.weight ?? CLIENT_DEFAULTS.weight;
  if (typeof weight !== "number" || weight < 0) throw new Error(`${at}.weight: a number >= 0`);
  const indeterminate = o.indeterminate ?? [];
  if (!Array.isArray(indeterminate) || !indeterminate.every((x) => typeof x === "string")) throw new Error(`${at}.indeterminate: a list of printed reasons, e.g. [":timeout"]`);
  const value = valueSpec(o.value, `${at}.value`);
  const args = o.args as unknown[] | undefined;
  const given = args?.length ?? (parsed.call.arity === 1 && value.kind !== "none" ? 1 : 0);
  if (given !== parsed.call.arity) throw new Error(`${at}: ${parsed.call.text} takes ${parsed.call.arity} arguments, the op gives ${given}: list them in args ("{value}" stands for the op's value)`);
  return { f: o.f, call: parsed.call, ...(args ? { args } : {}), value, weight, indeterminate };
}

function valueSpec(v: unknown, at: string): ValueSpec {
  if (v === undefined || v === null) return { kind: "none" };
  if (v === "unique_int") return { kind: "unique_int" };
  const o = v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : {};
  if ("constant" in o) return { kind: "constant", value: o.constant };
  if ("random_int" in o) {
    const r = obj(o.random_int, `${at}.random_int`);
    if (!Number.isInteger(r.min) || !Number.isInteger(r.max) || (r.min as number) > (r.max as number)) throw new Error(`${at}.random_int: { min, max }, integers with min <= max`);
    return { kind: "random_int", min: r.min as number, max: r.max as number };
  }
  throw new Error(`${at}: unique_int, { random_int: { min, max } } or { constant: value }, got ${JSON.stringify(v)}`);
}

function ms(value: unknown, at: string): number {
  const d = parseDuration(value);
  if (!d.ok) throw new Error(`${at}: ${d.message}`);
  return d.ms;
}

function obj(v: unknown, at: string): Raw {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error(`${at}: a mapping, got ${JSON.stringify(v)}`);
  return v as Raw;
}
