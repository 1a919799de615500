/**
 * Network faults, applied through Toxiproxy. Every directed pair X->Y has a proxy `X_to_Y`;
 * one TCP connection carries both directions of a pair, so every fault acts on both proxies.
 *
 *   X ──dial──▶ [X_to_Y] ──▶ Y        bytes X→Y: X_to_Y/upstream + Y_to_X/downstream
 *   Y ──dial──▶ [Y_to_X] ──▶ X        bytes Y→X: Y_to_X/upstream + X_to_Y/downstream
 *
 * Faults are one toxic kind each (see `TOXICS`). A cut is simultaneous by construction: every
 * affected stream is silenced first (blackhole toxics, added in parallel), and only then, in
 * `reset` mode, are the proxies disabled, which closes the connections. So no surviving link
 * ever carries half a cut.
 */
import { UsageError } from "../errors.js";
import { now } from "../util/clock.js";
import type { ToxiproxyApi } from "../toxiproxy/api.js";
import type { ToxicSpec, ToxicType } from "../toxiproxy/types.js";
import type { Grudge } from "./grudge.js";
import { cutDirections, cutPairs, pairOf, proxyName, streamsForDirection, streamsForPair, type Pair, type StreamTarget } from "./links.js";

export type CutMode = "blackhole" | "reset";

/** A toxic of one link fault kind: its Toxiproxy type and attributes. */
export interface LinkToxic {
  readonly type: ToxicType;
  readonly attributes: Record<string, number>;
}

/** The toxic behind each built-in link fault kind (faults/kinds/ may bring their own: `onLinks`). */
const TOXICS = {
  cut: { type: "timeout", attributes: () => ({ timeout: 0 }) },
  delay: { type: "latency", attributes: (p: { latencyMs: number; jitterMs: number }) => ({ latency: p.latencyMs, jitter: p.jitterMs }) },
  bandwidth: { type: "bandwidth", attributes: (p: { rateKbps: number }) => ({ rate: p.rateKbps }) },
  // A lossless pause: bytes are held (not dropped) and all delivered when the toxic goes.
  pause: { type: "latency", attributes: () => ({ latency: 1_000_000_000, jitter: 0 }) },
} as const;

export type LinkFaultKind = keyof typeof TOXICS;

const CUT: LinkToxic = { type: TOXICS.cut.type, attributes: TOXICS.cut.attributes() };

/** What a fault did, with harness timestamps (ms since the epoch, fractional). */
export interface AppliedFault {
  kind: string;
  startedAt: number;
  appliedAt: number;
  /** Unordered pairs affected. */
  pairs: Pair[];
  /** Directed links whose bytes are affected, as "from->to". */
  directions: string[];
  mode?: CutMode;
}

export class LinkFaults {
  /** proxy -> names of the toxics we added. */
  private readonly toxics = new Map<string, Set<string>>();
  private readonly disabled = new Set<string>();

  constructor(private readonly api: ToxiproxyApi, private readonly nodes: readonly string[]) {}

  /** Cuts every link the grudge names. `reset` also closes the connections after the cut. */
  async partition(grudge: Grudge, mode: CutMode = "blackhole"): Promise<AppliedFault> {
    const startedAt = now();
    const directions = cutDirections(grudge);
    if (directions.length === 0) throw new UsageError("empty_partition", "this partition cuts no link: every node can still reach every other node");
    const targets = directions.flatMap((d) => streamsForDirection(d.from, d.to));
    await this.addToxics(targets, "cut", CUT);
    const pairs = cutPairs(grudge);
    if (mode === "reset") await this.disablePairs(pairs);
    return { kind: "partition", startedAt, appliedAt: now(), pairs, directions: directions.map((d) => `${d.from}->${d.to}`), mode };
  }

  /** Drops bytes from every node of `from` to every node of `to`; the other direction flows. */
  async oneway(from: readonly string[], to: readonly string[]): Promise<AppliedFault> {
    const startedAt = now();
    const dirs: { from: string; to: string }[] = [];
    for (const f of from) for (const t of to) if (f !== t) dirs.push({ from: f, to: t });
    if (dirs.length === 0) throw new UsageError("empty_oneway", "this one-way cut names no link between two different nodes");
    for (const d of dirs) this.checkNodes([d.from, d.to]);
    await this.addToxics(dirs.flatMap((d) => streamsForDirection(d.from, d.to)), "cut", CUT);
    return { kind: "oneway", startedAt, appliedAt: now(), pairs: dirs.map((d) => pairOf(d.from, d.to)), directions: dirs.map((d) => `${d.from}->${d.to}`) };
  }

