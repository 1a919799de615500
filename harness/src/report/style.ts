/** The report page's stylesheet, inlined so report.html opens from disk with no fetch. */
export const CSS = `
:root { --fg: #212529; --muted: #6c757d; --line: #dee2e6; --bg: #f6f7f9; --card: #fff;
  --pass: #2b9348; --fail: #d00000; --unknown: #c77800; --skipped: #868e96; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 24px; margin: 0; display: flex; align-items: center; gap: 14px; flex-wrap: wrap; }
h2 { font-size: 17px; margin: 28px 0 10px; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
a { color: #1d4ed8; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; }
header.card { border-top: 6px solid var(--muted); }
header.card.pass { border-top-color: var(--pass); } header.card.fail { border-top-color: var(--fail); } header.card.unknown { border-top-color: var(--unknown); }
.badge { font-size: 15px; font-weight: 700; letter-spacing: .04em; color: #fff; padding: 4px 12px; border-radius: 999px; background: var(--muted); }
.badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); } .badge.unknown { background: var(--unknown); }
.description { color: #343a40; margin: 6px 0 10px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
.meta dt { color: var(--muted); } .meta dd { margin: 0; }
.banner { margin: 12px 0 0; padding: 10px 14px; border-radius: 6px; font-weight: 600; }
.banner.partial { background: #fff3cd; border: 1px solid #e0a800; color: #6b4e00; }
.banner.error { background: #fde2e1; border: 1px solid #d00000; color: #7a0000; }
.cards { display: flex; gap: 10px; flex-wrap: wrap; margin-top: 12px; }
.timing { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 150px; }
.timing .v { font-size: 19px; font-weight: 700; } .timing .k { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; background: var(--card); width: 100%; }
th, td { border: 1px solid var(--line); padding: 5px 9px; text-align: left; vertical-align: top; }
th { background: #f1f3f5; font-weight: 600; }
table.compact { width: auto; min-width: 50%; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.verdict { font-weight: 700; white-space: nowrap; }
.verdict.pass { color: var(--pass); } .verdict.fail { color: var(--fail); } .verdict.unknown { color: var(--unknown); } .verdict.skipped { color: var(--skipped); }
tr.fail td { background: #fff5f5; }
#checks td:first-child { white-space: nowrap; }
.tag { font-size: 11px; color: var(--muted); border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; margin-left: 4px; }
.timeline-wrap { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 6px 0; overflow-x: auto; }
svg.timeline { display: block; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
svg .tick, svg .ytick { font-size: 10.5px; fill: #495057; }
svg .axis-title { font-size: 10.5px; fill: var(--muted); }
svg .grid { stroke: #e9ecef; stroke-width: 1; }
svg .guide { stroke-width: 1; stroke-dasharray: 3 3; }
svg .guide.fault { stroke: #e76f51; } svg .guide.heal, svg .guide.resume { stroke: #2a9d8f; } svg .guide.ready { stroke: #adb5bd; }
svg .sep { stroke: #e9ecef; }
svg .section-title { font-size: 12.5px; font-weight: 700; fill: #212529; }
svg .section-sub { font-size: 11px; fill: var(--muted); }
svg .fault-window { stroke: rgba(0,0,0,.25); fill-opacity: .9; }
svg .fault-window.open { stroke-dasharray: 4 2; }
svg .fault-label { font-size: 11.5px; font-weight: 600; fill: #343a40; }
svg .fault-label.inside { fill: #fff; }
svg .heal-mark { stroke: #2a9d8f; stroke-width: 2; }
svg .heal-label { font-size: 11px; font-weight: 600; fill: #1b7f74; }
svg .bracket { fill: none; stroke-width: 1.5; }
svg .bracket.detect { stroke: #b5451b; } svg .bracket.converge { stroke: #1b7f74; } svg .bracket.never { stroke: var(--fail); }
svg .bracket-label { font-size: 10.5px; } svg .bracket-label.detect { fill: #b5451b; } svg .bracket-label.converge { fill: #1b7f74; } svg .bracket-label.never { fill: var(--fail); font-weight: 700; }
svg .lane-bg { fill: #f1f3f5; }
svg .chart-bg { fill: #fbfbfc; stroke: #e9ecef; }
svg .lane-label { font-size: 13px; font-weight: 700; }
svg .peer-label { font-size: 9.5px; fill: #6c757d; }
svg .ops-lane-label { font-size: 10.5px; font-weight: 700; }
svg .op-bar.fast { fill: #adb5bd; } svg .op-bar.mid { fill: #f4a261; } svg .op-bar.slow { fill: #d62828; }
svg .op-bar.open { fill: #f8c4c4; stroke: #d62828; stroke-dasharray: 3 2; }
svg .op-bar-arrow { fill: #d62828; }
svg .ops-bar-label { font-size: 10px; font-weight: 600; fill: #fff; } svg .ops-bar-label.outside, svg .ops-bar-label.on-open { fill: #6a040f; }
svg .view.inferred { fill-opacity: .5; }
svg .lane-fault { fill: #f4a261; fill-opacity: .16; stroke: #e76f51; stroke-width: 1; stroke-dasharray: 4 3; }
svg .mark.nodedown { fill: #6a040f; } svg .mark.nodeup { fill: #1b4332; }
svg .halo { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg .mark-label { font-size: 10.5px; font-weight: 600; } svg .mark-label.nodedown { fill: #6a040f; } svg .mark-label.nodeup { fill: #1b4332; }
svg .state-label { font-size: 11px; font-weight: 700; fill: #212529; }
svg .ygrid { stroke: #eef0f2; }
svg .op-span { stroke-width: 2; stroke-opacity: .75; } svg .op-span.open { stroke-dasharray: 5 3; }
svg .op-arrow { fill: none; stroke-width: 2; }
svg .op-label { font-size: 10.5px; fill: #343a40; }
svg .legend { font-size: 11px; fill: #495057; }
svg .pg-count { font-size: 10px; font-weight: 700; fill: #212529; }
svg .horde-line { fill: none; stroke-width: 2; stroke: #4e79a7; } svg .horde-line.f1 { stroke: #f28e2b; } svg .horde-line.f2 { stroke: #59a14f; }
svg .check-label { font-size: 11.5px; font-weight: 600; }
svg .check-span { stroke-width: 1.5; fill: none; stroke-opacity: .7; }
svg #cursor { stroke: #495057; stroke-width: 1; pointer-events: none; }
svg #cursor-label { font-size: 11px; font-weight: 700; fill: #212529; pointer-events: none; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.legend-row { display: flex; gap: 18px; flex-wrap: wrap; color: #495057; font-size: 12px; margin: 8px 4px 0; }
.sw { display: inline-block; width: 14px; height: 10px; border-radius: 2px; vertical-align: -1px; margin-right: 5px; }
.matrices { display: flex; gap: 14px; flex-wrap: wrap; }
.matrix { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; }
.matrix table { width: auto; }
.matrix caption { text-align: left; font-size: 12.5px; padding-bottom: 4px; caption-side: top; }
.matrix td, .matrix th { padding: 2px 6px; text-align: center; font-size: 12.5px; }
.cell-up { background: #d8f3dc; color: #1b4332; } .cell-down { background: #e5383b; color: #fff; font-weight: 700; }
.cell-dead { background: #ced4da; color: #495057; } .cell-self { background: #f1f3f5; color: #adb5bd; }
details { margin-top: 10px; } summary { cursor: pointer; font-weight: 600; }
pre.scenario { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow-x: auto; }
.muted { color: var(--muted); }
ul.files { columns: 3; margin: 0; padding-left: 18px; }
`;
