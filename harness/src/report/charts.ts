/** The timeline's charts: global op latencies, :pg membership, the Horde census, check verdicts. */
import { at, duration } from "./format.js";
import type { CheckMarker, ReportModel } from "./model.js";
import type { OpPoint } from "./series.js";
import { Canvas, LEFT, PLOT, W } from "./canvas.js";
import { VERDICT_COLORS, el, haloText, nodeColor, placeRows, text, textWidth, tip } from "./svg.js";

export function opsChart(c: Canvas, m: ReportModel): void {
  const ops = m.ops;
  const nodes = m.topology.nodes;
  c.section("global ops", ops.length ? "latency of each timed :global op, plotted at its start (log scale); ○ = no result by the end (a lower bound)" : "no timed :global op in this run");
  if (ops.length === 0) return;
  const H = 110;
  const top = c.y + 4;
  const durs = ops.map((o) => Math.max(o.durationMs, 0.01));
  const lo = Math.pow(10, Math.floor(Math.log10(durs.reduce((a, b) => Math.min(a, b)))));
  const hi = Math.pow(10, Math.ceil(Math.log10(durs.reduce((a, b) => Math.max(a, b)) * 1.05)));
  const y = (ms: number) => top + H - ((Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * H;
  const out: string[] = [el("rect", { x: LEFT, y: top, width: PLOT, height: H, class: "chart-bg" })];
  for (let d = lo; d <= hi * 1.001; d *= 10) {
    out.push(el("line", { x1: LEFT, x2: LEFT + PLOT, y1: y(d), y2: y(d), class: "ygrid" }), text(LEFT - 6, y(d) + 4, d >= 1000 ? `${d / 1000} s` : `${+d.toPrecision(1)} ms`, { class: "ytick", "text-anchor": "end" }));
  }
  for (const o of ops) {
    const color = nodeColor(nodes, o.node);
    const open = o.status === "in_flight" || o.status === "blocked";
    out.push(tip(opTitle(o), el("circle", { cx: c.x(o.startMs), cy: y(o.durationMs), r: open ? 3.5 : 2.8, fill: open ? "#fff" : color, stroke: color, "stroke-width": open ? 2 : 1, class: `op ${o.status}`, "data-node": o.node })));
  }
  // one lane per node: every op as a bar from its start to its end, so blocked periods show;
  // ops in flight at the same time stack in sub-rows
  const laneTop = top + H + 10;
  const withOps = nodes.filter((n) => ops.some((o) => o.node === n));
  out.push(text(8, laneTop + 8, "ops in flight", { class: "legend" }));
  let ly = laneTop + 12;
  for (const n of withOps) {
    const mine = ops.filter((x) => x.node === n).map((o) => ({ o, x0: c.x(o.startMs), x1: Math.max(c.x(o.startMs + o.durationMs), c.x(o.startMs) + 1) }));
    const { rows, count } = placeRows(mine, 1);
    const levels = Math.min(count, 4);
    const laneH = levels * 10;
    out.push(el("rect", { x: LEFT, y: ly, width: PLOT, height: laneH, class: "lane-bg" }), text(LEFT - 6, ly + laneH / 2 + 4, n, { class: "ops-lane-label", "text-anchor": "end", fill: nodeColor(nodes, n) }));
    mine.forEach(({ o, x0, x1 }, i) => {
      const by = ly + Math.min(rows[i]!, levels - 1) * 10;
      const open = o.status === "in_flight" || o.status === "blocked";
      const cls = open ? "open" : o.durationMs >= 1000 ? "slow" : o.durationMs >= 100 ? "mid" : "fast";
      const words = `#${o.seq ?? "?"} ${open ? `no result for > ${duration(o.durationMs)}` : `took ${duration(o.durationMs)}`}`;
      const label = (o.durationMs >= 1000 || open) && x1 - x0 > textWidth(words, 10) + 8 ? text(x0 + 4, by + 8.5, words, { class: `ops-bar-label${open ? " on-open" : ""}` }) : "";
      out.push(tip(opTitle(o), el("rect", { x: x0, y: by + 1, width: x1 - x0, height: 8, class: `op-bar ${cls}`, "data-node": n }) + (open ? el("path", { d: `M${x1},${by + 1}l5,4l-5,4Z`, class: "op-bar-arrow" }) : "") + label));
    });
    ly += laneH + 3;
  }
  let lx = LEFT;
  ly += 12;
  for (const [cls, what] of [["fast", "< 100 ms"], ["mid", "100 ms – 1 s"], ["slow", "≥ 1 s"], ["open", "no result by the end"]] as const) {
    out.push(el("rect", { x: lx, y: ly - 9, width: 14, height: 9, class: `op-bar ${cls}` }), text(lx + 18, ly, what, { class: "legend" }));
    lx += 30 + textWidth(what);
  }
  c.add(el("g", { id: "ops-chart" }, out.join("")));
  c.y = ly + 6;
}

function opTitle(o: OpPoint): string {
  const what = `${o.node}: ${o.op}${o.seq !== undefined ? ` #${o.seq}` : ""} started ${at(o.startMs)}`;
  const how = o.status === "in_flight" ? `no result by the end of the run (more than ${duration(o.durationMs)}; the probe said nothing after its previous op)`
    : o.status === "blocked" ? `reported blocked, still running at the end (more than ${duration(o.durationMs)})`
      : `took ${duration(o.durationMs)}${o.status === "late" ? " (reported blocked, finished late)" : ""}${o.result !== undefined ? ` → ${o.result}` : ""}`;
  return `${what}: ${how}`;
}

export function pgChart(c: Canvas, m: ReportModel): void {
  const pg = m.pg;
  const nodes = m.topology.nodes;
  if (!pg) {
    c.section("pg", "no :pg membership sampled in this run (the scenario has no pg workload)");
    return;
  }
  for (const g of pg.groups) {
    c.section(`pg ${g}`, "members each node sees over time, colored by the node they run on; hatched: the node did not answer");
    const out: string[] = [];
    const rowH = 28;
    for (const node of nodes) {
      const top = c.y;
      const samples = pg.byNode[node] ?? [];
      out.push(el("rect", { x: LEFT, y: top, width: PLOT, height: rowH, class: "lane-bg" }), text(10, top + rowH / 2 + 5, node, { class: "lane-label", fill: nodeColor(nodes, node) }));
      const gaps = samples.slice(1).map((s, i) => s.atMs - samples[i]!.atMs).sort((a, b) => a - b);
      const step = gaps[Math.floor(gaps.length / 2)] ?? 500;
      let lastTotal = -1;
      let lastLabelX = -Infinity;
      for (let i = 0; i < samples.length; i++) {
        const s = samples[i]!;
        let j = i;
        const same = (a: typeof s, b: typeof s) => JSON.stringify(a.groups?.[g] ?? null) === JSON.stringify(b.groups?.[g] ?? null) && (a.groups === null) === (b.groups === null);
        while (j + 1 < samples.length && same(samples[j + 1]!, s) && samples[j + 1]!.atMs - samples[j]!.atMs < step * 3) j++;
        const from = s.atMs;
        const to = j + 1 < samples.length && samples[j + 1]!.atMs - samples[j]!.atMs < step * 3 ? samples[j + 1]!.atMs : samples[j]!.atMs + step;
        const x0 = c.x(from);
        const wpx = Math.max(c.x(to) - x0, 0.5);
        if (s.groups === null) {
          out.push(tip(`${node} did not answer from ${at(from)} to ${at(to)}`, el("rect", { x: x0, y: top + 1, width: wpx, height: rowH - 2, fill: "url(#hatch-silent)", class: "pg silent" })));
        } else {
          const origins = s.groups[g] ?? {};
          const total = Object.values(origins).reduce((a, b) => a + b, 0);
          let stackY = top + rowH - 1;
          const segs: string[] = [];
          for (const o of nodes) {
            const n = origins[o] ?? 0;
            if (n === 0) continue;
            const hh = (n / Math.max(pg.max, 1)) * (rowH - 2);
            stackY -= hh;
            segs.push(el("rect", { x: x0, y: stackY, width: wpx, height: hh, fill: nodeColor(nodes, o), class: "pg-seg" }));
          }
          const byOrigin = nodes.filter((o) => origins[o]).map((o) => `${origins[o]} on ${o}`).join(", ");
          out.push(tip(`${node} sees ${total} members of ${g} from ${at(from)} to ${at(to)}${byOrigin ? `: ${byOrigin}` : ""}`, segs.join(""), { class: "pg", "data-node": node, "data-total": total }));
          if (total !== lastTotal && x0 - lastLabelX > 18) {
            out.push(haloText(x0 + 3, top + 11, String(total), { class: "pg-count" }));
            lastLabelX = x0;
          }
          lastTotal = total;
        }
        i = j;
      }
      for (const st of m.topology.nodeStates.filter((x) => x.node === node)) {
        const x0 = c.x(st.fromMs);
        const wpx = Math.max(c.x(st.toMs) - x0, 1);
        out.push(tip(`${node} ${st.state} from ${at(st.fromMs)} to ${at(st.toMs)}: not sampled`, el("rect", { x: x0, y: top, width: wpx, height: rowH, class: `node-state ${st.state}`, fill: st.state === "paused" ? "url(#hatch-paused)" : "url(#hatch-dead)", "fill-opacity": 0.6 })
          + (wpx > 50 ? haloText(x0 + 4, top + rowH / 2 + 4, st.state, { class: "state-label" }) : "")));
      }
      c.y = top + rowH + 3;
    }
    let lx = LEFT;
    out.push(text(8, c.y + 12, "origin:", { class: "legend" }));
    for (const n of nodes) {
      out.push(el("rect", { x: lx, y: c.y + 4, width: 10, height: 10, fill: nodeColor(nodes, n) }), text(lx + 14, c.y + 13, n, { class: "legend" }));
      lx += 22 + textWidth(n);
    }
    c.add(el("g", { class: "pg-chart", "data-group": g }, out.join("")));
    c.y += 18;
  }
}

export function hordeChart(c: Canvas, m: ReportModel): void {
  const horde = m.horde;
  if (!horde) {
    c.section("horde", m.hordeNote);
    return;
  }
  c.section("horde", `census per node over time (${horde.fields.join(", ")})`);
  const nodes = m.topology.nodes;
  const rowH = 24;
  const max = Math.max(1, ...Object.values(horde.byNode).flatMap((s) => s.flatMap((x) => Object.values(x.values))));
  const out: string[] = [];
  for (const node of nodes) {
    const top = c.y;
    out.push(el("rect", { x: LEFT, y: top, width: PLOT, height: rowH, class: "lane-bg" }), text(10, top + rowH / 2 + 5, node, { class: "lane-label", fill: nodeColor(nodes, node) }));
    const samples = horde.byNode[node] ?? [];
    horde.fields.forEach((f, fi) => {
      const pts = samples.filter((s) => s.values[f] !== undefined).map((s) => [c.x(s.atMs), top + rowH - 2 - (s.values[f]! / max) * (rowH - 4)] as const);
      if (pts.length === 0) return;
      const d = pts.map(([x, yy], i) => (i === 0 ? `M${x},${yy}` : `H${x}V${yy}`)).join("");
      out.push(el("path", { d, class: `horde-line f${fi}` }));
      const lastVal = samples.filter((s) => s.values[f] !== undefined).at(-1)!.values[f]!;
      out.push(text(LEFT + PLOT + 2, top + 10 + fi * 10, `${f} ${lastVal}`, { class: "legend" }));
    });
    c.y = top + rowH + 3;
  }
  c.add(el("g", { id: "horde-chart" }, out.join("")));
}

export function checksRow(c: Canvas, checks: readonly CheckMarker[]): void {
  c.section("checks", checks.length ? "◆ each verdict when it was decided, with its measured value; a bracket spans the time a convergence check measured" : "no check was decided");
  const ICON: Record<string, string> = { pass: "✓", fail: "✗", unknown: "?", skipped: "–" };
  const items = checks.map((k) => {
    const x = c.x(k.atMs);
    const label = `${ICON[k.verdict] ?? ""} ${k.label}${k.midRun ? " (mid-run)" : ""}`;
    const x0 = k.spanFromMs !== undefined ? Math.min(c.x(k.spanFromMs), x - 6) : x - 6;
    const rightRoom = x + 8 + textWidth(label) <= W - 4;
    return { k, x, x0: rightRoom ? x0 : Math.min(x0, x - 8 - textWidth(label)), x1: rightRoom ? x + 8 + textWidth(label) : x + 6, label, rightRoom };
  });
  const { rows, count } = placeRows(items.map((i) => ({ x0: i.x0, x1: i.x1 })), 8);
  const top = c.y + 6;
  items.forEach((it, i) => {
    const y = top + rows[i]! * 18 + 6;
    const color = VERDICT_COLORS[it.k.verdict] ?? "#333";
    const span = it.k.spanFromMs !== undefined ? el("path", { d: `M${c.x(it.k.spanFromMs)},${y - 4}V${y + 4}M${c.x(it.k.spanFromMs)},${y}H${it.x}`, stroke: color, class: "check-span" }) : "";
    const diamond = el("path", { d: `M${it.x},${y - 6}L${it.x + 6},${y}L${it.x},${y + 6}L${it.x - 6},${y}Z`, fill: color, class: "check-diamond" });
    const label = it.rightRoom ? haloText(it.x + 9, y + 4, it.label, { class: "check-label", fill: color }) : haloText(it.x - 9, y + 4, it.label, { class: "check-label", fill: color, "text-anchor": "end" });
    c.add(tip(`${it.k.name}${it.k.midRun ? " (mid-run)" : ""}: ${it.k.verdict.toUpperCase()} at ${at(it.k.atMs)}${it.k.valueMs !== undefined ? `, measured ${duration(it.k.valueMs)}` : ""}. ${it.k.detail}`,
      span + diamond + label, { class: "check-marker", "data-check": it.k.name, "data-verdict": it.k.verdict, "data-at-ms": it.k.atMs.toFixed(0), ...(it.k.valueMs !== undefined ? { "data-value-ms": it.k.valueMs } : {}) }));
  });
  c.y = top + count * 18 + 4;
}
