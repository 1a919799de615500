/** The timeline's node lanes: each node's view of every peer, its states, faults and marks. */
import { at } from "./format.js";
import type { ReportModel } from "./model.js";
import { Canvas, DETAILED_MAX_NODES, LEFT, PLOT, SUB, W } from "./canvas.js";
import { el, haloText, nodeColor, text, textWidth, tip } from "./svg.js";
import type { NodeMark } from "./topology.js";
import { narrativeLaneMarks } from "../narrative/index.js";

export function lanes(c: Canvas, m: ReportModel): void {
  const { nodes, views, nodeStates, nodeMarks, faults, readyMs } = m.topology;
  const detailed = nodes.length <= DETAILED_MAX_NODES;
  c.section("nodes", detailed ? "each node's view: one strip per peer, green = connected, red = not; ▼ nodedown ▲ nodeup (reason in the label)" : "each node's view: share of peers it sees (green = all); ▼ nodedown ▲ nodeup");
  for (const node of nodes) {
    const peers = nodes.filter((p) => p !== node);
    const h = detailed ? peers.length * SUB + 4 : 22;
    const top = c.y;
    const rowY = (peer: string) => top + 2 + (detailed ? peers.indexOf(peer) * SUB : 0);
    const rowH = detailed ? SUB - 2 : h - 4;
    const out: string[] = [];
    out.push(el("rect", { x: LEFT, y: top, width: PLOT, height: h, class: "lane-bg" }));
    if (readyMs !== null && readyMs > 0) out.push(tip(`booting until ${at(readyMs)}`, el("rect", { x: LEFT, y: top, width: c.x(readyMs) - LEFT, height: h, fill: "url(#hatch-boot)" })));
    out.push(text(10, top + h / 2 + 5, node, { class: "lane-label", fill: nodeColor(nodes, node) }));
    if (detailed) {
      for (const p of peers) out.push(text(LEFT - 6, rowY(p) + rowH - 0.5, p, { class: "peer-label", "text-anchor": "end" }));
      for (const v of views.filter((x) => x.node === node)) {
        const x0 = c.x(v.fromMs);
        const fill = v.state === "up" ? "#95d5b2" : v.state === "down" ? "#e5383b" : "url(#hatch-dead)";
        out.push(tip(`${node} ${v.state === "up" ? "sees" : v.state === "down" ? "does not see" : "is not running, so has no view of"} ${v.peer} from ${at(v.fromMs)} to ${at(v.toMs)}${v.inferred ? " (inferred from the peer's events: the node had just restarted)" : ""}`,
          el("rect", { x: x0, y: rowY(v.peer), width: Math.max(c.x(v.toMs) - x0, 0.5), height: rowH, fill, class: `view ${v.state}${v.inferred ? " inferred" : ""}`, "data-node": node, "data-peer": v.peer })));
      }
    } else {
      out.push(...shareStrip(c, m, node, top + 2, rowH));
    }
    for (const s of nodeStates.filter((x) => x.node === node)) {
      const x0 = c.x(s.fromMs);
      const wpx = Math.max(c.x(s.toMs) - x0, 1);
      out.push(tip(`${node} ${s.state} from ${at(s.fromMs)} to ${at(s.toMs)}${s.detail ? ` (${s.detail})` : ""}`,
        el("rect", { x: x0, y: top, width: wpx, height: h, class: `node-state ${s.state}`, fill: s.state === "paused" ? "url(#hatch-paused)" : "#343a40", "fill-opacity": s.state === "paused" ? 1 : 0.55 })
        + (wpx > 50 ? haloText(x0 + 4, top + h / 2 + 4, s.state, { class: "state-label" }) : "")));
    }
    for (const f of faults.filter((x) => x.nodes.includes(node))) {
      out.push(el("rect", { x: c.x(f.startMs), y: top - 1, width: Math.max(c.x(f.endMs) - c.x(f.startMs), 1), height: h + 2, class: "lane-fault", "data-step": f.step }));
    }
    const mine = nodeMarks.filter((x) => x.node === node);
    for (const mk of mine) out.push(markGlyph(c, mk, rowY(mk.peer) + rowH / 2));
    out.push(...narrativeLaneMarks(c, m.narrative, node, top, h));
    out.push(...markLabels(c, mine, h >= 36 ? [top + h * 0.3 + 4, top + h * 0.75 + 4] : [top + h / 2 + 4]));
    c.add(el("g", { class: "lane", "data-node": node }, out.join("")));
    c.y = top + h + 6;
  }
}

