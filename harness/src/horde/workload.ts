/**
 * Starting the Horde workload: every node starts each workload's Horde.Registry and
 * Horde.DynamicSupervisor (`horde_start`, also after a node restarts); at boot, once every
 * node's registry and supervisor count every node as a member, the first node starts every key
 * through the distributed supervisor (`horde_spawn`) and the run waits for a clean census, so
 * that what the checks see comes from the faults, not from the boot.
 */
import type { RunContext } from "../run/context.js";
import { rel } from "../run/progress.js";
import { now } from "../util/clock.js";
import { askAll } from "../checks/ask.js";
import { allHordeKeys, analyzeCensus, anomalySummary, type NodeCensus } from "./census.js";
import { shortName } from "../util/names.js";

const START_TIMEOUT_MS = 15_000;
const MEMBERS_TIMEOUT_MS = 15_000;
const CLEAN_TIMEOUT_MS = 30_000;
const POLL_MS = 100;

/** Starts every Horde workload on the given nodes (no-op without a workload or without Horde). */
export async function startHordeOn(ctx: RunContext, nodes: readonly string[]): Promise<void> {
  const { horde } = ctx.scenario.workload;
  if (horde.length === 0 || ctx.hordeUnavailable) return;
  await Promise.all(nodes.map(async (n) => {
    for (const [index, w] of horde.entries()) {
      const args = { index, keys: w.keys, sync_interval_ms: w.syncIntervalMs ?? null, distribution: w.distribution, restart: w.restart, trap_exit: w.trapExit };
      const outcome = await ctx.cluster.agent(n).call<Record<string, unknown>>("horde_start", args, START_TIMEOUT_MS);
      ctx.history.record("horde_start", { node: n, index, outcome });
    }
  }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when every running node's registry and supervisor of every workload list every running node. */
async function membersConverged(ctx: RunContext): Promise<string | null> {
  const running = ctx.cluster.running();
  const { answers, silent } = await askAll<NodeCensus>(ctx, "horde_census", {});
  if (silent.size > 0) return `${[...silent.keys()].join(", ")} did not answer`;
  const expected = ctx.scenario.workload.horde.length;
  for (const [n, c] of answers) {
    if (c.workloads.length < expected) return `${n} has not started every Horde workload`;
    for (const w of c.workloads) {
      if (!w.running) return `${n}'s Horde registry of workload ${w.index} is not running${w.error ? ` (${w.error})` : ""}`;
      for (const what of ["registry", "supervisor"] as const) {
        const members = w.members?.[what];
        const short = (members ?? []).map(shortName);
        const lacking = running.filter((r) => !short.includes(r));
        if (members === null || members === undefined || lacking.length > 0) return `${n}'s ${what} does not count ${lacking.join(", ") || "its members"} yet`;
      }
    }
  }
  return null;
}

/**
 * At boot, after `startHordeOn` on every node: waits for membership, starts every key from the
 * first running node, then waits until the census is clean (bounded; a workload that never gets
 * clean is recorded and the run goes on, the checks will say what is wrong).
 */
export async function spawnHordeKeys(ctx: RunContext): Promise<void> {
  const { horde } = ctx.scenario.workload;
  if (horde.length === 0 || ctx.hordeUnavailable) return;
  const t0 = now();
  let why: string | null = "not asked yet";
  while (now() - t0 < MEMBERS_TIMEOUT_MS && !ctx.signal.aborted && (why = await membersConverged(ctx)) !== null) await sleep(POLL_MS);
  const membersMs = Math.round(now() - t0);
  if (why) ctx.progress(`${rel(ctx)}  Horde membership not complete after ${membersMs} ms (${why}); starting the keys anyway`);
  const first = ctx.cluster.running()[0]!;
  for (const [index, w] of horde.entries()) {
    const outcome = await ctx.cluster.agent(first).call<Record<string, number>>("horde_spawn", { index }, 60_000);
    ctx.history.record("horde_spawn", { node: first, index, keys: w.keys, outcome });
  }
  const keys = allHordeKeys(horde);
  const t1 = now();
  let last = "";
  for (;;) {
    const { answers, silent } = await askAll<NodeCensus>(ctx, "horde_census", {});
    const down = ctx.cluster.names.filter((n) => !ctx.cluster.running().includes(n));
    const a = analyzeCensus({ keys, answers, silent, down });
    if (a.clean) break;
    last = a.undecided ?? anomalySummary(a);
    if (now() - t1 > CLEAN_TIMEOUT_MS || ctx.signal.aborted) {
      ctx.history.record("horde_not_clean", { after_ms: Math.round(now() - t1), detail: last });
      ctx.progress(`${rel(ctx)}  the Horde workload was not clean ${CLEAN_TIMEOUT_MS} ms after its start (${last}); running the steps anyway`);
      return;
    }
    await sleep(POLL_MS);
  }
  const cleanMs = Math.round(now() - t1);
  ctx.history.record("horde_ready", { keys: keys.length, members_ms: membersMs, clean_ms: cleanMs });
  ctx.progress(`${rel(ctx)}  Horde: ${keys.length} keys started and clean in ${cleanMs} ms (membership complete in ${membersMs} ms)`);
}
