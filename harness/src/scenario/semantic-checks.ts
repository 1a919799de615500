/** Rules for check items (`checks[i]` and `check` steps), and what all semantic rules share. */
import { hasOwn, isPlainObject } from "./describe.js";
import type { IssuePath, RawIssue } from "./issues.js";

/** What the rules need to know about the scenario as a whole. */
export interface SemanticContext {
  readonly nodes: readonly string[] | undefined;
  readonly hasPg: boolean;
  readonly hasHorde: boolean;
  readonly hasProbe: boolean;
  /** Global names from the workload and from `global_register` steps. */
  readonly globalNames: readonly string[];
  readonly report: (issue: RawIssue) => void;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A node-or-list value as a list of its string entries. */
export function nodeEntries(value: unknown, path: IssuePath): { name: string; path: IssuePath }[] {
  if (typeof value === "string") return [{ name: value, path }];
  return asArray(value).flatMap((v, i) => (typeof v === "string" ? [{ name: v, path: [...path, i] }] : []));
}

const NEEDS = {
  pg: { what: "a `pg` workload", hint: "add `workload: { pg: [{ group: workers }] }`" },
  horde: { what: "a `horde` workload", hint: "add `workload: { horde: [{ keys: 10 }] }`" },
  probe: { what: "a `global` probe", hint: "add `workload: { global: [{ probe: register_name }] }`" },
} as const;

export function needsWorkload(ctx: SemanticContext, kind: keyof typeof NEEDS, user: string, path: IssuePath): void {
  const need = NEEDS[kind];
  ctx.report({ code: "needs_workload", message: `${user} needs ${need.what}, and the scenario has none`, path, hint: need.hint, target: "key" });
}

/** Rules for one check item (`checks[i]` or a `check` step). */
export function checkItemRules(item: unknown, path: IssuePath, ctx: SemanticContext): void {
  if (!isPlainObject(item)) return;
  const keys = Object.keys(item);
  const [name] = keys;
  if (name === undefined || keys.length !== 1) return;
  const value = item[name];
  const at: IssuePath = [...path, name];
  const options = isPlainObject(value) ? value : value === null ? {} : undefined;
  if (options === undefined) return;
  switch (name) {
    case "cluster.sees": {
      const entries = Object.keys(options).filter((k) => k !== "within");
      if (entries.length === 0) {
        ctx.report({ code: "bad_shape", message: `\`cluster.sees\` lists no node`, path: at, target: "key",
          hint: "list each node and the nodes it must see: `cluster.sees: { n1: [n2], n3: [] }`" });
      }
      for (const node of entries) {
        for (const seen of nodeEntries(options[node], [...at, node])) {
          if (seen.name === node) ctx.report({ code: "bad_shape", message: `\`${node}\` is listed as seeing itself`,
            path: seen.path, hint: "Node.list() never holds the node itself: remove it" });
        }
      }
      return;
    }
    case "pg.converged": case "pg.partitioned":
      if (!ctx.hasPg) needsWorkload(ctx, "pg", `\`${name}\``, at);
      return;
    case "horde.unique": case "horde.no_loss":
      if (!ctx.hasHorde) needsWorkload(ctx, "horde", `\`${name}\``, at);
      return;
    case "global.blocking":
      if (!hasOwn(options, "max_ms") && !hasOwn(options, "min_ms")) {
        ctx.report({ code: "bad_shape", message: "`global.blocking` needs `max_ms`, `min_ms` or both", path: at, target: "key",
          hint: "e.g. `global.blocking: { max_ms: 30000 }`" });
      }
      if (!ctx.hasProbe) needsWorkload(ctx, "probe", "`global.blocking`", at);
      return;
    case "global.names_unique":
      if (!hasOwn(options, "names") && ctx.globalNames.length === 0) {
        ctx.report({ code: "needs_workload", message: "`global.names_unique` has no global name to check", path: at, target: "key",
          hint: "add `workload: { global: [{ name: leader, on: n1 }] }`, a `global_register` step, or `names: [...]`" });
      }
      return;
    default:
      return;
  }
}

