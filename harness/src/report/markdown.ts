/** report.md: a short summary for a CI job summary or a pull-request comment. */
import { duration, VERDICT_ICON } from "./format.js";
import type { ReportModel } from "./model.js";

const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");

export function renderMarkdown(m: ReportModel): string {
  const r = m.results;
  const v = r.versions;
  const kernel = Object.entries(r.kernel).map(([k, x]) => `${k} ${String(x)}`).join(", ");
  const checks = r.checks.map((c) => `| \`${c.name}\`${c.mid_run ? " (mid-run)" : ""} | ${VERDICT_ICON[c.verdict] ?? ""} ${c.verdict} | ${c.value_ms !== undefined ? duration(c.value_ms) : ""} | ${cell(c.detail)} |`);
  const timings = m.keyTimings.map((t) => `| ${cell(t.label)} | ${t.value} |`);
  return [
    `## ${VERDICT_ICON[r.verdict] ?? ""} netsplit \`${r.scenario}\`: ${r.verdict.toUpperCase()}${r.partial ? " (partial)" : ""}`,
    "",
    ...(m.partialBanner ? [`> **${m.partialBanner}**`, ""] : []),
    ...(r.error ? [`> **Run error:** ${r.error}`, ""] : []),
    ...(m.description ? [m.description, ""] : []),
    `Seed ${r.seed} · ${duration(r.duration_ms)} · ${r.nodes.length} nodes · OTP ${v.otp ?? "?"} · Elixir ${v.elixir ?? "?"} · Toxiproxy ${v.toxiproxy ?? "?"} · netsplit ${v.netsplit} · kernel: ${kernel || "?"}`,
    ...(m.phases.length ? ["", `Where the time went: ${m.phases.map((p) => `${p.name} ${duration(p.ms)}`).join(" · ")}`] : []),
    "",
    ...(checks.length ? ["| check | verdict | measured | detail |", "|---|---|---|---|", ...checks, ""] : ["No check was decided.", ""]),
    ...(timings.length ? ["| key timing | |", "|---|---|", ...timings, ""] : []),
    "Files: [report.html](report.html) · [results.json](results.json) · [junit.xml](junit.xml) · [scenario.yaml](scenario.yaml) · [history.msgpack](history.msgpack) · [logs/](logs/)",
    "",
  ].join("\n");
}
