/** Small formatting helpers shared by the renderers. */

const HTML_ESCAPES: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[<>&"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Escapes text for XML content and attribute values (only the five predefined entities). */
export function xmlEsc(value: unknown): string {
  return esc(value).replaceAll("&#39;", "&apos;");
}

/** A duration for people: `850 ms`, `4.72 s`, `2 min 5 s`. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return "?";
  const abs = Math.abs(ms);
  if (ms === 0) return "0 ms";
  if (abs < 1) return `${ms.toFixed(2)} ms`;
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return Number.isInteger(ms / 1000) ? `${ms / 1000} s` : `${(ms / 1000).toFixed(abs < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(abs / 60_000);
  const sec = Math.round((abs - m * 60_000) / 1000);
  return `${ms < 0 ? "-" : ""}${m} min${sec ? ` ${sec} s` : ""}`;
}

/** A moment of the run, relative to its start: `+6.12 s`. */
export function at(ms: number): string {
  return `+${(ms / 1000).toFixed(2)} s`;
}

/** Rounds to one decimal (timings keep 0.1 ms resolution in results.json). */
export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

export const VERDICT_ICON: Record<string, string> = { pass: "✅", fail: "❌", unknown: "❓", skipped: "⏭️" };

/** A range of durations: `4.08–4.46 s`, `80–950 ms`, or one value when they are close. */
export function durationRange(fromMs: number, toMs: number): string {
  if (toMs - fromMs <= Math.max(10, fromMs * 0.02)) return duration(fromMs);
  const a = duration(fromMs);
  const b = duration(toMs);
  const unit = (s: string) => s.replace(/^[-0-9.]+ /, "");
  return unit(a) === unit(b) && !a.includes("min") ? `${a.replace(/ \S+$/, "")}–${b}` : `${a}–${b}`;
}
