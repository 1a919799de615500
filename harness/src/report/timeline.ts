/**
 * The report's timeline: one SVG whose sections share the time axis.
 *
 *   axis ──────────────────────────────────────────────────────────────
 *   faults      [partition n1 n2 n3 | n4 n5 ]  heal   (detection and re-mesh brackets)
 *   n1 ─ n2 ▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇   one strip per peer: green = sees it,
 *        n4 ▇▇▇▇▇▇▇▇▇▇▇▇▼░░░░░░░▲▇▇▇▇▇▇▇▇   red = does not; ▼ nodedown, ▲ nodeup
 *   ...
 *   global ops   latency (log scale) of every timed :global op, by node
 *   pg           members each node sees, stacked by node of origin
 *   horde        census per node (when recorded)
 *   checks       ◆ each verdict when it was decided, with its measured value
 */
import { Canvas, LEFT, PLOT, RIGHT, W } from "./canvas.js";
import { checksRow, hordeChart, opsChart, pgChart } from "./charts.js";
import { at, duration, durationRange } from "./format.js";
import { lanes } from "./lanes.js";
import { opsLane } from "./ops-lane.js";
import type { ReportModel } from "./model.js";
import { DEFS, FAULT_COLORS, el, haloText, placeRows, text, textWidth, tickLabel, tickStep, tip } from "./svg.js";

export function renderTimeline(m: ReportModel): string {
  const c = new Canvas(Math.max(m.endMs, 1));
  axis(c, "top");
  faultRow(c, m);
  lanes(c, m);
  opsLane(c, m);
  opsChart(c, m);
  pgChart(c, m);
  hordeChart(c, m);
  checksRow(c, m.checks);
  c.y += 10;
  axis(c, "bottom");
  guides(c, m);
  const height = c.y + 8;
  return `<svg id="timeline-svg" class="timeline" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" style="width:100%;height:auto;max-width:${W}px" data-left="${LEFT}" data-plot="${PLOT}" data-end-ms="${c.endMs.toFixed(1)}" role="img" aria-label="timeline of the run">${DEFS}${c.back.join("")}${c.parts.join("")}<line id="cursor" x1="0" x2="0" y1="0" y2="${height}" visibility="hidden"/><text id="cursor-label" x="0" y="12" visibility="hidden"></text></svg>`;
}

function axis(c: Canvas, where: "top" | "bottom"): void {
  const step = tickStep(c.endMs);
  c.y += where === "top" ? 14 : 4;
  for (let t = 0; t <= c.endMs + 1e-6; t += step) {
    c.add(text(c.x(t), c.y, tickLabel(t, step), { class: "tick", "text-anchor": "middle" }));
  }
  if (where === "top") {
    c.add(text(8, c.y, "time since start", { class: "axis-title" }));
    c.y += 6;
  } else c.y += 4;
}

/** Grid lines and the fault/heal guides, behind everything, once the height is known. */
function guides(c: Canvas, m: ReportModel): void {
  const step = tickStep(c.endMs);
  for (let t = 0; t <= c.endMs + 1e-6; t += step) c.back.push(el("line", { x1: c.x(t), x2: c.x(t), y1: 18, y2: c.y - 14, class: "grid" }));
  const ready = m.topology.readyMs;
  if (ready !== null) c.back.push(tip(`cluster ready at ${at(ready)}`, el("line", { x1: c.x(ready), x2: c.x(ready), y1: 18, y2: c.y - 14, class: "guide ready" })));
  for (const f of m.topology.faults) c.back.push(el("line", { x1: c.x(f.startMs), x2: c.x(f.startMs), y1: 18, y2: c.y - 14, class: "guide fault" }));
  for (const h of m.topology.marks) c.back.push(el("line", { x1: c.x(h.appliedMs), x2: c.x(h.appliedMs), y1: 18, y2: c.y - 14, class: `guide ${h.kind}` }));
}

