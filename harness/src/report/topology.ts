/**
 * The cluster's topology over time, derived from the history alone: fault windows, each node's
 * state, nodeup/nodedown marks, and each node's view of every peer as intervals.
 *
 * A node's view can only be known from its events, so it is rebuilt by replaying them:
 *
 *   cluster_ready ─▶ every node sees every other (the runner waits for the full mesh)
 *   X: nodeup P / nodedown P ─▶ X's cell for P is up / down from the event's time
 *   X killed or stopped ─▶ X's row is dead (it has no view) until it runs again
 *   X running again ─▶ a fresh VM whose first nodeups may predate its agent's subscription:
 *                      X's row starts as its peers' view of X, and until X reports on a peer,
 *                      the peer's nodeup/nodedown about X stands for X's own (a connection is
 *                      up or down on both ends); such cells are marked as inferred
 *
 * From the replay also come the detection times (first nodedown across each cut), the
 * convergence times (heal to full mesh) and the view matrices at key moments.
 */
import { drawnOf, faultKindOfEntry } from "../faults/kinds/index.js";
import type { CellState, Detection, FaultWindow, NodeRunState, Topology } from "./topology-model.js";
import { convergence, snapshots } from "./topology-views.js";
import { eventTime, nodeEvent, num, shortName, str, type HistoryEntry } from "./record.js";

export type * from "./topology-model.js";

type Item =
  | { at: number; seq: number; kind: "ready"; e: HistoryEntry }
  | { at: number; seq: number; kind: "fault"; e: HistoryEntry }
  | { at: number; seq: number; kind: "heal"; e: HistoryEntry }
  | { at: number; seq: number; kind: "event"; e: HistoryEntry }
  | { at: number; seq: number; kind: "state"; e: HistoryEntry }
  | { at: number; seq: number; kind: "resumed"; e: HistoryEntry };

export interface TopologyInput {
  entries: readonly HistoryEntry[];
  /** Run start, harness ms since the epoch. */
  t0: number;
  /** Run end, relative ms. */
  endMs: number;
  nodes: readonly string[];
  /** Describes a step by path (from the scenario), for labels. */
  stepLabel?: (path: string) => string | undefined;
}

export function deriveTopology(input: TopologyInput): Topology {
  return new Replay(input).run();
}

class Replay {
  private readonly nodes: string[];
  private readonly t0: number;
  private readonly endMs: number;
  private readonly cells = new Map<string, { state: CellState; since: number; inferred: boolean }>();
  /** Peers a restarted node has not reported on yet. */
  private readonly fresh = new Map<string, Set<string>>();
  private readonly runState = new Map<string, { state: NodeRunState; since: number; detail?: string }>();
  private readonly out: Topology;
  private readonly openFaults: FaultWindow[] = [];
  private readonly pending = new Map<string, { detection: Detection; startMs: number }>();
  private meshSince: number | null = null;
  private ready = false;

  constructor(private readonly input: TopologyInput) {
    this.nodes = [...input.nodes];
    this.t0 = input.t0;
    this.endMs = input.endMs;
    this.out = { nodes: this.nodes, readyMs: null, endMs: this.endMs, faults: [], marks: [], nodeMarks: [], views: [], nodeStates: [], detections: [], convergence: [], snapshots: [], mesh: [] };
  }

  run(): Topology {
    const items = this.items();
    for (const item of items) {
      if (item.kind === "ready") this.start(item.at);
      else if (this.ready) this.apply(item);
      if (this.ready) this.updateMesh(item.at);
    }
    this.finish();
    this.out.snapshots = snapshots(this.out);
    this.out.convergence = convergence(this.out);
    return this.out;
  }

  private rel(t: number): number {
    return t - this.t0;
  }

