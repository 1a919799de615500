/**
 * Seeded choices of the clients: which op a client invokes next, with which value, bound to which
 * node. Each client draws from its own generator (seeded from the run's rng before any op runs),
 * and `unique_int` is computed, not counted: client p's k-th unique value is k·P + p + 1 (P
 * clients in all). So the same seed gives every client the same ops, values and node whatever the
 * timing of the calls, which a shared counter or a shared rng could not promise.
 */
import { seededRng, type Rng } from "../run/rng.js";
import type { Binding, ClientOpSpec, ValueSpec } from "./types.js";

/** One generator per client, drawn in process order from the run's rng. */
export function clientRngs(rng: Rng, count: number): Rng[] {
  const seeds = Array.from({ length: count }, () => Math.floor(rng() * 2 ** 32));
  return seeds.map((s) => seededRng(s));
}

/** The node of each client (index = process). `random` draws from `rng`, in process order. */
export function bindNodes(binding: Binding, nodes: readonly string[], count: number, rng: Rng): string[] {
  if (nodes.length === 0) throw new Error("clients need at least one node to bind to");
  switch (binding.kind) {
    case "round_robin": return Array.from({ length: count }, (_, p) => nodes[p % nodes.length]!);
    case "random": return Array.from({ length: count }, () => nodes[Math.floor(rng() * nodes.length)]!);
    case "fixed": {
      if (binding.nodes.length === 0) throw new Error("a fixed binding needs at least one node");
      const unknown = binding.nodes.filter((n) => !nodes.includes(n));
      if (unknown.length) throw new Error(`clients are bound to ${unknown.join(", ")}, not ${unknown.length === 1 ? "a node" : "nodes"} of the cluster (${nodes.join(", ")})`);
      return Array.from({ length: count }, (_, p) => binding.nodes[p % binding.nodes.length]!);
    }
  }
}

/** Picks an op by weight (weights <= 0 never picked). */
export function pickOp(ops: readonly ClientOpSpec[], rng: Rng): ClientOpSpec {
  const total = ops.reduce((s, o) => s + Math.max(0, o.weight), 0);
  if (ops.length === 0 || total <= 0) throw new Error("clients need at least one op with a positive weight");
  let x = rng() * total;
  for (const op of ops) {
    x -= Math.max(0, op.weight);
    if (x < 0 && op.weight > 0) return op;
  }
  return ops.filter((o) => o.weight > 0).at(-1)!;
}

export interface ValueContext {
  rng: Rng;
  /** The client's process id and how many processes there are in all. */
  process: number;
  processes: number;
  /** How many unique ints this client drew before. */
  uniqueDrawn: number;
}

/** The value of one op; `unique_int` uses (and the caller then bumps) `uniqueDrawn`. */
export function drawValue(spec: ValueSpec, ctx: ValueContext): unknown {
  switch (spec.kind) {
    case "none": return null;
    case "constant": return spec.value;
    case "unique_int": return ctx.uniqueDrawn * ctx.processes + ctx.process + 1;
    case "random_int": return spec.min + Math.floor(ctx.rng() * (spec.max - spec.min + 1));
  }
}

const PLACEHOLDER = "{value}";

/** The call's arguments: the op's `args` template with "{value}" filled in, or the default. */
export function callArgs(op: ClientOpSpec, value: unknown): unknown[] {
  if (op.args === undefined) return op.call.arity === 1 && op.value.kind !== "none" ? [value] : [];
  return op.args.map((a) => fill(a, value));
}

function fill(template: unknown, value: unknown): unknown {
  if (template === PLACEHOLDER) return value;
  if (typeof template === "string") return template.includes(PLACEHOLDER) ? template.split(PLACEHOLDER).join(valueText(value)) : template;
  if (Array.isArray(template)) return template.map((t) => fill(t, value));
  if (template !== null && typeof template === "object") {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fill(v, value)]));
  }
  return template;
}

/** A value as text, also the key checkers compare elements by (17 and "17" are the same element). */
export function valueText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value === null || value === undefined) return "nil";
  return JSON.stringify(value);
}
