/** `global.names_unique` and `global.blocking`: what :global resolves and how long it blocks. */
import type { GlobalBlockingCheck, GlobalNamesUniqueCheck } from "../scenario/model.js";
import type { RunContext } from "../run/context.js";
import type { HistoryEntry } from "../run/history.js";
import { askAll, silentDetail } from "./ask.js";
import type { GlobalNameEntry } from "../agent/ops.js";
import type { Attempt, Checker } from "./types.js";
import { now } from "../util/clock.js";

interface GlobalView {
  names: Record<string, string | null>;
  holders: { name: string; pid: string }[];
}

function conflictNotes(ctx: RunContext, names: readonly string[]): string[] {
  return ctx.history.entries.flatMap((e) => {
    const ev = e.event as { event?: string; name?: string; pid?: string; reason?: string } | undefined;
    if (e.type !== "node_event" || ev?.event !== "holder_exit" || !names.includes(ev.name ?? "")) return [];
    return [`${e.node}'s holder of "${ev.name}" exited (${ev.reason}) at +${((e.t - ctx.startedAt) / 1000).toFixed(2)}s`];
  });
}

/**
 * `names: all`, or an application under test: every `:global.registered_names()` of every node
 * (the app registers atoms and tuples, not netsplit's strings). A written name matches a
 * registered one by its text (`leader` = `:leader` = `"leader"`) or its printed form
 * (`{:worker, 1}`). Each must resolve to the same pid on every node, on a node that runs.
 */
