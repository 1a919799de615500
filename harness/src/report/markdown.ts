/** report.md: a short summary for a CI job summary or a pull-request comment. */
import { duration, VERDICT_ICON } from "./format.js";
import type { ReportModel } from "./model.js";
import { operationsMarkdown } from "./operations.js";
import { kernelOverridesText } from "./kernel-flags.js";
import { narrativeMarkdown, narrativeRefsMarkdown } from "../narrative/index.js";

const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");

export function renderMarkdown(m: ReportModel): string {
  const r = m.results;
  const v = r.versions;
  const kernel = Object.entries(r.kernel).map(([k, x]) => `${k} ${String(x)}`).join(", ");
  const checks = r.checks.map((c) => `| \`${c.name}\`${c.mid_run ? " (mid-run)" : ""} | ${VERDICT_ICON[c.verdict] ?? ""} ${c.verdict} | ${c.value_ms !== undefined ? duration(c.value_ms) : ""} | ${cell(c.detail)}${c.verdict === "pass" ? "" : narrativeRefsMarkdown(m.narrative, c.name)} |`);
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
    ...kernelMarkdown(r.kernel_overrides),
    ...narrativeMarkdown(m.narrative),
    ...(checks.length ? ["| check | verdict | measured | detail |", "|---|---|---|---|", ...checks, ""] : ["No check was decided.", ""]),
    ...operationsMarkdown(r.clients, r.checks),
    ...(timings.length ? ["| key timing | |", "|---|---|", ...timings, ""] : []),
    ...causalityMarkdown(m),
    "Files: [report.html](report.html) · [results.json](results.json) · [junit.xml](junit.xml) · [scenario.yaml](scenario.yaml) · [history.msgpack](history.msgpack) · [logs/](logs/)",
    "",
  ].join("\n");
}

/** Each fault's first effect and each heal's last effect (narrative/causality.ts). */
function causalityMarkdown(m: ReportModel): string[] {
  const c = m.narrative.causality;
  const rows = [
    ...c.faults.map((f) => `| ${cell(f.label)} | first effect | ${f.first_effect_ms === null ? "none seen" : `${duration(f.first_effect_ms)} (${cell(f.first_effect ?? "")})`} |`),
    ...c.heals.map((h) => `| ${cell(h.label)} | last effect | ${h.last_effect_ms === null ? "never whole again" : `${duration(h.last_effect_ms)}${h.last_node ? ` (${h.last_node} last saw the full mesh)` : ""}`} |`),
  ];
  return rows.length ? ["| fault or heal | | after |", "|---|---|---|", ...rows, ""] : [];
}

/** A line when a node's effective kernel flags differ from the scenario's (report/kernel-flags.ts). */
function kernelMarkdown(overrides: Parameters<typeof kernelOverridesText>[0]): string[] {
  const text = kernelOverridesText(overrides);
  return text ? [`> **Kernel flags:** ${text}.`, ""] : [];
}