/** Many nodes: one strip per node, its color the share of peers it sees. */
function shareStrip(c: Canvas, m: ReportModel, node: string, y: number, h: number): string[] {
  const mine = m.topology.views.filter((v) => v.node === node);
  const cuts = [...new Set(mine.flatMap((v) => [v.fromMs, v.toMs]))].sort((a, b) => a - b);
  const peers = m.topology.nodes.length - 1;
  const out: string[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const mid = (cuts[i]! + cuts[i + 1]!) / 2;
    const live = mine.filter((v) => v.fromMs <= mid && mid < v.toMs);
    if (live.every((v) => v.state === "dead")) continue;
    const up = live.filter((v) => v.state === "up").length;
    const share = up / peers;
    const fill = share === 1 ? "#95d5b2" : `hsl(${Math.round(share * 100)}, 70%, ${55 + share * 15}%)`;
    out.push(tip(`${node} sees ${up} of ${peers} peers from ${at(cuts[i]!)} to ${at(cuts[i + 1]!)}`, el("rect", { x: c.x(cuts[i]!), y, width: Math.max(c.x(cuts[i + 1]!) - c.x(cuts[i]!), 0.5), height: h, fill, class: "view share" })));
  }
  return out;
}

function markGlyph(c: Canvas, mk: NodeMark, cy: number): string {
  const x = c.x(mk.atMs);
  const d = mk.kind === "nodedown" ? `M${x - 4},${cy - 4}H${x + 4}L${x},${cy + 4}Z` : `M${x - 4},${cy + 4}H${x + 4}L${x},${cy - 4}Z`;
  return tip(`${mk.node}: ${mk.kind} ${mk.peer}${mk.reason ? ` (${mk.reason})` : ""} at ${at(mk.atMs)}`, el("path", { d, class: `mark ${mk.kind}`, "data-peer": mk.peer, "data-reason": mk.reason }));
}

/**
 * One label per burst of marks of the same kind and reason: "n4 n5 net_tick_timeout ▼" ends
 * where a nodedown burst begins, "▲ n4 n5" starts where a nodeup burst ends. Each label takes
 * the first of the lane's text rows where it fits; one that fits nowhere is left to the tooltip.
 */
function markLabels(c: Canvas, marks: readonly NodeMark[], rows: readonly number[]): string[] {
  const bursts: { kind: string; reason: string; peers: string[]; from: number; to: number }[] = [];
  for (const mk of [...marks].sort((a, b) => a.atMs - b.atMs)) {
    const last = bursts.at(-1);
    const reason = mk.reason ?? "";
    if (last && last.kind === mk.kind && last.reason === reason && mk.atMs - last.to < 600) {
      if (!last.peers.includes(mk.peer)) last.peers.push(mk.peer);
      last.to = mk.atMs;
    } else bursts.push({ kind: mk.kind, reason, peers: [mk.peer], from: mk.atMs, to: mk.atMs });
  }
  const used: { x0: number; x1: number }[][] = rows.map(() => []);
  const out: string[] = [];
  for (const b of bursts) {
    const down = b.kind === "nodedown";
    const label = down ? `${b.reason ? `${b.reason} ` : ""}▼ ${b.peers.join(" ")}` : `▲ ${b.peers.join(" ")}`;
    const wpx = textWidth(label, 10.5);
    let x0 = down ? c.x(b.from) - 7 - wpx : c.x(b.to) + 7;
    if (down && x0 < LEFT + 2) x0 = c.x(b.to) + 7;
    if (x0 + wpx > W - 2) continue;
    const row = used.findIndex((u) => u.every((r) => x0 + wpx + 6 < r.x0 || x0 > r.x1 + 6));
    if (row < 0) continue;
    used[row]!.push({ x0, x1: x0 + wpx });
    out.push(haloText(x0, rows[row]!, label, { class: `mark-label ${b.kind}` }));
  }
  return out;
}
