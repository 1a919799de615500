/**
 * Views derived from a replayed topology: the view matrix at key moments (when the cluster was
 * ready, just before each fault and heal, at the end) and the convergence after each heal.
 */
import type { Convergence, MatrixCell, Topology, ViewInterval, ViewSnapshot } from "./topology-model.js";

function matrixAt(nodes: readonly string[], byCell: Map<string, ViewInterval[]>, atMs: number): Record<string, Record<string, MatrixCell>> {
  const m: Record<string, Record<string, MatrixCell>> = {};
  for (const n of nodes) {
    m[n] = {};
    for (const p of nodes) {
      if (p === n) {
        m[n][p] = "self";
        continue;
      }
      const v = byCell.get(`${n}>${p}`)?.filter((i) => i.fromMs <= atMs).at(-1);
      m[n][p] = v?.state ?? "up";
    }
  }
  return m;
}

/** The view matrix when the cluster was ready, just before each fault and heal, and at the end; unchanged ones are dropped. */
export function snapshots(topo: Topology): ViewSnapshot[] {
  if (topo.readyMs === null) return [];
  const moments: { label: string; atMs: number }[] = [{ label: "cluster ready", atMs: topo.readyMs }];
  const events = [
    ...topo.faults.map((f) => ({ label: `just before ${f.label}`, atMs: f.startMs })),
    ...topo.marks.map((m) => ({ label: `just before ${m.label}`, atMs: m.atMs })),
  ].sort((a, b) => a.atMs - b.atMs);
  for (const e of events) if (e.atMs > topo.readyMs) moments.push({ label: e.label, atMs: e.atMs - 0.001 });
  moments.push({ label: "end of run", atMs: topo.endMs - 0.001 });
  const byCell = new Map<string, ViewInterval[]>();
  for (const v of topo.views) {
    const list = byCell.get(`${v.node}>${v.peer}`);
    if (list) list.push(v);
    else byCell.set(`${v.node}>${v.peer}`, [v]);
  }
  const out: ViewSnapshot[] = [];
  for (const m of moments) {
    const matrix = matrixAt(topo.nodes, byCell, m.atMs);
    if (out.length > 0 && JSON.stringify(out.at(-1)!.matrix) === JSON.stringify(matrix)) continue;
    out.push({ label: m.label, atMs: Math.max(0, m.atMs), matrix });
  }
  return out;
}

/** After each heal: how long until every running node saw every other again (null: not before the next fault or the end). */
export function convergence(topo: Topology): Convergence[] {
  const starts = topo.faults.map((f) => f.startMs).sort((a, b) => a - b);
  return topo.marks.filter((m) => m.kind === "heal").map((m) => {
    const next = starts.find((s) => s > m.appliedMs) ?? topo.endMs;
    const during = topo.mesh.find((i) => i.fromMs <= m.appliedMs && m.appliedMs < i.toMs);
    const after = topo.mesh.find((i) => i.fromMs >= m.appliedMs && i.fromMs <= next);
    const meshMs = during ? 0 : after ? after.fromMs - m.appliedMs : null;
    return { step: m.step, label: m.label, atMs: m.appliedMs, meshMs };
  });
}
