/** `pg.converged` and `pg.partitioned`: each node's view of the workload's :pg groups. */
import type { PgAppGroup } from "../agent/ops.js";
import type { PgCheck } from "../scenario/model.js";
import type { RunContext } from "../run/context.js";
import { askAll, silentDetail } from "./ask.js";
import type { Attempt, Checker } from "./types.js";
import { shortName } from "../util/names.js";

interface GroupView {
  scope: string;
  group: string;
  members?: string[];
  local?: string[];
  error?: string;
}

type Snapshot = { groups: { scope: string; group: string }[]; views: Map<string, GroupView[]> };

/** What a pg check observes: the app's own scope (`scope:`, `groups:`), or the workload's groups. */
type AnyPgCheck = PgCheck<"pg.converged" | "pg.partitioned">;


/** The app's groups in `scope`: each node's `pg_app_view`, keyed by the group's text (atom, string) or printed form. */
async function appSnapshot(ctx: RunContext, scope: string, groups: "all" | readonly string[]): Promise<Snapshot | Attempt> {
  const { answers, silent } = await askAll<PgAppGroup[]>(ctx, "pg_app_view", { scope, groups: groups === "all" ? "all" : [...groups] });
  if (silent.size > 0) return { verdict: "unknown", detail: silentDetail(silent) };
  const views = new Map<string, GroupView[]>();
  const seen = new Map<string, { scope: string; group: string }>();
  for (const [n, vs] of answers) {
    views.set(n, vs.map((v) => {
      // a listed group is known by the text it was listed as (it may have no members here: group null)
      const group = v.requested ?? v.text ?? v.group ?? "";
      seen.set(group, { scope, group });
      return { scope, group, members: v.members, local: v.local };
    }));
  }
  const listed = groups === "all" ? [...seen.values()].sort((a, b) => a.group.localeCompare(b.group)) : groups.map((group) => ({ scope, group }));
  if (listed.length === 0) return { verdict: "unknown", detail: `no node has a group in the :pg scope ${scope} (name the groups with groups: [...] to require them)` };
  return { groups: listed, views };
}

async function snapshot(ctx: RunContext, check: AnyPgCheck): Promise<Snapshot | Attempt> {
  if (check.scope !== undefined) return appSnapshot(ctx, check.scope, check.groups);
  const groups = uniqueGroups(ctx);
  if (groups.length === 0) return { verdict: "unknown", detail: "the scenario has no pg workload to observe (add workload.pg)" };
  const { answers, silent } = await askAll<GroupView[]>(ctx, "pg_view", { groups });
  if (silent.size > 0) return { verdict: "unknown", detail: silentDetail(silent) };
  for (const [n, vs] of answers) {
    const bad = vs.find((v) => v.error);
    if (bad) return { verdict: "unknown", detail: `${n}: ${bad.error}` };
  }
  return { groups, views: answers };
}

function uniqueGroups(ctx: RunContext) {
  const seen = new Map<string, { scope: string; group: string }>();
  for (const w of ctx.scenario.workload.pg) seen.set(`${w.scope}/${w.group}`, { scope: w.scope, group: w.group });
  return [...seen.values()];
}

const key = (g: { scope: string; group: string }) => `${g.scope}/${g.group}`;
/** The node of a pid as the agent writes it (`n1@host<0.1.0>`). */
const pidNode = shortName;

function localMembers(snap: Snapshot, nodes: readonly string[], g: { scope: string; group: string }): Set<string> {
  const out = new Set<string>();
  for (const n of nodes) for (const v of snap.views.get(n) ?? []) if (key(v) === key(g)) for (const p of v.local ?? []) out.add(p);
  return out;
}

function membersOf(snap: Snapshot, node: string, g: { scope: string; group: string }): Set<string> {
  return new Set(snap.views.get(node)?.find((v) => key(v) === key(g))?.members ?? []);
}

function countByNode(pids: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const p of pids) counts.set(pidNode(p), (counts.get(pidNode(p)) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true })).map(([n, c]) => `${c} on ${n}`).join(", ");
}

function viewData(snap: Snapshot) {
  return Object.fromEntries([...snap.views].map(([n, vs]) => [n, Object.fromEntries(vs.map((v) => [key(v), v.members?.length ?? 0]))]));
}

export const pgConverged: Checker<PgCheck<"pg.converged">> = {
  name: "pg.converged",
  converges: true,
  async attempt(ctx, check) {
    const snap = await snapshot(ctx, check);
    if (!("views" in snap)) return snap;
    const nodes = [...snap.views.keys()];
    const problems: string[] = [];
    for (const g of snap.groups) {
      const live = localMembers(snap, nodes, g);
      for (const n of nodes) {
        const seen = membersOf(snap, n, g);
        const missing = [...live].filter((p) => !seen.has(p));
        const extra = [...seen].filter((p) => !live.has(p));
        if (missing.length || extra.length) {
          problems.push(`${n} sees ${seen.size} of ${live.size} live members of ${key(g)}${missing.length ? ` (missing ${countByNode(missing)})` : ""}${extra.length ? ` (plus ${extra.length} that are not live: ${countByNode(extra)})` : ""}`);
        }
      }
    }
    const data = viewData(snap);
    if (problems.length === 0) {
      const sizes = snap.groups.map((g) => `${key(g)}: ${localMembers(snap, nodes, g).size}`).join(", ");
      return { verdict: "pass", detail: `all ${nodes.length} running nodes see the same live members (${sizes})`, data };
    }
    return { verdict: "fail", detail: problems.join("; "), data };
  },
};

export const pgPartitioned: Checker<PgCheck<"pg.partitioned">> = {
  name: "pg.partitioned",
  converges: true,
  async attempt(ctx, check) {
    const sides = ctx.sides;
    if (!sides) return { verdict: "unknown", final: true, detail: "no partition with clean sides is in force, so there are no sides to compare (use it after a groups/isolate/halves partition)" };
    const snap = await snapshot(ctx, check);
    if (!("views" in snap)) return snap;
    const problems: string[] = [];
    for (const g of snap.groups) {
      for (const n of snap.views.keys()) {
        const side = sides.find((s) => s.includes(n)) ?? [n];
        const foreign = [...membersOf(snap, n, g)].filter((p) => !side.includes(pidNode(p)));
        if (foreign.length) problems.push(`${n} still sees ${foreign.length} members of ${key(g)} from the other side (${countByNode(foreign)})`);
      }
    }
    const data = { sides, views: viewData(snap) };
    const sideText = sides.map((s) => `[${s.join(", ")}]`).join(" | ");
    if (problems.length === 0) return { verdict: "pass", detail: `each side of ${sideText} sees only its own members`, data };
    return { verdict: "fail", detail: problems.join("; "), data };
  },
};
