/**
 * report.html: one self-contained page (inline CSS and SVG, a few lines of inline JS for the
 * timeline's cursor; no fetch of any kind), drawn from the report model alone.
 */
import { at, duration, esc } from "./format.js";
import type { ReportModel } from "./model.js";
import { CSS } from "./style.js";
import { kernelOverridesText, type KernelOverride } from "./kernel-flags.js";
import { NARRATIVE_CSS, narrativeHtml, narrativeRefsHtml } from "../narrative/index.js";
import { renderTimeline, TIMELINE_SCRIPT } from "./timeline.js";
import type { MatrixCell } from "./topology.js";

export interface HtmlOptions {
  /** Files of the run directory to link (relative paths). */
  files?: readonly string[];
}

export function renderHtml(m: ReportModel, options: HtmlOptions = {}): string {
  const r = m.results;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`netsplit: ${r.scenario} ${r.verdict.toUpperCase()}${r.partial ? " (partial)" : ""}`)}</title>
<style>${CSS}${NARRATIVE_CSS}</style></head>
<body><main>
${header(m)}
${narrativeHtml(m.narrative)}
${timingCards(m)}
${checksTable(m)}
<section id="timeline"><h2>Timeline</h2>
<div class="timeline-wrap">${renderTimeline(m)}</div>
${legend()}
</section>
${matrices(m)}
${detections(m)}
${opsSummary(m)}
${metricsSection(m)}
${events(m)}
${files(options.files ?? [])}
${m.scenarioText !== undefined ? `<details id="scenario"><summary>Scenario file</summary><pre class="scenario">${esc(m.scenarioText)}</pre></details>` : ""}
<p class="muted">Made by netsplit ${esc(r.versions.netsplit)} from the run's history alone; rebuild with <code>netsplit report &lt;this directory&gt;</code>.</p>
</main>
<script>${TIMELINE_SCRIPT}</script>
</body></html>
`;
}

function header(m: ReportModel): string {
  const r = m.results;
  const v = r.versions;
  const kernel = Object.entries(r.kernel).map(([k, x]) => `<code>${esc(k)} ${esc(String(x))}</code>`).join(" ");
  const rows: [string, string][] = [
    ["seed", `<code>${r.seed}</code>`],
    ["started", `${esc(r.started_at.replace("T", " ").replace(/\.\d+Z$/, " UTC"))} · ran ${esc(duration(r.duration_ms))}`],
    ["cluster", `${r.nodes.length} nodes (${esc(r.nodes.join(", "))})${m.runtime ? ` · runtime ${esc(m.runtime)}` : ""}${m.reconnect ? ` · reconnect ${esc(m.reconnect)}` : ""}`],
    ["versions", `OTP <b>${esc(v.otp ?? "?")}</b> · Elixir <b>${esc(v.elixir ?? "?")}</b> · Toxiproxy <b>${esc(v.toxiproxy ?? "?")}</b> · netsplit <b>${esc(v.netsplit)}</b>`],
    ["kernel flags", (kernel || "?") + kernelOverridesHtml(r.kernel_overrides)],
  ];
  return `<header id="header" class="card ${r.verdict}" data-verdict="${r.verdict}" data-partial="${r.partial}">
<h1><span>${esc(r.scenario)}</span> <span class="badge ${r.verdict}" id="verdict">${r.verdict.toUpperCase()}</span>${r.partial ? ` <span class="badge unknown">PARTIAL</span>` : ""}</h1>
${m.description ? `<p class="description">${esc(m.description)}</p>` : ""}
<dl class="meta">${rows.map(([k, x]) => `<dt>${k}</dt><dd>${x}</dd>`).join("")}</dl>
${m.partialBanner ? `<p class="banner partial" id="partial-banner">${esc(m.partialBanner)}</p>` : ""}
${r.error ? `<p class="banner error" id="run-error">Run error: ${esc(r.error)}</p>` : ""}
</header>`;
}

/** After the kernel flags: where a node's effective flags differ from the scenario's (report/kernel-flags.ts). */
function kernelOverridesHtml(overrides: readonly KernelOverride[] | undefined): string {
  const text = kernelOverridesText(overrides);
  return text ? `<div id="kernel-overrides" class="banner partial">${esc(text)}</div>` : "";
}

function timingCards(m: ReportModel): string {
  const cards = m.keyTimings.map((t) => `<div class="timing" data-key="${esc(t.key)}"><div class="v">${esc(t.value)}</div><div class="k">${esc(t.label)}</div></div>`);
  return cards.length ? `<section id="key-timings" class="cards">${cards.join("")}</section>` : "";
}

function checksTable(m: ReportModel): string {
  const rows = m.results.checks.map((c) => `<tr class="${c.verdict}" data-check="${esc(c.name)}" data-verdict="${c.verdict}">
