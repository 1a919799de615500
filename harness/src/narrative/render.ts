/** The narrative in each report: Markdown list, HTML section (lines linked to the timeline), lane marks, JUnit text. */
import type { Canvas } from "../report/canvas.js";
import { at, esc } from "../report/format.js";
import { el, tip } from "../report/svg.js";
import type { Narrative, NarrativeLine, NarrativeMark } from "./narrative.js";

const mdEsc = (s: string) => s.replaceAll("|", "\\|").replaceAll("<", "&lt;").replaceAll("*", "\\*").replaceAll("_", "\\_");

function footer(n: Narrative): string[] {
  const out: string[] = [];
  if (n.omitted) out.push(`${n.omitted} more lines left out to keep this short`);
  if (n.unrecognised) out.push(`${n.unrecognised} other warning/error lines from the nodes`);
  return out.length ? [`${out.join("; ")}: see the event log in report.html and logs/.`] : [];
}

const repeat = (l: NarrativeLine) => (l.repeats ? ` (again ×${l.repeats.count}, until ${at(l.repeats.lastMs)})` : "");

/** "### What happened" and one bullet per line. */
export function narrativeMarkdown(n: Narrative): string[] {
  if (n.lines.length === 0) return [];
  return [
    "### What happened",
    "",
    ...n.lines.map((l) => `${l.id.slice(3)}. \`${at(l.atMs)}\` ${mdEsc(l.text)}${repeat(l)}`),
    ...footer(n).map((f) => `\n_${mdEsc(f)}_`),
    "",
  ];
}

/** The HTML section that opens the report: each line links to its mark on the timeline. */
export function narrativeHtml(n: Narrative): string {
  if (n.lines.length === 0) return "";
  const marked = new Set(n.marks.map((m) => m.lineId));
  const diamonds = new Set(n.marks.filter((m) => m.kind !== "nodedown").map((m) => m.lineId));
  const items = n.lines.map((l) => {
    const target = marked.has(l.id) ? `#tl-${l.id}` : "#timeline";
    return `<li id="${l.id}" class="nl ${esc(l.kind)}${diamonds.has(l.id) ? " diamond" : ""}" data-at-ms="${l.atMs.toFixed(1)}" data-kind="${esc(l.kind)}"><a class="t" href="${target}" title="show on the timeline">${esc(at(l.atMs))}</a> ${esc(l.text)}${esc(repeat(l))}</li>`;
  });
  return `<section id="narrative" class="card"><h2>What happened</h2><ol class="narrative">${items.join("")}</ol>${footer(n).map((f) => `<p class="muted">${esc(f)}</p>`).join("")}</section>`;
}

/** The narrative lines that explain a check, as text (JUnit failure, results.json). */
export function narrativeForCheck(n: Narrative, check: string): string[] {
  const ids = n.explains[check] ?? [];
  return n.lines.filter((l) => ids.includes(l.id)).map((l) => `${at(l.atMs)} ${l.text}${repeat(l)}`);
}

/** HTML links to the lines that explain a check ("see 3, 5"), for the checks table. */
export function narrativeRefsHtml(n: Narrative, check: string): string {
  const ids = n.explains[check] ?? [];
  return ids.length ? ` <span class="nl-refs">see ${ids.map((id) => `<a href="#${id}">${id.slice(3)}</a>`).join(", ")}</span>` : "";
}

/** Markdown: "(see what happened 3, 5)". */
export function narrativeRefsMarkdown(n: Narrative, check: string): string {
  const ids = n.explains[check] ?? [];
  return ids.length ? ` (see what happened ${ids.map((id) => id.slice(3)).join(", ")})` : "";
}

/**
 * The one mark per line that carries the line's anchor (`tl-<line id>`), across all nodes, so an
 * id is never drawn twice (several nodes log the same conflict): the line's earliest diamond,
 * else its earliest nodedown.
 */
const anchorCache = new WeakMap<Narrative, Map<string, NarrativeMark>>();
function anchors(n: Narrative): Map<string, NarrativeMark> {
  let out = anchorCache.get(n);
  if (out) return out;
  out = new Map();
  const better = (a: NarrativeMark, b: NarrativeMark) => (a.kind === "nodedown") !== (b.kind === "nodedown") ? b.kind === "nodedown" : a.atMs < b.atMs;
  for (const m of n.marks) {
    const cur = out.get(m.lineId);
    if (!cur || better(m, cur)) out.set(m.lineId, m);
  }
  anchorCache.set(n, out);
  return out;
}

/** Small diamonds on a node's strip for its recognised log events (one mark of each line, on whichever strip, carries the line's anchor). */
export function narrativeLaneMarks(c: Canvas, n: Narrative, node: string, top: number, h: number): string[] {
  const out: string[] = [];
  const anchor = anchors(n);
  for (const m of n.marks) {
    if (m.node !== node || m.kind === "nodedown") continue;
    const x = c.x(m.atMs);
    const y = top + h - 4;
    const id = anchor.get(m.lineId) === m ? { id: `tl-${m.lineId}` } : {};
    out.push(tip(`${node} at ${at(m.atMs)}: ${m.text}`, el("path", { d: `M${x},${y - 5}L${x + 4.5},${y}L${x},${y + 5}L${x - 4.5},${y}Z`, class: `nlog ${m.kind}`, "data-line": m.lineId, ...id })));
  }
  // nodedown lines anchor on the first nodedown of the line, which lanes.ts already draws: a hidden point there
  for (const m of n.marks) {
    if (m.node !== node || m.kind !== "nodedown" || anchor.get(m.lineId) !== m) continue;
    out.push(el("circle", { cx: c.x(m.atMs), cy: top + 4, r: 0.1, id: `tl-${m.lineId}`, class: "nl-anchor" }));
  }
  return out;
}

export const NARRATIVE_CSS = `
#narrative{margin-top:12px}
#narrative h2{margin:0 0 4px}
#narrative ol.narrative{margin:6px 0 0 0;padding-left:2.2em;font-size:14px;line-height:1.6}
#narrative li.nl a.t{display:inline-block;min-width:5.7em;font-family:ui-monospace,monospace;font-size:12.5px;color:#495057;text-decoration:none;margin-right:4px;white-space:nowrap}
#narrative li.nl a.t:hover{text-decoration:underline}
#narrative li.nl.diamond a.t::after{content:"\\25C6";margin-left:4px;color:#7048e8}
#narrative li.nl.diamond.crash a.t::after,#narrative li.nl.diamond.supervisor a.t::after{color:#c92a2a}
#narrative li.nl.diamond.name_conflict a.t::after{color:#e67700}
#narrative li.nl.fault,#narrative li.nl.heal{font-weight:600}
#narrative li.nl.check{color:#c92a2a}
#narrative li.nl:target{background:#fff3bf}
.nl-refs{font-size:12px;color:#495057}
path.nlog{fill:#7048e8;stroke:#212529;stroke-width:0.8}
path.nlog.crash,path.nlog.supervisor{fill:#c92a2a}
path.nlog.name_conflict{fill:#e67700}
path.nlog:target{stroke:#000;stroke-width:2}
path.nlog,circle.nl-anchor{scroll-margin-top:35vh}
`;