function faultRow(c: Canvas, m: ReportModel): void {
  const { faults, marks, detections, convergence } = m.topology;
  c.section("faults", faults.length ? "shaded while in force; brackets: detection (fault → last nodedown) and re-mesh (heal → full mesh)" : "no fault in this run");
  const BAR = 20;
  const edge = W - RIGHT;
  type Item = { x0: number; x1: number; ext0: number; ext1: number; draw: (y: number, bottom: number) => string; line?: boolean };
  const items: Item[] = faults.map((f) => {
    const x0 = c.x(f.startMs);
    const x1 = Math.max(c.x(f.endMs), x0 + 3);
    const wpx = textWidth(f.label, 11.5);
    const where = wpx + 12 <= x1 - x0 ? "inside" : x1 + 6 + wpx <= edge ? "right" : "left";
    const title = `${f.label} (${f.step}) from ${at(f.startMs)}, applied in ${duration(f.appliedMs - f.startMs)}, ${f.open ? "never healed" : `until ${at(f.endMs)} (${f.healedBy ?? "healed"})`}`;
    return {
      x0, x1,
      ext0: where === "left" ? x0 - 6 - wpx : x0,
      ext1: where === "right" ? x1 + 6 + wpx : x1,
      draw: (y: number) => {
        const label = where === "inside" ? text(x0 + 6, y + 14, f.label, { class: "fault-label inside" })
          : where === "right" ? text(x1 + 6, y + 14, f.label, { class: "fault-label" })
            : text(x0 - 6, y + 14, f.label, { class: "fault-label", "text-anchor": "end" });
        return tip(title, el("rect", { x: x0, y, width: x1 - x0, height: BAR, rx: 3, fill: FAULT_COLORS[f.kind] ?? "#e76f51", class: `fault-window${f.open ? " open" : ""}`, "data-kind": f.kind, "data-step": f.step }) + label);
      },
    };
  });
  for (const h of marks) {
    const x = c.x(h.appliedMs);
    const wpx = textWidth(h.label, 11);
    const right = x + 4 + wpx <= edge;
    items.push({
      x0: x, x1: x + 1, line: true,
      ext0: right ? x - 1 : x - 4 - wpx,
      ext1: right ? x + 4 + wpx : x + 1,
      draw: (y: number, bottom: number) => tip(`${h.label} (${h.step}) at ${at(h.atMs)}, applied in ${duration(h.appliedMs - h.atMs)}`,
        el("line", { x1: x, x2: x, y1: top - 4, y2: bottom, class: `heal-mark ${h.kind}` })
        + haloText(right ? x + 4 : x - 4, y + 14, h.label, { class: `heal-label ${h.kind}`, ...(right ? {} : { "text-anchor": "end" }) }), { class: "heal", "data-step": h.step }),
    });
  }
  const placed = placeRows(items.map((it) => ({ x0: it.ext0, x1: it.ext1 })));
  const top = c.y;
  const bottom = top + Math.max(placed.count, 1) * (BAR + 4);
  const drawn = items.map((it, i) => ({ it, svg: it.draw(top + placed.rows[i]! * (BAR + 4), bottom) }));
  c.add(...drawn.filter((d) => !d.it.line).map((d) => d.svg), ...drawn.filter((d) => d.it.line).map((d) => d.svg));
  c.y = bottom;
  // brackets: detection and convergence
  const brackets = [
    ...detections.filter((d) => d.observed.length > 0).map((d) => {
      const last = Math.max(...d.observed.map((o) => o.ms));
      const firstMs = Math.min(...d.observed.map((o) => o.ms));
      const missing = d.missing.length ? `, ${d.missing.length} never` : "";
      const label = `detected in ${durationRange(firstMs, last)} (${d.observed.length}/${d.expected} links${missing})`;
      return { from: d.atMs, to: d.atMs + last, label, cls: "detect", title: `${d.label}: ${d.observed.length} of ${d.expected} links noticed by nodedown, first after ${duration(firstMs)}, last after ${duration(last)}` };
    }),
    ...convergence.filter((v) => v.meshMs !== 0).map((v) => ({
      from: v.atMs,
      to: v.atMs + (v.meshMs ?? 0),
      label: v.meshMs === null ? "no full mesh after this heal" : `full mesh ${duration(v.meshMs)} after heal`,
      cls: v.meshMs === null ? "converge never" : "converge",
      title: `${v.label} at ${at(v.atMs)}: ${v.meshMs === null ? "the cluster did not re-mesh before the next fault or the end" : `every running node saw every other after ${duration(v.meshMs)}`}`,
    })),
  ].map((b) => {
    const x0 = c.x(b.from);
    const x1 = Math.max(c.x(b.to), x0 + 1);
    const wpx = textWidth(b.label, 10.5);
    const where = x1 + 5 + wpx <= W - RIGHT ? "right" : x1 - x0 >= wpx + 12 ? "inside" : "left";
    return { ...b, x0, x1, where, ext0: where === "left" ? x0 - 5 - wpx : x0, ext1: where === "right" ? x1 + 5 + wpx : x1 };
  });
  const bplaced = placeRows(brackets.map((b) => ({ x0: b.ext0, x1: b.ext1 })));
  const btop = c.y + 6;
  brackets.forEach((b, i) => {
    const y = btop + bplaced.rows[i]! * 16 + 6;
    const label = b.where === "right" ? text(b.x1 + 5, y + 3.5, b.label, { class: `bracket-label ${b.cls}` })
      : b.where === "inside" ? haloText(b.x0 + 6, y + 3.5, b.label, { class: `bracket-label ${b.cls}` })
        : text(b.x0 - 5, y + 3.5, b.label, { class: `bracket-label ${b.cls}`, "text-anchor": "end" });
    c.add(tip(b.title, el("path", { d: `M${b.x0},${y - 4}V${y}H${b.x1}V${y - 4}`, class: `bracket ${b.cls}` }) + label, { class: "bracket-group" }));
  });
  c.y = btop + bplaced.count * 16 + 2;
}

export const TIMELINE_SCRIPT = `(() => {
  const svg = document.getElementById("timeline-svg");
  if (!svg) return;
  const left = +svg.dataset.left, plot = +svg.dataset.plot, end = +svg.dataset.endMs;
  const line = document.getElementById("cursor"), label = document.getElementById("cursor-label");
  svg.addEventListener("mousemove", (ev) => {
    const pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
    const p = pt.matrixTransform(svg.getScreenCTM().inverse());
    if (p.x < left || p.x > left + plot) { line.setAttribute("visibility", "hidden"); label.setAttribute("visibility", "hidden"); return; }
    const ms = (p.x - left) / plot * end;
    line.setAttribute("x1", p.x); line.setAttribute("x2", p.x); line.setAttribute("visibility", "visible");
    label.textContent = "+" + (ms / 1000).toFixed(2) + " s"; label.setAttribute("x", p.x + 4); label.setAttribute("y", p.y - 6); label.setAttribute("visibility", "visible");
  });
  svg.addEventListener("mouseleave", () => { line.setAttribute("visibility", "hidden"); label.setAttribute("visibility", "hidden"); });
})();`;
