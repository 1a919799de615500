/**
 * What the runner records for the reports besides its own entries, while the run happens:
 *
 * - `toxiproxy_metrics` { phase: "before" | "after", step, proxies }: Toxiproxy's byte counters
 *   for the netsplit proxies, when a fault step starts and once the fault is applied.
 * - `pg_sample` { views: { node: { "scope/group": { origin node: members } } }, silent }: every
 *   running node's :pg view every PG_SAMPLE_MS, so the report can show membership over time.
 *
 * - `horde_sample` { views: { node: { workers, registered, found } }, anomalies, clean }: the
 *   Horde census every HORDE_SAMPLE_MS once the workload is ready (see horde/sampler.ts).
 *
 * All are best effort: a failed sample is skipped, never an error of the run.
 */
import type { RunContext } from "../run/context.js";
import { type HistoryEntry } from "../run/history.js";
import { now } from "../util/clock.js";
import { CHANGING_STEP_KINDS } from "../faults/kinds/index.js";
import { parseProxyCounters } from "./metrics.js";
import { sampleHorde } from "../horde/sampler.js";
import { shortName } from "../util/names.js";

export const PG_SAMPLE_MS = 500;
const SAMPLE_TIMEOUT_MS = 1000;

export interface Recorders {
  /** Stops sampling and waits for the samples under way. */
  stop(): Promise<void>;
}

export function startRecorders(ctx: RunContext): Recorders {
  const stops = [recordMetricsAroundFaults(ctx), samplePg(ctx), sampleHorde(ctx)];
  return {
    async stop() {
      await Promise.all(stops.map((s) => s()));
    },
  };
}

function recordMetricsAroundFaults(ctx: RunContext): () => Promise<void> {
  const proxies = new Set(ctx.cluster.proxyNames());
  const pending = new Set<Promise<void>>();
  let stopped = false;
  const snapshot = (phase: "before" | "after", step: string) => {
    const t = now();
    const p = ctx.cluster.toxiproxy.api.metrics().then((text) => {
      if (!stopped && text) ctx.history.record("toxiproxy_metrics", { phase, step, proxies: parseProxyCounters(text, (name) => proxies.has(name)) }, t);
    }).catch(() => undefined).finally(() => pending.delete(p));
    pending.add(p);
  };
  const off = ctx.history.on((e: HistoryEntry) => {
    if (e.type === "step_start" && (CHANGING_STEP_KINDS.has(String(e.kind)) || e.kind === "nemesis")) snapshot("before", String(e.path));
    else if (e.type === "fault") snapshot("after", String(e.step));
  });
  return async () => {
    off();
    await Promise.all([...pending]);
    stopped = true;
  };
}

interface GroupView {
  scope: string;
  group: string;
  members?: string[];
  error?: string;
}

function samplePg(ctx: RunContext): () => Promise<void> {
  const seen = new Map<string, { scope: string; group: string }>();
  for (const g of ctx.scenario.workload.pg) seen.set(`${g.scope}/${g.group}`, { scope: g.scope, group: g.group });
  const groups = [...seen.values()];
  if (groups.length === 0) return async () => undefined;
  const busy = new Set<string>();
  let round: Promise<void> | null = null;
  let stopped = false;
  const sample = async () => {
    const t = now();
    const views: Record<string, Record<string, Record<string, number>>> = {};
    let open = true;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, PG_SAMPLE_MS - 100));
    const nodes = ctx.cluster.running();
    await Promise.all(nodes.map((n) => {
      if (busy.has(n)) return undefined;
      busy.add(n);
      const call = Promise.resolve()
        .then(() => ctx.cluster.agent(n).call<GroupView[]>("pg_view", { groups }, SAMPLE_TIMEOUT_MS))
        .then((answer) => {
          if (open) views[n] = Object.fromEntries(answer.filter((v) => !v.error).map((v) => [`${v.scope}/${v.group}`, countByNode(v.members ?? [])]));
        })
        .catch(() => undefined)
        .finally(() => busy.delete(n));
      return Promise.race([call, deadline]);
    }));
    open = false;
    const silent = nodes.filter((n) => !views[n]).sort();
    if (!stopped) ctx.history.record("pg_sample", { views, ...(silent.length ? { silent } : {}) }, t);
  };
  const timer = setInterval(() => {
    round ??= sample().finally(() => {
      round = null;
    });
  }, PG_SAMPLE_MS);
  return async () => {
    clearInterval(timer);
    await round;
    stopped = true;
  };
}

function countByNode(pids: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of pids) {
    const node = shortName(p);
    out[node] = (out[node] ?? 0) + 1;
  }
  return out;
}
