/** The timeline's drawing surface: its geometry and the x scale every section shares. */
import { el, text, textWidth } from "./svg.js";

export const W = 1180;
export const LEFT = 112;
export const RIGHT = 20;
export const PLOT = W - LEFT - RIGHT;
export const SUB = 11;
export const DETAILED_MAX_NODES = 12;

export class Canvas {
  readonly back: string[] = [];
  readonly parts: string[] = [];
  y = 0;
  constructor(readonly endMs: number) {}
  x(ms: number): number {
    return LEFT + (Math.min(Math.max(ms, 0), this.endMs) / this.endMs) * PLOT;
  }
  add(...s: string[]): void {
    this.parts.push(...s);
  }
  section(title: string, subtitle?: string): void {
    this.y += 14;
    this.add(el("line", { x1: 8, x2: W - RIGHT, y1: this.y, y2: this.y, class: "sep" }));
    this.y += 16;
    this.add(text(8, this.y, title, { class: "section-title" }));
    if (subtitle) this.add(text(Math.max(LEFT, 8 + textWidth(title, 12.5) + 14), this.y, subtitle, { class: "section-sub" }));
    this.y += 8;
  }
}
