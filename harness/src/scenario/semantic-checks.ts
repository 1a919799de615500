/** Rules for check items (`checks[i]` and `check` steps), and what all semantic rules share. */
import { asArray, hasOwn, isPlainObject } from "./describe.js";
import type { IssuePath, RawIssue } from "./issues.js";
import type { SemanticContext } from "./semantic-context.js";
import { callArgsRule } from "./semantic-app.js";
import { historyCheckRules } from "./semantic-clients.js";

export type { SemanticContext } from "./semantic-context.js";

export { asArray } from "./describe.js";

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

/** What a check can observe instead of a workload: the app's own pg scope or Horde registry. */
const INSTEAD = {
  pg: "`scope: <the app's pg scope>` to observe the app's own groups",
  horde: "`registry: MyApp.Registry` to observe the app's own Horde",
} as const;

/**
 * Reports a check or wait that needs a workload the scenario lacks. `appAlternative`: the check can
 * observe the app's own pg scope or Horde instead, which the hint offers first in an app scenario.
 */
export function needsWorkload(ctx: SemanticContext, kind: keyof typeof NEEDS, user: string, path: IssuePath, appAlternative = false): void {
  const need = NEEDS[kind];
  const alternative = appAlternative && ctx.hasApp && kind !== "probe" ? INSTEAD[kind] : undefined;
  const hint = alternative === undefined ? need.hint : `add ${alternative}, or ${need.hint.replace(/^add /, "")}`;
  ctx.report({ code: "needs_workload", message: `${user} needs ${need.what}, and the scenario has none`, path, hint, target: "key" });
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
      if (hasOwn(options, "groups") && !hasOwn(options, "scope")) {
        ctx.report({ code: "bad_shape", message: `\`groups\` needs \`scope\`: the groups of which pg scope?`, path: [...at, "groups"], target: "key",
          hint: `add the scope, e.g. \`${name}: { scope: my_scope, groups: [jobs] }\`; without \`scope\` the check looks at the workload's groups` });
      } else if (!hasOwn(options, "scope") && !ctx.hasPg) needsWorkload(ctx, "pg", `\`${name}\``, at, true);
      return;
    case "horde.unique": case "horde.no_loss":
      if (!hasOwn(options, "registry") && !ctx.hasHorde) needsWorkload(ctx, "horde", `\`${name}\``, at, true);
      return;
    case "invariant":
      callArgsRule(options, at, ctx);
      return;
    case "history.set": case "history.counter": case "history.unique_ids": case "history.availability": case "history.exactly_once":
      if (path[0] === "steps") {
        ctx.report({ code: "bad_shape", message: `\`${name}\` judges the whole history of the clients, so it runs only after the steps`, path: at, target: "key",
          hint: "move it to the scenario's `checks:`" });
        return;
      }
      historyCheckRules(name, options, at, ctx);
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

