/**
 * What the history checkers share: pairing each completion with its invoke (one op in flight per
 * process, so a completion belongs to the last invoke of its process), element keys (17 and "17"
 * are the same element), capped lists in a stable order, and sentence helpers, so the same
 * history always gives the same sentence and the same data.
 */
import type { Op } from "../types.js";
import { valueText } from "../values.js";

/** An invoke and its completion (absent in a history cut short). */
export interface OpPair {
  invoke: Op;
  completion?: Op;
}

/** The history's operations in invoke order. A completion without an invoke is ignored. */
export function pairOps(ops: readonly Op[]): OpPair[] {
  const pairs: OpPair[] = [];
  const open = new Map<number, OpPair>();
  for (const op of ops) {
    if (op.type === "invoke") {
      const pair: OpPair = { invoke: op };
      open.set(op.process, pair);
      pairs.push(pair);
    } else {
      const pair = open.get(op.process);
      if (pair && pair.invoke.f === op.f) {
        pair.completion = op;
        open.delete(op.process);
      }
    }
  }
  return pairs;
}

/** ok / fail / info of a pair; an invoke never completed counts as info. */
export function outcome(pair: OpPair): "ok" | "fail" | "info" {
  const t = pair.completion?.type;
  return t === "ok" || t === "fail" ? t : "info";
}

/** When a pair ended (an open invoke: never, for bounds). */
export function endMs(pair: OpPair): number {
  return pair.completion?.endMs ?? Number.POSITIVE_INFINITY;
}

export const key = valueText;

export const LIST_CAP = 20;

/** Keys sorted numerically when they are numbers, else as text: a stable order for lists. */
export function sortKeys(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => {
    const na = Number(a), nb = Number(b);
    if (a.trim() !== "" && b.trim() !== "" && Number.isFinite(na) && Number.isFinite(nb)) return na - nb || (a < b ? -1 : a > b ? 1 : 0);
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** `{ count, items }`: the first LIST_CAP keys in stable order, the count in full. */
export function capped(keys: Iterable<string>): { count: number; items: string[] } {
  const all = sortKeys(keys);
  return { count: all.length, items: all.slice(0, LIST_CAP) };
}

/** "7, 12, 30" or "7, 12, 30 and 4 more", at most `shown` keys. */
export function listText(list: { count: number; items: string[] }, shown = 5): string {
  const head = list.items.slice(0, shown).join(", ");
  return list.count > shown ? `${head} and ${list.count - shown} more` : head;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A read's elements when its value is a list (or a map: its keys), else undefined. */
export function elements(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(key);
  if (value !== null && typeof value === "object") return Object.keys(value);
  return undefined;
}