<td><code>${esc(c.name)}</code>${c.mid_run ? `<span class="tag">mid-run</span>` : ""}</td>
<td class="verdict ${c.verdict}">${c.verdict.toUpperCase()}</td>
<td class="num">${c.value_ms !== undefined ? esc(duration(c.value_ms)) : ""}</td>
<td>${esc(c.detail)}${c.verdict === "pass" ? "" : narrativeRefsHtml(m.narrative, c.name)}</td>
<td class="num">${c.decided_at_ms !== undefined ? esc(at(c.decided_at_ms)) : "—"}</td>
<td class="mono muted" title="${esc(c.source)}">${esc(shortSource(c.source))}</td></tr>`);
  return `<section id="checks"><h2>Checks</h2>${rows.length ? `<table><tr><th>check</th><th>verdict</th><th>measured</th><th>detail</th><th>decided</th><th>scenario</th></tr>${rows.join("")}</table>` : `<p class="muted">No check was decided.</p>`}</section>`;
}

function legend(): string {
  const sw = (style: string) => `<span class="sw" style="${style}"></span>`;
  return `<div class="legend-row">
<span>${sw("background:#95d5b2")}sees the peer</span><span>${sw("background:#95d5b280")}pale: inferred from the peer's events (the node had just restarted)</span><span>${sw("background:#e5383b")}does not see it</span>
<span>${sw("background:repeating-linear-gradient(45deg,#ced4da 0 3px,#868e96 3px 5px)")}node not running</span>
<span>${sw("background:#f4a26155;border:1px dashed #e76f51")}fault in force</span>
<span>▼ nodedown ▲ nodeup</span><span><svg width="9" height="9" viewBox="-4.5 -4.5 9 9"><path d="M0,-4L3.5,0L0,4L-3.5,0Z" class="nlog"/></svg> a node's log event (see What happened)</span><span>◆ check verdict</span><span class="muted">Hover anything for details.</span></div>`;
}

const CELL: Record<MatrixCell, string> = { up: "✓", down: "✗", dead: "†", self: "·" };

function matrices(m: ReportModel): string {
  const { nodes, snapshots } = m.topology;
  const tables = snapshots.map((s) => {
    const head = `<tr><th>sees →</th>${nodes.map((n) => `<th>${esc(n)}</th>`).join("")}</tr>`;
    const body = nodes.map((n) => `<tr><th>${esc(n)}</th>${nodes.map((p) => {
      const c = s.matrix[n]?.[p] ?? "up";
      return `<td class="view-cell cell-${c}" data-node="${esc(n)}" data-peer="${esc(p)}" data-state="${c}">${CELL[c]}</td>`;
    }).join("")}</tr>`).join("");
    return `<div class="matrix" data-at-ms="${s.atMs.toFixed(0)}"><table><caption><b>${esc(at(s.atMs))}</b> · ${esc(s.label)}</caption>${head}${body}</table></div>`;
  });
  return `<section id="views"><h2>Each node's view at key moments</h2>
<p class="muted">Row = the observing node, column = the peer: ✓ connected, ✗ not connected, † the observer is not running. Taken when the cluster was ready, just before each fault and heal, and at the end; identical views are shown once.</p>
<div class="matrices">${tables.join("") || `<p class="muted">The cluster never became ready.</p>`}</div></section>`;
}

function detections(m: ReportModel): string {
  const d = m.topology.detections.map((x) => {
    const times = x.observed.map((o) => o.ms);
    const reasons = [...new Set(x.observed.map((o) => o.reason))].map((r) => `${r} ×${x.observed.filter((o) => o.reason === r).length}`).join(", ");
    return `<tr data-step="${esc(x.step)}"><td>${esc(x.label)} <span class="muted">(${esc(x.step)})</span></td><td class="num">${esc(at(x.atMs))}</td><td class="num">${x.observed.length} / ${x.expected}</td>
<td class="num">${times.length ? esc(duration(Math.min(...times))) : "—"}</td><td class="num">${times.length ? esc(duration(Math.max(...times))) : "—"}</td><td>${esc(reasons)}${x.missing.length ? `<br><b>never noticed:</b> ${esc(x.missing.map((p) => `${p.node}→${p.peer}`).join(", "))}` : ""}</td></tr>`;
  });
  const c = m.topology.convergence.map((x) => `<tr data-step="${esc(x.step)}"><td>${esc(x.label)} <span class="muted">(${esc(x.step)})</span></td><td class="num">${esc(at(x.atMs))}</td><td class="num">${x.meshMs === null ? "<b>never</b>" : esc(duration(x.meshMs))}</td></tr>`);
  const obs = m.topology.detections.flatMap((x) => x.observed.map((o) => `<tr><td>${esc(x.label)}</td><td>${esc(o.node)} → ${esc(o.peer)}</td><td class="num">${esc(duration(o.ms))}</td><td>${esc(o.reason)}</td></tr>`));
  return `<section id="detection"><h2>Detection and convergence</h2>
${d.length ? `<table class="compact"><tr><th>fault</th><th>at</th><th>links noticed</th><th>first nodedown</th><th>last nodedown</th><th>reasons</th></tr>${d.join("")}</table>` : `<p class="muted">No cut or node fault to detect.</p>`}
${c.length ? `<table class="compact" style="margin-top:10px"><tr><th>heal</th><th>applied</th><th>to full mesh</th></tr>${c.join("")}</table>` : ""}
${obs.length ? `<details><summary>Every nodedown across a cut (${obs.length})</summary><table class="compact"><tr><th>fault</th><th>observer → peer</th><th>after</th><th>reason</th></tr>${obs.slice(0, 500).join("")}</table></details>` : ""}
</section>`;
}