  /** Adds `latencyMs` (± `jitterMs`) to each direction of each pair: a round trip grows by 2x. */
  delay(pairs: readonly Pair[], latencyMs: number, jitterMs = 0): Promise<AppliedFault> {
    return this.onPairs("delay", pairs, { latencyMs, jitterMs });
  }

  /** Limits each direction of each pair to `rateKbps` kilobytes per second. */
  bandwidth(pairs: readonly Pair[], rateKbps: number): Promise<AppliedFault> {
    return this.onPairs("bandwidth", pairs, { rateKbps });
  }

  /** Holds every byte on the pairs (nothing lost); a heal delivers them all. */
  pauseLinks(pairs: readonly Pair[]): Promise<AppliedFault> {
    return this.onPairs("pause", pairs, {});
  }

  /** Removes every network fault (no argument), or those on the given pairs. */
  async heal(pairs?: readonly Pair[]): Promise<AppliedFault> {
    const startedAt = now();
    if (pairs === undefined) {
      await this.api.reset();
      this.toxics.clear();
      this.disabled.clear();
      return { kind: "heal", startedAt, appliedAt: now(), pairs: [], directions: ["all"] };
    }
    for (const [a, b] of pairs) this.checkNodes([a, b]);
    const proxies = pairs.flatMap(([a, b]) => [proxyName(a, b), proxyName(b, a)]);
    await Promise.all(proxies.map(async (proxy) => {
      const names = this.toxics.get(proxy) ?? new Set<string>();
      await Promise.all([...names].map((name) => this.api.removeToxic(proxy, name)));
      this.toxics.delete(proxy);
    }));
    await Promise.all(proxies.filter((p) => this.disabled.has(p)).map(async (proxy) => {
      await this.api.setEnabled(proxy, true);
      this.disabled.delete(proxy);
    }));
    return { kind: "heal", startedAt, appliedAt: now(), pairs: [...pairs], directions: pairs.map(([a, b]) => `${a}<->${b}`) };
  }

  /** True when no fault we applied is still in place. */
  get healed(): boolean {
    return this.toxics.size === 0 && this.disabled.size === 0;
  }

  /**
   * Adds one toxic of `kind` to each direction of each pair (replacing this kind's earlier
   * toxic there): how a fault kind of its own (faults/kinds/) puts any Toxiproxy toxic on links.
   */
  async onLinks(kind: string, pairs: readonly Pair[], toxic: LinkToxic): Promise<AppliedFault> {
    const startedAt = now();
    if (pairs.length === 0) throw new UsageError("empty_links", `this ${kind} names no link`);
    for (const [a, b] of pairs) this.checkNodes([a, b]);
    await this.addToxics(pairs.flatMap(([a, b]) => streamsForPair(a, b)), kind, toxic);
    return { kind, startedAt, appliedAt: now(), pairs: [...pairs], directions: pairs.flatMap(([a, b]) => [`${a}->${b}`, `${b}->${a}`]) };
  }

  private onPairs(kind: Exclude<LinkFaultKind, "cut">, pairs: readonly Pair[], params: Record<string, number>): Promise<AppliedFault> {
    const def = TOXICS[kind];
    return this.onLinks(kind, pairs, { type: def.type, attributes: (def.attributes as (p: Record<string, number>) => Record<string, number>)(params) });
  }

  private async addToxics(targets: readonly StreamTarget[], kind: string, def: LinkToxic): Promise<void> {
    const { attributes } = def;
    await Promise.all(targets.map(async ({ proxy, stream }) => {
      const name = `${kind}_${stream}`;
      const mine = this.toxics.get(proxy) ?? new Set<string>();
      if (mine.has(name)) {
        if (kind === "cut") return; // already cut: a cut has no parameters to change
        await this.api.removeToxic(proxy, name);
        mine.delete(name);
      }
      const toxic: ToxicSpec = { name, type: def.type, stream, attributes };
      await this.api.addToxic(proxy, toxic);
      mine.add(name);
      this.toxics.set(proxy, mine);
    }));
  }

  private async disablePairs(pairs: readonly Pair[]): Promise<void> {
    const proxies = pairs.flatMap(([a, b]) => [proxyName(a, b), proxyName(b, a)]).filter((p) => !this.disabled.has(p));
    await Promise.all(proxies.map(async (proxy) => {
      await this.api.setEnabled(proxy, false);
      this.disabled.add(proxy);
    }));
  }

  private checkNodes(names: readonly string[]): void {
    for (const n of names) {
      if (!this.nodes.includes(n)) throw new UsageError("unknown_node", `unknown node "${n}"; the cluster has ${this.nodes.join(", ")}`);
    }
  }
}
