/** SVG building blocks for the timeline: shapes with tooltips, label placement, scales. */
import { esc } from "./format.js";

export type Attrs = Record<string, string | number | undefined>;

export function attrs(a: Attrs): string {
  return Object.entries(a).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${esc(typeof v === "number" ? +v.toFixed(2) : v)}"`).join("");
}

export function el(tag: string, a: Attrs, inner = ""): string {
  return inner === "" && tag !== "text" && tag !== "g" ? `<${tag}${attrs(a)}/>` : `<${tag}${attrs(a)}>${inner}</${tag}>`;
}

/** A group with a native tooltip (`<title>`), which every browser shows on hover. */
export function tip(title: string, inner: string, a: Attrs = {}): string {
  return `<g${attrs(a)}><title>${esc(title)}</title>${inner}</g>`;
}

export function text(x: number, y: number, s: string, a: Attrs = {}): string {
  return el("text", { x, y, ...a }, esc(s));
}

/** Text with a white halo, readable over colored strips. */
export function haloText(x: number, y: number, s: string, a: Attrs = {}): string {
  return el("text", { x, y, class: "halo", ...a }, esc(s));
}

/** Approximate rendered width of a label in px (system-ui). */
export function textWidth(s: string, size = 11): number {
  return [...s].length * size * 0.6;
}

/**
 * Greedy row placement, left to right: each item goes to the first row where it does not
 * overlap the items already there (`gap` px apart). Returns each item's row (in the order
 * given) and the number of rows.
 */
export function placeRows(items: readonly { x0: number; x1: number }[], gap = 6): { rows: number[]; count: number } {
  const ends: number[] = [];
  const rows: number[] = new Array<number>(items.length).fill(0);
  const order = items.map((_, i) => i).sort((a, b) => items[a]!.x0 - items[b]!.x0 || a - b);
  for (const i of order) {
    const it = items[i]!;
    let r = ends.findIndex((end) => it.x0 >= end + gap);
    if (r < 0) {
      r = ends.length;
      ends.push(it.x1);
    } else ends[r] = it.x1;
    rows[i] = r;
  }
  return { rows, count: ends.length };
}

/** Tick step for a time axis of `spanMs` with at most ~`max` ticks. */
export function tickStep(spanMs: number, max = 14): number {
  const steps = [100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];
  return steps.find((s) => spanMs / s <= max) ?? steps.at(-1)!;
}

export function tickLabel(ms: number, step: number): string {
  if (step >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${step < 1000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`;
}

export const NODE_COLORS = ["#4e79a7", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#59a14f", "#e15759", "#79706e"];

export function nodeColor(nodes: readonly string[], node: string): string {
  const i = nodes.indexOf(node);
  return NODE_COLORS[(i < 0 ? 0 : i) % NODE_COLORS.length]!;
}

export const FAULT_COLORS: Record<string, string> = {
  partition: "#e76f51",
  oneway: "#f4a261",
  delay: "#e9c46a",
  bandwidth: "#e9c46a",
  pause: "#b392ac",
  kill: "#495057",
  stop: "#6c757d",
  restart: "#7209b7",
};

export const VERDICT_COLORS: Record<string, string> = { pass: "#2b9348", fail: "#d00000", unknown: "#e09f3e", skipped: "#868e96" };

export const DEFS = `<defs>
<pattern id="hatch-dead" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ced4da"/><line x1="0" y1="0" x2="0" y2="6" stroke="#868e96" stroke-width="2"/></pattern>
<pattern id="hatch-boot" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f1f3f5"/><line x1="0" y1="0" x2="0" y2="6" stroke="#dee2e6" stroke-width="2"/></pattern>
<pattern id="hatch-paused" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#4361ee" stroke-width="2" stroke-opacity="0.6"/></pattern>
<pattern id="hatch-silent" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="4" fill="#f8f9fa"/><line x1="0" y1="0" x2="0" y2="4" stroke="#adb5bd" stroke-width="1.5"/></pattern>
</defs>`;