function opsSummary(m: ReportModel): string {
  if (m.ops.length === 0) return "";
  const rows = m.topology.nodes.filter((n) => m.ops.some((o) => o.node === n)).map((n) => {
    const mine = m.ops.filter((o) => o.node === n);
    const done = mine.filter((o) => o.status === "ok" || o.status === "late").map((o) => o.durationMs).sort((a, b) => a - b);
    const open = mine.filter((o) => o.status === "blocked" || o.status === "in_flight");
    const worst = done.at(-1);
    return `<tr data-node="${esc(n)}"><td>${esc(n)}</td><td class="num">${mine.length}</td><td class="num">${done.length ? esc(duration(done[Math.floor(done.length / 2)]!)) : "—"}</td><td class="num">${worst !== undefined ? esc(duration(worst)) : "—"}</td>
<td>${open.map((o) => `#${o.seq ?? "?"} from ${esc(at(o.startMs))}: no result for more than ${esc(duration(o.durationMs))}`).join("<br>") || "—"}</td></tr>`;
  });
  return `<section id="ops"><h2>Global ops per node</h2><table class="compact"><tr><th>node</th><th>ops</th><th>median</th><th>worst finished</th><th>without a result at the end</th></tr>${rows.join("")}</table></section>`;
}

function metricsSection(m: ReportModel): string {
  if (m.metrics.length === 0) return `<section id="toxiproxy"><h2>Toxiproxy counters</h2><p class="muted">No Toxiproxy metrics were recorded in this run.</p></section>`;
  const rows = m.metrics.map((s, i) => {
    const prev = m.metrics[i - 1];
    const delta = prev ? s.sent - prev.sent : undefined;
    return `<tr><td class="num">${esc(at(s.atMs))}</td><td>${esc(s.phase)} <code>${esc(s.step)}</code></td><td class="num">${s.received}</td><td class="num">${s.sent}</td><td class="num">${delta === undefined ? "" : delta}</td></tr>`;
  });
  return `<section id="toxiproxy"><h2>Toxiproxy counters</h2>
<details><summary>Bytes counted by Toxiproxy over every netsplit proxy, before and after each fault (${m.metrics.length} snapshots)</summary>
<p class="muted">As Toxiproxy reports them (<code>-proxy-metrics</code>); kept as evidence, not used by any check: these counters have looked unreliable with long-lived connections.</p>
<table class="compact"><tr><th>at</th><th>snapshot</th><th>received</th><th>sent</th><th>sent since previous</th></tr>${rows.join("")}</table></details></section>`;
}

function events(m: ReportModel): string {
  const rows = m.log.map((l) => `<tr class="ev ${esc(l.kind)}"><td class="num">${esc(at(l.atMs))}</td><td>${esc(l.node)}</td><td>${esc(l.text)}</td></tr>`);
  return `<section id="events"><h2>Event log</h2><details><summary>${m.log.length} events: nodeup/nodedown with reasons, node states, faults, checks</summary>
<table><tr><th>at</th><th>node</th><th>event</th></tr>${rows.join("")}</table></details></section>`;
}

function files(list: readonly string[]): string {
  if (list.length === 0) return "";
  return `<section id="files"><h2>Files</h2><ul class="files">${list.map((f) => `<li><a href="${esc(f)}">${esc(f)}</a></li>`).join("")}</ul></section>`;
}

/** "scenarios/x.yaml:25:12" -> "line 25". */
function shortSource(source: string): string {
  const m = /:(\d+):\d+$/.exec(source);
  return m ? `line ${m[1]}` : source;
}
