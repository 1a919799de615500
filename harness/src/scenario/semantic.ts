/**
 * Cross-field rules the schema cannot express: one partition shape, disjoint groups, links
 * between two different nodes, nemesis timing, checks that need a workload, duplicate workload
 * names. Runs on the raw value even when the structural validator found problems, so it reads
 * defensively and stays silent about anything malformed (the validator reports that).
 */
import { hasOwn, isPlainObject } from "./describe.js";
import type { RawIssue } from "./issues.js";
import { DEFAULTS } from "./schema-common.js";
import { asArray, checkItemRules, type SemanticContext } from "./semantic-checks.js";
import { clusterAppRules } from "./semantic-app.js";
import { checkStepRules } from "./semantic-steps.js";
import { clientOpNames, clientsRules } from "./semantic-clients.js";

function collectRegisteredNames(steps: unknown, into: string[]): void {
  for (const step of asArray(steps)) {
    if (!isPlainObject(step)) continue;
    const register = step["global_register"];
    if (isPlainObject(register) && typeof register["name"] === "string") into.push(register["name"]);
    const repeat = step["repeat"];
    if (isPlainObject(repeat)) collectRegisteredNames(repeat["steps"], into);
  }
}

function workloadRules(workload: Record<string, unknown>, report: (issue: RawIssue) => void): void {
  const groups = new Map<string, number>();
  asArray(workload["pg"]).forEach((item, i) => {
    if (!isPlainObject(item) || typeof item["group"] !== "string") return;
    const scope = typeof item["scope"] === "string" ? item["scope"] : DEFAULTS.pgScope;
    const key = `${scope}\u0000${item["group"]}`;
    const first = groups.get(key);
    if (first === undefined) groups.set(key, i);
    else report({
      code: "bad_shape",
      message: `pg group \`${item["group"]}\` in scope \`${scope}\` is listed twice (first at \`workload.pg[${first}]\`)`,
      path: ["workload", "pg", i],
      hint: "merge the two items, or use another group name",
    });
  });
  const names = new Map<string, number>();
  asArray(workload["global"]).forEach((item, i) => {
    if (!isPlainObject(item) || typeof item["name"] !== "string") return;
    const first = names.get(item["name"]);
    if (first === undefined) names.set(item["name"], i);
    else report({
      code: "bad_shape",
      message: `global name \`${item["name"]}\` is registered twice (first at \`workload.global[${first}]\`)`,
      path: ["workload", "global", i, "name"],
      hint: "each global name belongs to one process; use global_register steps to create conflicts",
    });
  });
}

/** Every cross-field problem in a raw scenario value. */
export function checkSemantics(raw: unknown, nodes: readonly string[] | undefined): RawIssue[] {
  const issues: RawIssue[] = [];
  if (!isPlainObject(raw)) return issues;
  const workload = isPlainObject(raw["workload"]) ? raw["workload"] : {};
  const globalNames: string[] = [];
  for (const item of asArray(workload["global"])) {
    if (isPlainObject(item) && typeof item["name"] === "string") globalNames.push(item["name"]);
  }
  collectRegisteredNames(raw["steps"], globalNames);
  const ctx: SemanticContext = {
    nodes,
    hasPg: asArray(workload["pg"]).length > 0,
    hasHorde: asArray(workload["horde"]).length > 0,
    hasProbe: asArray(workload["global"]).some((item) => isPlainObject(item) && hasOwn(item, "probe")),
    hasApp: isPlainObject(raw["cluster"]) && hasOwn(raw["cluster"], "app"),
    clientOps: clientOpNames(workload["clients"]),
    globalNames,
    report: (issue) => issues.push(issue),
  };
  workloadRules(workload, ctx.report);
  clientsRules(workload["clients"], ctx);
  clusterAppRules(raw["cluster"], ctx);
  checkStepRules(raw["steps"], ["steps"], ctx);
  asArray(raw["checks"]).forEach((item, i) => checkItemRules(item, ["checks", i], ctx));
  return issues;
}

