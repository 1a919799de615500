/**
 * The timeline's ops lane (issue 15): one strip per client, its completions per time bucket —
 * green all ok, amber some info (indeterminate), red some fail — over shaded fault windows, from
 * the compact lane the runner kept in the history (`clients_stopped`). Many clients (over 24):
 * one strip per node instead.
 */
import type { OpsLane } from "../clients/lane.js";
import { at } from "./format.js";
import { Canvas, LEFT, PLOT } from "./canvas.js";
import type { ReportModel } from "./model.js";
import { el, text, tip } from "./svg.js";

const MAX_ROWS = 24;
const ROW = 9;

type Row = { label: string; buckets: Map<number, [number, number, number]> };

function rows(lane: OpsLane): Row[] {
  const perClient = lane.processes.length <= MAX_ROWS;
  const out = new Map<string, Row>();
  for (const p of lane.processes) {
    const label = perClient ? `${p.process} @${p.node}` : p.node;
    const row = out.get(label) ?? { label, buckets: new Map() };
    for (const [i, ok, fail, info] of p.buckets) {
      const b = row.buckets.get(i) ?? [0, 0, 0];
      row.buckets.set(i, [b[0] + ok, b[1] + fail, b[2] + info]);
    }
    out.set(label, row);
  }
  return [...out.values()];
}

export function opsLane(c: Canvas, m: ReportModel): void {
  const lane = m.results.clients?.lane;
  if (!lane || lane.processes.length === 0) return;
  const rs = rows(lane);
  c.section("clients", `${lane.processes.length > MAX_ROWS ? "per node" : "per client"}, per ${lane.bucket_ms} ms: green ok, amber info (may have happened), red fail; shaded: faults in force`);
  const top = c.y;
  const h = rs.length * ROW + 4;
  const out: string[] = [el("rect", { x: LEFT, y: top, width: PLOT, height: h, class: "lane-bg" })];
  for (const f of m.topology.faults) {
    out.push(el("rect", { x: c.x(f.startMs), y: top - 1, width: Math.max(c.x(f.endMs) - c.x(f.startMs), 1), height: h + 2, class: "lane-fault" }));
  }
  rs.forEach((r, k) => {
    const y = top + 2 + k * ROW;
    out.push(text(LEFT - 6, y + ROW - 1.5, r.label, { class: "peer-label", "text-anchor": "end" }));
    for (const [i, [ok, fail, info]] of [...r.buckets].sort((a, b) => a[0] - b[0])) {
      const x0 = c.x(i * lane.bucket_ms);
      const fill = fail > 0 ? "#e5383b" : info > 0 ? "#f4a261" : "#52b788";
      out.push(tip(`${r.label} ${at(i * lane.bucket_ms)}–${at((i + 1) * lane.bucket_ms)}: ${ok} ok, ${fail} fail, ${info} info`,
        el("rect", { x: x0, y, width: Math.max(c.x((i + 1) * lane.bucket_ms) - x0 - 0.3, 0.6), height: ROW - 2, fill, class: "op-bucket" })));
    }
  });
  c.add(el("g", { class: "ops-lane" }, out.join("")));
  c.y = top + h + 6;
}
