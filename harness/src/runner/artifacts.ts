/**
 * What a run leaves besides its history: results.json (the contract's shape plus timings),
 * report.md (a summary for a CI job or a pull request), junit.xml (one testcase per check) and
 * report.html (a self-contained page). All of them are derived from the results and history
 * alone, so `netsplit report` can rebuild them.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { CheckResult } from "../checks/types.js";
import type { Scenario } from "../scenario/model.js";
import type { HistoryEntry } from "./history.js";
import { renderHtml } from "./html.js";

export interface RunResults {
  scenario: string;
  verdict: "pass" | "fail" | "unknown";
  seed: number;
  started_at: string;
  duration_ms: number;
  checks: { name: string; verdict: string; value_ms?: number; detail: string; source: string; mid_run: boolean; decided_at_ms: number; data?: unknown }[];
  error?: string;
  timings: { boot_ms?: number; faults: { step: string; kind: string; at_ms: number; apply_ms: number }[] };
  versions: { otp?: string; elixir?: string; toxiproxy?: string; netsplit: string };
  kernel: unknown;
}

export interface ArtifactInput {
  scenario: Pick<Scenario, "name" | "description" | "cluster">;
  seed: number;
  startedAt: number;
  endedAt: number;
  verdict: "pass" | "fail" | "unknown";
  checks: readonly CheckResult[];
  error: string | undefined;
  history: readonly HistoryEntry[];
}

const NETSPLIT_VERSION = "0.1.0";

export function buildResults(input: ArtifactInput): RunResults {
  const ready = input.history.find((e) => e.type === "cluster_ready");
  const faults = input.history.filter((e) => e.type === "fault").map((e) => ({
    step: String(e.step),
    kind: String(e.kind),
    at_ms: Math.round(Number(e.startedAt) - input.startedAt),
    apply_ms: Math.round((Number(e.appliedAt) - Number(e.startedAt)) * 10) / 10,
  }));
  return {
    scenario: input.scenario.name,
    verdict: input.verdict,
    seed: input.seed,
    started_at: new Date(input.startedAt).toISOString(),
    duration_ms: Math.round(input.endedAt - input.startedAt),
    checks: input.checks.map((c) => ({
      name: c.name,
      verdict: c.verdict,
      ...(c.value_ms !== undefined ? { value_ms: c.value_ms } : {}),
      detail: c.detail,
      source: c.source,
      mid_run: c.mid_run,
      decided_at_ms: Math.round(c.decided_at - input.startedAt),
      ...(c.data !== undefined ? { data: c.data } : {}),
    })),
    ...(input.error ? { error: input.error } : {}),
    timings: { ...(ready ? { boot_ms: Math.round(Number(ready.boot_ms)) } : {}), faults },
    versions: {
      ...(ready ? { otp: String(ready.otp), elixir: String(ready.elixir), toxiproxy: String(ready.toxiproxy) } : {}),
      netsplit: NETSPLIT_VERSION,
    },
    kernel: input.scenario.cluster.kernel,
  };
}

const ICON: Record<string, string> = { pass: "✅ pass", fail: "❌ fail", unknown: "❓ unknown", skipped: "⏭️ skipped" };

export function renderMarkdown(r: RunResults): string {
  const rows = r.checks.map((c) => `| \`${c.name}\`${c.mid_run ? " (mid-run)" : ""} | ${ICON[c.verdict] ?? c.verdict} | ${c.value_ms ?? ""} | ${c.detail.replaceAll("|", "\\|")} |`);
  const faults = r.timings.faults.map((f) => `${f.kind} at +${(f.at_ms / 1000).toFixed(2)}s (${f.apply_ms} ms)`).join(", ");
  return [
    `## netsplit: \`${r.scenario}\` — ${ICON[r.verdict] ?? r.verdict}`,
    "",
    `Seed ${r.seed} · ${(r.duration_ms / 1000).toFixed(1)} s · OTP ${r.versions.otp ?? "?"} · Elixir ${r.versions.elixir ?? "?"} · cluster boot ${r.timings.boot_ms ?? "?"} ms`,
    "",
    ...(r.error ? [`**Run error:** ${r.error}`, ""] : []),
    "| check | verdict | ms | detail |",
    "|---|---|---|---|",
    ...rows,
    "",
    ...(faults ? [`Faults: ${faults}`, ""] : []),
    "Files: [report.html](report.html) · [results.json](results.json) · [junit.xml](junit.xml) · [history.msgpack](history.msgpack) · [logs/](logs/)",
    "",
  ].join("\n");
}

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);

export function renderJunit(r: RunResults): string {
  const count = (v: string) => r.checks.filter((c) => c.verdict === v).length;
  const cases = r.checks.map((c) => {
    const name = `${c.name}${c.mid_run ? ` (mid-run, ${c.source})` : ""}`;
    const time = ((c.value_ms ?? 0) / 1000).toFixed(3);
    const open = `    <testcase classname="netsplit.${xml(r.scenario)}" name="${xml(name)}" time="${time}">`;
    if (c.verdict === "pass") return `${open}<system-out>${xml(c.detail)}</system-out></testcase>`;
    if (c.verdict === "skipped") return `${open}<skipped message="${xml(c.detail)}"/></testcase>`;
    if (c.verdict === "fail") return `${open}<failure message="${xml(c.detail)}" type="fail">${xml(c.detail)}</failure></testcase>`;
    return `${open}<error message="${xml(c.detail)}" type="unknown">${xml(c.detail)}</error></testcase>`;
  });
  if (r.error) cases.push(`    <testcase classname="netsplit.${xml(r.scenario)}" name="run"><error message="${xml(r.error)}" type="run_error"/></testcase>`);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="netsplit" tests="${cases.length}" failures="${count("fail")}" errors="${count("unknown") + (r.error ? 1 : 0)}" skipped="${count("skipped")}">`,
    `  <testsuite name="${xml(r.scenario)}" tests="${cases.length}" failures="${count("fail")}" errors="${count("unknown") + (r.error ? 1 : 0)}" skipped="${count("skipped")}" time="${(r.duration_ms / 1000).toFixed(3)}" timestamp="${r.started_at}">`,
    `    <properties><property name="seed" value="${r.seed}"/><property name="verdict" value="${r.verdict}"/></properties>`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}

export function writeArtifacts(runDir: string, input: ArtifactInput): RunResults {
  const results = buildResults(input);
  writeFileSync(path.join(runDir, "results.json"), JSON.stringify(results, null, 2) + "\n");
  writeFileSync(path.join(runDir, "report.md"), renderMarkdown(results));
  writeFileSync(path.join(runDir, "junit.xml"), renderJunit(results));
  writeFileSync(path.join(runDir, "report.html"), renderHtml(results, input.history, input.startedAt));
  return results;
}