async function appNames(ctx: RunContext, names: "all" | readonly string[]): Promise<Attempt> {
  const { answers, silent } = await askAll<GlobalNameEntry[]>(ctx, "global_names");
  if (silent.size > 0) return { verdict: "unknown", detail: silentDetail(silent) };
  // by printed form (`Jobs.Coordinator`, `:leader`, `"leader"`); a written name may also be the text
  const byPrinted = new Map<string, Map<string, string | null>>();
  const alias = new Map<string, string>();
  for (const [n, list] of answers) {
    for (const r of list) {
      if (!byPrinted.has(r.printed)) byPrinted.set(r.printed, new Map());
      byPrinted.get(r.printed)!.set(n, r.pid);
      if (r.text !== null && !alias.has(r.text)) alias.set(r.text, r.printed);
    }
  }
  const wanted = names === "all" ? [...byPrinted.keys()].sort() : names.map((n) => (byPrinted.has(n) ? n : alias.get(n) ?? n));
  if (wanted.length === 0) return { verdict: "pass", detail: `no :global name is registered on any of the ${answers.size} nodes, so none is duplicated`, data: {} };
  const byKey = byPrinted;
  const running = new Set(ctx.cluster.running());
  const problems: string[] = [];
  const data: Record<string, Record<string, string | null>> = {};
  for (const name of wanted) {
    const seen = byKey.get(name) ?? new Map<string, string | null>();
    const byNode = new Map([...answers.keys()].map((n) => [n, seen.get(n) ?? null]));
    data[name] = Object.fromEntries(byNode);
    const pids = new Set(byNode.values());
    if (pids.size > 1) {
      const groups = [...pids].map((p) => `${[...byNode].filter(([, q]) => q === p).map(([n]) => n).join(", ")} → ${p ?? "nothing"}`);
      problems.push(`${name} resolves differently: ${groups.join("; ")}`);
    } else {
      const pid = [...pids][0] ?? null;
      const home = pid?.split("@")[0]?.replace(/^<?/, "");
      if (pid === null) problems.push(`${name} is registered nowhere`);
      else if (home && ctx.cluster.names.includes(home) && !running.has(home)) problems.push(`${name} resolves to ${pid}, on ${home}, which is not running`);
    }
  }
  const shown = wanted.length > 8 ? `${wanted.slice(0, 8).join(", ")} and ${wanted.length - 8} more` : wanted.join(", ");
  if (problems.length === 0) return { verdict: "pass", detail: `${wanted.length === 1 ? "" : `${wanted.length} :global names (`}${shown}${wanted.length === 1 ? "" : ")"} resolve to one pid on all ${answers.size} nodes`, data };
  return { verdict: "fail", detail: problems.join("; "), data };
}

export const globalNamesUnique: Checker<GlobalNamesUniqueCheck> = {
  name: "global.names_unique",
  converges: true,
  async attempt(ctx, check) {
    if (check.names === "all" || ctx.app !== undefined) return appNames(ctx, check.names);
    const { answers, silent } = await askAll<GlobalView>(ctx, "global_view", { names: check.names });
    if (silent.size > 0) return { verdict: "unknown", detail: silentDetail(silent) };
    const alive = new Set([...answers.values()].flatMap((v) => v.holders.map((h) => h.pid)));
    const problems: string[] = [];
    const data: Record<string, Record<string, string | null>> = {};
    for (const name of check.names) {
      const byNode = new Map([...answers].map(([n, v]) => [n, v.names[name] ?? null]));
      data[name] = Object.fromEntries(byNode);
      const pids = new Set(byNode.values());
      if (pids.size > 1) {
        const groups = [...pids].map((p) => `${[...byNode].filter(([, q]) => q === p).map(([n]) => n).join(", ")} → ${p ?? "nothing"}`);
        problems.push(`"${name}" resolves differently: ${groups.join("; ")}`);
      } else {
        const pid = [...pids][0] ?? null;
        if (pid === null) problems.push(`"${name}" is registered nowhere`);
        else if (!alive.has(pid)) problems.push(`"${name}" resolves to ${pid}, which is not a live process`);
      }
    }
    const notes = conflictNotes(ctx, check.names);
    const suffix = notes.length ? ` (${notes.join("; ")})` : "";
    if (problems.length === 0) {
      return { verdict: "pass", detail: `${check.names.map((n) => `"${n}"`).join(", ")} resolve to one live pid on all ${answers.size} nodes${suffix}`, data };
    }
    return { verdict: "fail", detail: problems.join("; ") + suffix, data };
  },
};

export interface TimedOp {
  node: string;
  op: string;
  seq: number | undefined;
  startedAt: number;
  durationMs: number;
  /** false when the op was still blocked at the end of the run (duration is a lower bound). */
  finished: boolean;
  result: unknown;
}

/** Every timed global op of the run, from probe events, late completions and global_register steps. */
export function timedOps(entries: readonly HistoryEntry[], runEnd: number): TimedOp[] {
  const late = new Map<string, { ended_us: number; result: unknown }>();
  const reported = new Set<string>();
  for (const e of entries) {
    const ev = e.event as Record<string, unknown> | undefined;
    if (e.type === "node_event" && ev?.event === "op_late") late.set(`${e.node}:${ev.ref}`, ev as { ended_us: number; result: unknown });
    if (e.type === "node_event" && ev?.event === "global_op" && ev.probe !== undefined) reported.add(`${e.node}:${ev.probe}:${ev.seq}`);
  }
  const ops: TimedOp[] = [];
  // a probe op that started and never reported (not even as blocked) was in flight at the end
  for (const e of entries) {
    const ev = e.event as Record<string, unknown> | undefined;
    if (e.type !== "node_event" || ev?.event !== "global_op_start" || reported.has(`${e.node}:${ev.probe}:${ev.seq}`)) continue;
    const started = Number(ev.started_us) / 1000;
    ops.push({ node: String(e.node), op: String(ev.op), seq: ev.seq as number, startedAt: started, durationMs: Math.max(0, runEnd - started), finished: false, result: null });
  }
  for (const e of entries) {
    const ev = (e.type === "node_event" ? e.event : e.type === "global_register" ? e.outcome : undefined) as Record<string, unknown> | undefined;
    if (!ev || (e.type === "node_event" && ev.event !== "global_op")) continue;
    const node = String(e.node);
    const op = e.type === "global_register" ? `register_name("${String(e.name)}")` : String(ev.op);
    const started = Number(ev.started_us) / 1000;
    if (ev.status === "blocked") {
      const done = late.get(`${node}:${String(ev.ref)}`);
      if (done) ops.push({ node, op, seq: ev.seq as number, startedAt: started, durationMs: done.ended_us / 1000 - started, finished: true, result: done.result });
      else ops.push({ node, op, seq: ev.seq as number, startedAt: started, durationMs: runEnd - started, finished: false, result: null });
    } else {
      ops.push({ node, op, seq: ev.seq as number | undefined, startedAt: started, durationMs: Number(ev.ended_us) / 1000 - started, finished: true, result: ev.result });
    }
  }
  return ops;
}

const describeOp = (ctx: RunContext, o: TimedOp) =>
  `${o.op}${o.seq ? ` #${o.seq}` : ""} on ${o.node} started at +${((o.startedAt - ctx.startedAt) / 1000).toFixed(2)}s took ${o.finished ? "" : "more than "}${Math.round(o.durationMs)} ms`;

export const globalBlocking: Checker<GlobalBlockingCheck> = {
  name: "global.blocking",
  converges: false,
  async attempt(ctx, check) {
    const ops = timedOps(ctx.history.entries, now());
    if (ops.length === 0) return { verdict: "unknown", detail: "no timed global op ran: add a probe (workload.global: - { probe: register_name }) or a global_register step" };
    const worst = ops.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
    const data = { ops: ops.length, worst: { ...worst, durationMs: Math.round(worst.durationMs) } };
    const valueMs = Math.round(worst.durationMs);
    if (check.maxMs !== undefined && worst.durationMs > check.maxMs) {
      const over = ops.filter((o) => o.durationMs > check.maxMs!).length;
      return { verdict: "fail", valueMs, data, detail: `${over} of ${ops.length} global ops exceeded ${check.maxMs} ms; the worst: ${describeOp(ctx, worst)}` };
    }
    if (check.minMs !== undefined && worst.durationMs < check.minMs) {
      return { verdict: "fail", valueMs, data, detail: `no global op took ${check.minMs} ms or more (${ops.length} ops; the slowest: ${describeOp(ctx, worst)})` };
    }
    const bound = [check.maxMs !== undefined ? `<= ${check.maxMs} ms` : "", check.minMs !== undefined ? `one >= ${check.minMs} ms` : ""].filter(Boolean).join(" and ");
    return { verdict: "pass", valueMs, data, detail: `${ops.length} global ops, ${bound}; the slowest: ${describeOp(ctx, worst)}` };
  },
};
