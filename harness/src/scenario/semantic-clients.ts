/**
 * Rules of `workload.clients` and of the `history.*` checks that the schema cannot express:
 * `rate` or `think`, an op's arguments against its call's arity, a window that ends after it
 * starts, `random_int` bounds, and history checks that name client ops the workload has.
 */
import { hasOwn, isPlainObject } from "./describe.js";
import type { IssuePath } from "./issues.js";
import { parseCall } from "./call.js";
import { parseDuration } from "./durations.js";
import { callArgsRule } from "./semantic-app.js";
import { asArray } from "./describe.js";
import type { SemanticContext } from "./semantic-context.js";

/** The client op names (`f`) of a raw `workload.clients`, or undefined when it has none. */
export function clientOpNames(clients: unknown): string[] | undefined {
  if (clients === undefined || clients === null) return undefined;
  const groups = Array.isArray(clients) ? clients : [clients];
  const names = groups.flatMap((g) => (isPlainObject(g) ? asArray(g["ops"]) : []))
    .flatMap((o) => (isPlainObject(o) && typeof o["f"] === "string" ? [o["f"]] : []));
  return [...new Set(names)];
}

const plural = (n: number) => `${n} argument${n === 1 ? "" : "s"}`;

function opRules(op: Record<string, unknown>, path: IssuePath, ctx: SemanticContext): void {
  const text = op["call"];
  if (typeof text === "string") {
    const parsed = parseCall(text);
    if (parsed.ok) {
      const args = op["args"];
      const hasValue = op["value"] !== undefined && op["value"] !== null;
      const given = Array.isArray(args) ? args.length : args === undefined ? (parsed.call.arity === 1 && hasValue ? 1 : 0) : undefined;
      if (given !== undefined && given !== parsed.call.arity) {
        const { arity } = parsed.call;
        ctx.report({
          code: "bad_shape",
          message: `\`${text}\` takes ${plural(arity)}, but ${args === undefined ? (hasValue ? "the op gives only its value" : "no `args` are given") : `\`args\` has ${given}`}`,
          path: args === undefined ? [...path, "call"] : [...path, "args"],
          hint: `give ${plural(arity)} in \`args\` ("{value}" stands for the op's value), or write the call with /${given}`,
        });
      }
    }
  }
  const value = op["value"];
  if (isPlainObject(value) && isPlainObject(value["random_int"])) {
    const { min, max } = value["random_int"];
    if (typeof min === "number" && typeof max === "number" && min > max) {
      ctx.report({ code: "bad_shape", message: `\`random_int\` has min ${min} above max ${max}`, path: [...path, "value", "random_int"], target: "key",
        hint: "swap them: min is the smallest value, max the largest" });
    }
  }
}

function groupRules(group: Record<string, unknown>, path: IssuePath, ctx: SemanticContext): void {
  if (hasOwn(group, "rate") && hasOwn(group, "think")) {
    ctx.report({ code: "bad_shape", message: "give `rate` or `think`, not both", path: [...path, "think"], target: "key",
      hint: "`rate: 5` starts 5 ops per second per client; `think: 200ms` pauses 200 ms after each op" });
  }
  const window = group["window"];
  if (isPlainObject(window) && window["end"] !== undefined) {
    const start = parseDuration(window["start"] ?? 0), end = parseDuration(window["end"]);
    if (start.ok && end.ok && end.ms <= start.ms) {
      ctx.report({ code: "bad_shape", message: `the clients' window ends (${end.ms} ms) before it starts (${start.ms} ms)`, path: [...path, "window", "end"],
        hint: "`end` is a time since the run started, after `start`" });
    }
  }
  const seen = new Map<string, number>();
  asArray(group["ops"]).forEach((op, j) => {
    if (!isPlainObject(op)) return;
    opRules(op, [...path, "ops", j], ctx);
    const f = op["f"];
    if (typeof f !== "string") return;
    const first = seen.get(f);
    if (first === undefined) seen.set(f, j);
    else ctx.report({ code: "bad_shape", message: `op \`${f}\` is listed twice in this group (first at \`ops[${first}]\`)`, path: [...path, "ops", j, "f"],
      hint: "give each op of a group its own name; `weight` sets how often it runs" });
  });
}

/** Rules of a raw `workload.clients` (one mapping or a list). */
export function clientsRules(clients: unknown, ctx: SemanticContext): void {
  if (Array.isArray(clients)) clients.forEach((g, i) => isPlainObject(g) && groupRules(g, ["workload", "clients", i], ctx));
  else if (isPlainObject(clients)) groupRules(clients, ["workload", "clients"], ctx);
}

const OP_KEYS: Record<string, readonly [string, string][]> = {
  "history.set": [["add", "add"], ["read", "read"]],
  "history.counter": [["add", "add"], ["read", "read"]],
  "history.unique_ids": [["f", "add"]],
  "history.availability": [],
  "history.exactly_once": [["add", "add"]],
};

/** Rules of one `history.*` check: it needs clients, and names ops they have. */
export function historyCheckRules(name: string, options: Record<string, unknown>, at: IssuePath, ctx: SemanticContext): void {
  const ops = ctx.clientOps;
  if (ops === undefined) {
    ctx.report({ code: "needs_workload", message: `\`${name}\` needs \`workload.clients\`, and the scenario has none`, path: at, target: "key",
      hint: "add `workload: { clients: { count: 3, ops: [{ f: add, call: \"MyApp.add/1\", value: unique_int }] } }`" });
    return;
  }
  const unknownOp = (f: string, path: IssuePath, target: "key" | "value") => ctx.report({
    code: "unknown_op", message: `\`${name}\` names op \`${f}\`, and no client op is named so`, path, target,
    hint: ops.length ? `the clients' ops are ${ops.map((o) => `\`${o}\``).join(", ")}` : "give the clients' ops an `f`",
  });
  for (const [key, fallback] of OP_KEYS[name] ?? []) {
    const value = options[key];
    if (value === undefined) {
      if (!ops.includes(fallback)) unknownOp(fallback, at, "key");
    } else if (typeof value === "string" && !ops.includes(value)) unknownOp(value, [...at, key], "value");
  }
  if (name === "history.availability") {
    const f = options["f"];
    const list = typeof f === "string" ? [{ v: f, p: [...at, "f"] }] : asArray(f).map((v, i) => ({ v, p: [...at, "f", i] }));
    for (const { v, p } of list) if (typeof v === "string" && !ops.includes(v)) unknownOp(v, p, "value");
  }
  if (name === "history.exactly_once" && isPlainObject(options["effects"])) callArgsRule(options["effects"], [...at, "effects"], ctx);
}
