/**
 * report.html: one self-contained page (no network fetches). This first version shows the
 * header, the verdict table and a timeline with a lane per node (fault windows shaded,
 * nodedown/nodeup marks). Built from the results and the history alone.
 */
import type { RunResults } from "./artifacts.js";
import type { HistoryEntry } from "./history.js";

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);

export function renderHtml(r: RunResults, history: readonly HistoryEntry[], startedAt: number): string {
  const end = Math.max(r.duration_ms, 1);
  const nodes = ((history.find((e) => e.type === "run_start")?.nodes as string[]) ?? []);
  const width = 1000, lane = 28, left = 60;
  const x = (t: number) => left + ((t - startedAt) / end) * width;
  const faults = history.filter((e) => e.type === "fault" && e.kind !== "heal");
  const heals = history.filter((e) => e.type === "fault" && e.kind === "heal").map((e) => e.t);
  const windows = faults.map((f) => {
    const close = heals.find((h) => h > f.t) ?? startedAt + end;
    return `<rect x="${x(f.t)}" y="0" width="${Math.max(2, x(close) - x(f.t))}" height="${nodes.length * lane}" fill="#f4a26133"><title>${esc(`${String(f.kind)} ${String(f.step)}`)}</title></rect>`;
  });
  const marks = history.flatMap((e) => {
    const ev = e.event as { event?: string; node?: string; reason?: string } | undefined;
    if (e.type !== "node_event" || (ev?.event !== "nodedown" && ev?.event !== "nodeup")) return [];
    const i = nodes.indexOf(String(e.node));
    if (i < 0) return [];
    const color = ev.event === "nodedown" ? "#d62828" : "#2a9d8f";
    return [`<circle cx="${x(e.t)}" cy="${i * lane + lane / 2}" r="4" fill="${color}"><title>${esc(`${String(e.node)}: ${ev.event} ${ev.node ?? ""} ${ev.reason ?? ""}`)}</title></circle>`];
  });
  const labels = nodes.map((n, i) => `<text x="4" y="${i * lane + lane / 2 + 4}">${esc(n)}</text><line x1="${left}" x2="${left + width}" y1="${i * lane + lane / 2}" y2="${i * lane + lane / 2}" stroke="#ddd"/>`);
  const rows = r.checks.map((c) => `<tr class="${c.verdict}"><td><code>${esc(c.name)}</code>${c.mid_run ? " (mid-run)" : ""}</td><td>${c.verdict}</td><td>${c.value_ms ?? ""}</td><td>${esc(c.detail)}</td></tr>`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>netsplit: ${esc(r.scenario)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
tr.pass td:nth-child(2){color:#2a9d8f}tr.fail td:nth-child(2){color:#d62828;font-weight:bold}tr.unknown td:nth-child(2){color:#e9c46a}tr.skipped td:nth-child(2){color:#888}
.verdict-pass{color:#2a9d8f}.verdict-fail{color:#d62828}.verdict-unknown{color:#b08900}</style></head><body>
<h1>${esc(r.scenario)}: <span class="verdict-${r.verdict}">${r.verdict.toUpperCase()}</span></h1>
<p>seed ${r.seed} · started ${esc(r.started_at)} · ${(r.duration_ms / 1000).toFixed(1)} s · OTP ${esc(r.versions.otp ?? "?")} · Elixir ${esc(r.versions.elixir ?? "?")} · Toxiproxy ${esc(r.versions.toxiproxy ?? "?")} · netsplit ${esc(r.versions.netsplit)} · kernel ${esc(JSON.stringify(r.kernel))}</p>
${r.error ? `<p><b>Run error:</b> ${esc(r.error)}</p>` : ""}
<h2>Timeline</h2><svg width="${left + width + 10}" height="${nodes.length * lane + 10}" font-size="12">${windows.join("")}${labels.join("")}${marks.join("")}</svg>
<h2>Checks</h2><table><tr><th>check</th><th>verdict</th><th>ms</th><th>detail</th></tr>${rows.join("")}</table>
</body></html>
`;
}
