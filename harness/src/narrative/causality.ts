/**
 * Causality where it is cheap: for each fault, its first effect on each node (the first nodedown,
 * nodeup, holder exit or log event the node reported after the fault began and before the next
 * fault or heal); for each heal (or resume, restart), when each node saw the full mesh again,
 * and so the heal's last effect: when the last node did. Times in ms from the fault or heal.
 */
import { eventMs, type NarrativeInput } from "./input.js";

export interface FaultEffect {
  step: string;
  label: string;
  at_ms: number;
  /** From the fault's start to the first effect on any node; null: none before the next fault or heal. */
  first_effect_ms: number | null;
  /** What it was, e.g. "n3: nodedown n1 (connection_closed)". */
  first_effect?: string;
  per_node: Record<string, { ms: number; what: string }>;
}

export interface HealEffect {
  step: string;
  label: string;
  at_ms: number;
  /** From the heal to when the last node saw every running peer for good (until the next fault or the end); null: some node never did. */
  last_effect_ms: number | null;
  last_node?: string;
  per_node: Record<string, number | null>;
}

export interface Causality {
  faults: FaultEffect[];
  heals: HealEffect[];
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export function causality(input: NarrativeInput): Causality {
  const { entries, t0, topology } = input;
  const starts = [...topology.faults.map((f) => f.startMs), ...topology.marks.map((m) => m.atMs)].sort((a, b) => a - b);
  const nextAfter = (ms: number, end: number) => Math.min(end, starts.find((s) => s > ms + 0.001) ?? Infinity, topology.endMs);

  const effects: { node: string; atMs: number; what: string }[] = [];
  for (const e of entries) {
    if (e.type !== "node_event") continue;
    const ev = e.event as Record<string, unknown>;
    const peer = String(ev.node ?? "").split("@")[0];
    const what = ev.event === "nodedown" ? `nodedown ${peer} (${String(ev.reason)})`
      : ev.event === "nodeup" ? `nodeup ${peer}`
        : ev.event === "holder_exit" ? `holder of "${String(ev.name)}" exited (${String(ev.reason)})`
          : ev.event === "log" && !String(ev.text ?? "").startsWith("netsplit control:") ? `${String(ev.level)} log: ${String(ev.text ?? "").slice(0, 80)}`
            : undefined;
    if (what) effects.push({ node: String(e.node), atMs: eventMs(e, t0), what });
  }
  effects.sort((a, b) => a.atMs - b.atMs);

  const faults = topology.faults.map((f): FaultEffect => {
    const until = nextAfter(f.startMs, f.endMs);
    const per: Record<string, { ms: number; what: string }> = {};
    for (const x of effects) {
      if (x.atMs < f.startMs || x.atMs >= until || per[x.node]) continue;
      per[x.node] = { ms: r1(x.atMs - f.startMs), what: x.what };
    }
    const firstNode = Object.keys(per).sort((a, b) => per[a]!.ms - per[b]!.ms)[0];
    return {
      step: f.step, label: f.label, at_ms: r1(f.startMs),
      first_effect_ms: firstNode ? per[firstNode]!.ms : null,
      ...(firstNode ? { first_effect: `${firstNode}: ${per[firstNode]!.what}` } : {}),
      per_node: per,
    };
  });

  const running = (node: string, t: number) => !topology.nodeStates.some((s) => s.node === node && s.fromMs <= t && t < s.toMs);
  const upBy = new Map<string, { fromMs: number; toMs: number }[]>();
  for (const v of topology.views) if (v.state === "up") upBy.set(`${v.node}>${v.peer}`, [...(upBy.get(`${v.node}>${v.peer}`) ?? []), v]);
  const sees = (node: string, peer: string, t: number) => (upBy.get(`${node}>${peer}`) ?? []).some((v) => v.fromMs <= t && t < v.toMs);
  const whole = (node: string, t: number) => topology.nodes.every((p) => p === node || !running(p, t) || sees(node, p, t));

  const heals = topology.marks.filter((m) => m.kind === "heal" || m.kind === "resume" || m.kind === "restart").map((m): HealEffect => {
    const until = nextAfter(m.atMs, Infinity);
    const per: Record<string, number | null> = {};
    for (const n of topology.nodes) {
      const candidates = [m.atMs, ...topology.views.filter((v) => v.node === n && v.fromMs >= m.atMs && v.fromMs < until).map((v) => v.fromMs)].sort((a, b) => a - b);
      // when its view became whole for good (until the next fault or the end), not a passing moment
      let since: number | undefined;
      for (const c of candidates) {
        if (running(n, c) && whole(n, c)) since ??= c;
        else since = undefined;
      }
      if (!running(n, Math.min(until, topology.endMs) - 0.01)) continue;
      per[n] = since === undefined ? null : r1(since - m.atMs);
    }
    const values = Object.entries(per);
    const never = values.some(([, v]) => v === null);
    const last = never ? undefined : values.sort((a, b) => b[1]! - a[1]!)[0];
    return { step: m.step, label: m.label, at_ms: r1(m.atMs), last_effect_ms: never ? null : (last?.[1] ?? 0), ...(last ? { last_node: last[0] } : {}), per_node: per };
  });
  return { faults, heals };
}
