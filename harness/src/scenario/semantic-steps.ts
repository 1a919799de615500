/** Rules for steps: one partition shape, disjoint groups and sides, proper links, nemesis timing. */
import { hasOwn, isPlainObject, showValue } from "./describe.js";
import { parseDuration } from "./durations.js";
import { displayPath, type IssuePath } from "./issues.js";
import { callArgsRule } from "./semantic-app.js";
import { asArray, checkItemRules, needsWorkload, nodeEntries, type SemanticContext } from "./semantic-checks.js";

export const PARTITION_SHAPES = ["groups", "isolate", "halves", "bridge", "majorities_ring", "grudge"] as const;

function partitionRules(value: Record<string, unknown>, path: IssuePath, ctx: SemanticContext): void {
  const shapes = PARTITION_SHAPES.filter((shape) => hasOwn(value, shape));
  const [first, second] = shapes;
  if (first === undefined) {
    ctx.report({ code: "bad_shape", message: `\`${displayPath(path)}\` has no shape: give one of ${PARTITION_SHAPES.map((s) => `\`${s}\``).join(", ")}`,
      path, hint: "e.g. `partition: { groups: [[n1, n2], [n3]] }` or `partition: { isolate: n3 }`" });
    return;
  }
  if (second !== undefined) {
    ctx.report({ code: "bad_shape", message: `a partition has exactly one shape, got ${shapes.length}: ${shapes.map((s) => `\`${s}\``).join(", ")}`,
      path: [...path, second], target: "key", hint: "use one partition step per shape" });
  }
  const seenIn = new Map<string, number>();
  asArray(value["groups"]).forEach((group, g) => {
    for (const { name, path: at } of nodeEntries(Array.isArray(group) ? group : [], [...path, "groups", g])) {
      const other = seenIn.get(name);
      if (other === undefined) seenIn.set(name, g);
      else if (other !== g) ctx.report({ code: "bad_shape", message: `\`${name}\` is in two groups (groups[${other}] and groups[${g}])`,
        path: at, hint: "a node belongs to one group at most" });
    }
  });
  for (const shape of ["bridge", "majorities_ring"] as const) {
    if (hasOwn(value, shape) && ctx.nodes !== undefined && ctx.nodes.length < 3) {
      ctx.report({ code: "bad_shape", message: `\`${shape}\` needs at least 3 nodes; the cluster has ${ctx.nodes.length}`,
        path: [...path, shape], target: "key", hint: "use `groups` or `isolate` instead" });
    }
  }
  const grudge = value["grudge"];
  if (isPlainObject(grudge)) {
    for (const node of Object.keys(grudge)) {
      for (const target of nodeEntries(grudge[node], [...path, "grudge", node])) {
        if (target.name === node) ctx.report({ code: "bad_shape", message: `\`${node}\` holds a grudge against itself`,
          path: target.path, hint: "a node always reaches itself: remove it from its own list" });
      }
    }
  }
}

function onewayRules(value: Record<string, unknown>, path: IssuePath, ctx: SemanticContext): void {
  const from = new Set(nodeEntries(value["from"], [...path, "from"]).map((e) => e.name));
  for (const entry of nodeEntries(value["to"], [...path, "to"])) {
    if (from.has(entry.name)) ctx.report({ code: "bad_shape", message: `\`${entry.name}\` is in both \`from\` and \`to\``,
      path: entry.path, hint: "a node's bytes to itself never cross the network: remove it from one side" });
  }
}

function linksRules(links: unknown, path: IssuePath, ctx: SemanticContext): void {
  const seen = new Set<string>();
  asArray(links).forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") return;
    const [a, b] = pair as [string, string];
    const key = [a, b].sort().join("\u0000");
    if (a === b) {
      ctx.report({ code: "bad_shape", message: `a link joins two different nodes, got [${a}, ${b}]`, path: [...path, i] });
    } else if (seen.has(key)) {
      ctx.report({ code: "bad_shape", message: `the link [${a}, ${b}] is listed twice`, path: [...path, i],
        hint: "a link covers both directions: list it once" });
    }
    seen.add(key);
  });
}

function stepRules(kind: string, value: unknown, path: IssuePath, ctx: SemanticContext): void {
  if (kind === "check") return checkItemRules(value, path, ctx);
  if (kind === "heal" && isPlainObject(value)) return linksRules(value["links"], [...path, "links"], ctx);
  if (!isPlainObject(value)) return;
  switch (kind) {
    case "partition": return partitionRules(value, path, ctx);
    case "oneway": return onewayRules(value, path, ctx);
    case "delay": case "bandwidth": case "pause_link": case "limit_data": return linksRules(value["links"], [...path, "links"], ctx);
    case "nemesis": return nemesisRules(value, path, ctx);
    case "repeat": return checkStepRules(value["steps"], [...path, "steps"], ctx);
    case "wait":
      if (value["until"] === "pg_converged" && !ctx.hasPg) needsWorkload(ctx, "pg", "`wait: { until: pg_converged }`", [...path, "until"]);
      if (isPlainObject(value["until"])) callArgsRule(value["until"], [...path, "until"], ctx);
      return;
    default:
      return;
  }
}

/** Rules for every step of a list, recursing into `repeat`. */
export function checkStepRules(steps: unknown, path: IssuePath, ctx: SemanticContext): void {
  asArray(steps).forEach((step, i) => {
    if (!isPlainObject(step)) return;
    const keys = Object.keys(step);
    const [kind] = keys;
    if (kind !== undefined && keys.length === 1) stepRules(kind, step[kind], [...path, i, kind], ctx);
  });
}

/** Nemesis timing: the interval is at least 100ms and no longer than the duration. */
export function nemesisRules(value: Record<string, unknown>, path: IssuePath, ctx: SemanticContext): void {
  const interval = parseDuration(value["interval"]);
  const duration = parseDuration(value["duration"]);
  if (interval.ok && interval.ms < 100) {
    ctx.report({ code: "bad_shape", message: `\`${displayPath([...path, "interval"])}\` must be at least 100ms, got ${showValue(value["interval"])}`,
      path: [...path, "interval"] });
  } else if (interval.ok && duration.ok && duration.ms < interval.ms) {
    ctx.report({ code: "bad_shape", message: `the nemesis runs for ${showValue(value["duration"])}, shorter than its interval ${showValue(value["interval"])}`,
      path: [...path, "duration"], hint: "make `duration` at least as long as `interval`" });
  }
}