  private items(): Item[] {
    const items: Item[] = [];
    let seq = 0;
    for (const e of this.input.entries) {
      seq++;
      if (e.type === "cluster_ready") {
        if (this.out.readyMs === null) items.push({ at: this.rel(e.t), seq, kind: "ready", e });
        this.out.readyMs ??= this.rel(e.t);
      } else if (e.type === "fault") {
        const startedAt = num(e.startedAt) ?? e.t;
        const appliedAt = num(e.appliedAt) ?? startedAt;
        if (drawnOf(e)?.as === "heal") items.push({ at: this.rel(appliedAt), seq, kind: "heal", e });
        else items.push({ at: this.rel(startedAt), seq, kind: "fault", e });
      } else if (e.type === "node_event") {
        const ev = nodeEvent(e);
        if (ev?.event === "nodeup" || ev?.event === "nodedown") items.push({ at: this.rel(eventTime(e)), seq, kind: "event", e });
      } else if (e.type === "node_state") {
        items.push({ at: this.rel(e.t), seq, kind: "state", e });
      } else if (e.type === "final_heal" && Array.isArray(e.resumed) && e.resumed.length > 0) {
        items.push({ at: this.rel(e.t), seq, kind: "resumed", e });
      }
    }
    return items.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  /** The full mesh the runner waited for. */
  private start(atMs: number): void {
    this.ready = true;
    for (const n of this.nodes) {
      this.runState.set(n, { state: "running", since: atMs });
      for (const p of this.nodes) if (p !== n) this.cells.set(`${n}>${p}`, { state: "up", since: atMs, inferred: false });
    }
    this.meshSince = atMs;
  }

  private set(node: string, peer: string, state: CellState, atMs: number, inferred: boolean): void {
    const key = `${node}>${peer}`;
    const cur = this.cells.get(key);
    if (!cur) return;
    if (cur.state === state) {
      if (!inferred) cur.inferred = false;
      return;
    }
    if (atMs > cur.since) this.out.views.push({ node, peer, state: cur.state, fromMs: cur.since, toMs: atMs, inferred: cur.inferred });
    this.cells.set(key, { state, since: Math.max(atMs, cur.since), inferred });
  }

  private cell(node: string, peer: string): CellState | undefined {
    return this.cells.get(`${node}>${peer}`)?.state;
  }

  private running(node: string): boolean {
    return this.runState.get(node)?.state === "running";
  }

  private apply(item: Item): void {
    const e = item.e;
    switch (item.kind) {
      case "ready": return;
      case "event": return this.onEvent(e, item.at);
      case "state": return this.onState(String(e.node), String(e.state) as NodeRunState, item.at, str(e.detail));
      case "fault": return this.onFault(e, item.at);
      case "heal": return this.onHeal(e, item.at);
      case "resumed": {
        for (const n of e.resumed as unknown[]) this.closeNodeFaults(String(n), item.at, "final heal");
        this.out.marks.push({ step: "final_heal", kind: "resume", label: `resume ${(e.resumed as unknown[]).join(", ")} (final heal)`, atMs: item.at, appliedMs: item.at, nodes: (e.resumed as unknown[]).map(String) });
        return;
      }
    }
  }

  private onEvent(e: HistoryEntry, atMs: number): void {
    const ev = nodeEvent(e)!;
    const node = String(e.node);
    const peer = shortName(ev.node);
    const kind = ev.event as "nodeup" | "nodedown";
    const reason = str(ev.reason);
    if (!this.nodes.includes(node) || !this.nodes.includes(peer) || node === peer) return;
    this.out.nodeMarks.push({ node, peer, kind, atMs, ...(reason ? { reason } : {}) });
    if (this.cell(node, peer) === "dead") return;
    const state: CellState = kind === "nodeup" ? "up" : "down";
    this.set(node, peer, state, atMs, false);
    this.fresh.get(node)?.delete(peer);
    if (this.fresh.get(peer)?.has(node) && this.cell(peer, node) !== "dead") this.set(peer, node, state, atMs, true);
    if (kind === "nodedown") {
      const key = `${node}>${peer}`;
      const p = this.pending.get(key);
      if (p) {
        p.detection.observed.push({ node, peer, ms: atMs - p.startMs, reason: reason ?? "unknown" });
        this.pending.delete(key);
      }
    }
  }

  private onState(node: string, state: NodeRunState, atMs: number, detail?: string): void {
    if (!this.nodes.includes(node)) return;
    const prev = this.runState.get(node);
    if (prev && prev.state === state) return;
    if (prev && prev.state !== "running" && atMs > prev.since) {
      this.out.nodeStates.push({ node, state: prev.state, fromMs: prev.since, toMs: atMs, ...(prev.detail ? { detail: prev.detail } : {}) });
    }
    this.runState.set(node, { state, since: atMs, ...(detail ? { detail } : {}) });
    if (state === "killed" || state === "stopped") {
      for (const p of this.nodes) if (p !== node) this.set(node, p, "dead", atMs, false);
      this.fresh.delete(node);
    } else if (state === "running" && (prev?.state === "killed" || prev?.state === "stopped")) {
      // a connection is up on both ends: the peers that already see the new VM are its view
      for (const p of this.nodes) if (p !== node) this.set(node, p, this.cell(p, node) === "up" ? "up" : "down", atMs, true);
      this.fresh.set(node, new Set(this.nodes.filter((p) => p !== node)));
      this.closeNodeFaults(node, atMs, "running again");
    } else if (state === "running" && prev?.state === "paused") {
      this.closeNodeFaults(node, atMs, "resumed");
    }
  }

  private label(e: HistoryEntry, pairs: [string, string][]): string {
    const kind = String(e.kind);
    const step = String(e.step);
    const fromScenario = this.input.stepLabel?.(step);
    const nodes = Array.isArray(e.nodes) ? (e.nodes as unknown[]).map(String) : [];
    // the fault kind's own label (faults/kinds/), then the nodes, the scenario's words, its noun
    const faultKind = faultKindOfEntry(e);
    const own = faultKind?.report?.label?.({ pairs, directions: (e.directions as string[] | undefined) ?? [], mode: str(e.mode) }, this.nodes);
    if (own !== undefined) return own;
    if (nodes.length > 0) return `${kind} ${nodes.join(", ")}`;
    if (fromScenario && !fromScenario.startsWith("nemesis")) return fromScenario;
    return `${faultKind?.report?.noun ?? kind} ${pairs.map((p) => p.join("-")).join(", ")}`;
  }

  private onFault(e: HistoryEntry, atMs: number): void {
    const kind = String(e.kind);
    const step = String(e.step);
    const nemesis = e.nemesis === true || step.includes("nemesis");
    const appliedMs = this.rel(num(e.appliedAt) ?? e.t);
    const pairs = Array.isArray(e.pairs) ? (e.pairs as unknown[][]).map((p) => [String(p[0]), String(p[1])] as [string, string]) : [];
    const nodes = Array.isArray(e.nodes) ? (e.nodes as unknown[]).map(String) : [];
    const directions = Array.isArray(e.directions) ? (e.directions as unknown[]).map(String) : [];
    const label = this.label(e, pairs);
    const base = { id: this.out.faults.length + this.openFaults.length, step, kind, label, startMs: atMs, appliedMs, endMs: this.endMs, open: true, pairs, directions, nemesis };
    // how the fault kind is drawn comes from its file (faults/kinds/); an unknown kind is drawn as a node fault
    const drawn = drawnOf(e);
    if (nodes.length === 0 && drawn?.as === "link") {
      const lanes = this.nodes.filter((n) => pairs.some((p) => p.includes(n)));
      const w = { ...base, nodes: lanes };
      this.openFaults.push(w);
      if (drawn.cut) {
        const expected: { node: string; peer: string }[] = [];
        for (const [a, b] of pairs) {
          for (const [x, y] of [[a, b], [b, a]] as const) if (this.running(x) && this.cell(x, y) === "up") expected.push({ node: x, peer: y });
        }
        this.track(w, expected);
      }
      return;
    }
    if (drawn?.as === "node_up") {
      this.out.marks.push({ step, kind, label, atMs, appliedMs, nodes });
      for (const n of nodes) this.closeNodeFaults(n, appliedMs, step);
      return;
    }
    if (drawn?.as === "node_bounce") {
      for (const n of nodes) this.closeNodeFaults(n, atMs, step);
      this.out.faults.push({ ...base, endMs: appliedMs, open: false, nodes });
      return;
    }
    // node_down (kill, stop, pause): open until the node runs again
    const w = { ...base, nodes };
    this.openFaults.push(w);
    const expected = nodes.flatMap((x) => this.nodes.filter((p) => p !== x && this.running(p) && this.cell(p, x) === "up").map((p) => ({ node: p, peer: x })));
    this.track(w, expected);
  }

  private track(w: FaultWindow, expected: { node: string; peer: string }[]): void {
    if (expected.length === 0) return;
    const detection: Detection = { faultId: w.id, step: w.step, kind: w.kind, label: w.label, atMs: w.startMs, expected: expected.length, observed: [], missing: [] };
    this.out.detections.push(detection);
    for (const x of expected) this.pending.set(`${x.node}>${x.peer}`, { detection, startMs: w.startMs });
  }

  /** Pending detections of fault `id` (only those on `pairs` when given) will never come. */
  private untrack(id: number, pairs?: readonly string[]): void {
    for (const [key, p] of this.pending) {
      if (p.detection.faultId !== id) continue;
      const [node, peer] = key.split(">") as [string, string];
      if (pairs && !pairs.includes(pairKey(node, peer))) continue;
      p.detection.missing.push({ node, peer });
      this.pending.delete(key);
    }
  }

  private onHeal(e: HistoryEntry, appliedMs: number): void {
    const step = String(e.step);
    const startMs = this.rel(num(e.startedAt) ?? e.t);
    const healPairs = Array.isArray(e.pairs) ? (e.pairs as unknown[][]).map((p) => pairKey(String(p[0]), String(p[1]))) : [];
    const all = healPairs.length === 0;
    const label = all ? (step === "final_heal" ? "final heal" : step === "nemesis" ? "nemesis heal" : "heal all") : `heal ${healPairs.join(", ")}`;
    this.out.marks.push({ step, kind: "heal", label, atMs: startMs, appliedMs, nodes: [] });
    for (const w of [...this.openFaults]) {
      if (w.pairs.length === 0) continue; // node faults are not healed by the network heal
      const healed = w.pairs.filter(([a, b]) => all || healPairs.includes(pairKey(a, b)));
      if (healed.length === 0) continue;
      const remaining = w.pairs.filter((p) => !healed.includes(p));
      if (remaining.length === 0) {
        this.close(w, appliedMs, step);
        continue;
      }
      // partly healed: the window ends here and goes on with the pairs still faulty
      this.untrack(w.id, healed.map(([a, b]) => pairKey(a, b)));
      this.openFaults.splice(this.openFaults.indexOf(w), 1, {
        ...w,
        label: `${w.label} (rest)`,
        startMs: appliedMs,
        appliedMs,
        pairs: remaining,
        nodes: this.nodes.filter((n) => remaining.some((p) => p.includes(n))),
      });
      this.out.faults.push({ ...w, endMs: appliedMs, open: false, healedBy: step });
    }
  }

  private closeNodeFaults(node: string, atMs: number, by: string): void {
    for (const w of [...this.openFaults]) if (w.pairs.length === 0 && w.nodes.includes(node)) this.close(w, atMs, by);
  }

  private close(w: FaultWindow, atMs: number, by: string): void {
    this.openFaults.splice(this.openFaults.indexOf(w), 1);
    this.out.faults.push({ ...w, endMs: atMs, open: false, healedBy: by });
    this.untrack(w.id);
  }

  private isMesh(): boolean {
    const up = this.nodes.filter((n) => this.running(n));
    return up.every((n) => up.every((p) => p === n || this.cell(n, p) === "up"));
  }

  private updateMesh(atMs: number): void {
    const mesh = this.isMesh();
    if (mesh && this.meshSince === null) this.meshSince = atMs;
    if (!mesh && this.meshSince !== null) {
      if (atMs > this.meshSince) this.out.mesh.push({ fromMs: this.meshSince, toMs: atMs });
      this.meshSince = null;
    }
  }

  private finish(): void {
    const end = this.endMs;
    for (const w of this.openFaults.splice(0)) {
      this.out.faults.push({ ...w, endMs: end, open: true });
      this.untrack(w.id);
    }
    for (const [key, c] of this.cells) {
      const [node, peer] = key.split(">") as [string, string];
      if (end > c.since) this.out.views.push({ node, peer, state: c.state, fromMs: c.since, toMs: end, inferred: c.inferred });
    }
    for (const [node, s] of this.runState) {
      if (s.state !== "running" && end > s.since) this.out.nodeStates.push({ node, state: s.state, fromMs: s.since, toMs: end, ...(s.detail ? { detail: s.detail } : {}) });
    }
    if (this.meshSince !== null && end > this.meshSince) this.out.mesh.push({ fromMs: this.meshSince, toMs: end });
    this.out.faults.sort((a, b) => a.startMs - b.startMs || a.id - b.id);
    this.out.views.sort((a, b) => a.fromMs - b.fromMs);
    this.out.nodeStates.sort((a, b) => a.fromMs - b.fromMs);
  }

}

const pairKey = (a: string, b: string) => (a < b ? `${a}-${b}` : `${b}-${a}`);
