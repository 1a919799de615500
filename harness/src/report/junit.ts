/**
 * junit.xml: one testcase per check. A failed check is a <failure> with the checker's sentence,
 * an unknown one an <error>, a skipped one <skipped>. A run error or a partial history is told
 * in the suite's <system-err> and properties, so the testcases stay one per check.
 */
import { xmlEsc as esc } from "./format.js";
import type { RunResults } from "./results.js";

export function renderJunit(r: RunResults): string {
  const count = (v: string) => r.checks.filter((c) => c.verdict === v).length;
  const suiteName = `netsplit.${r.scenario}`;
  const cases = r.checks.map((c) => {
    const name = c.mid_run ? `${c.name} (mid-run, ${c.source})` : c.name;
    const time = ((c.value_ms ?? 0) / 1000).toFixed(3);
    const open = `    <testcase classname="${esc(suiteName)}" name="${esc(name)}" time="${time}">`;
    // what the nodes logged that explains it (narrative/), after the checker's sentence
    const why = c.narrative?.length ? `\n\nWhat the nodes did (report.md, "What happened"):\n${c.narrative.join("\n")}` : "";
    const body = c.verdict === "fail" ? `<failure message="${esc(c.detail)}" type="fail">${esc(c.detail + why)}</failure>`
      : c.verdict === "unknown" ? `<error message="${esc(c.detail)}" type="unknown">${esc(c.detail + why)}</error>`
        : c.verdict === "skipped" ? `<skipped message="${esc(c.detail)}"/>`
          : `<system-out>${esc(c.detail)}</system-out>`;
    return `${open}${body}</testcase>`;
  });
  const errs = [r.partial ? `PARTIAL: ${r.partial_reason ?? ""}` : "", r.error ? `run error: ${r.error}` : ""].filter(Boolean);
  const totals = `tests="${r.checks.length}" failures="${count("fail")}" errors="${count("unknown")}" skipped="${count("skipped")}"`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="netsplit" ${totals} time="${(r.duration_ms / 1000).toFixed(3)}">`,
    `  <testsuite name="${esc(suiteName)}" ${totals} time="${(r.duration_ms / 1000).toFixed(3)}" timestamp="${esc(r.started_at.replace(/Z$/, ""))}">`,
    `    <properties><property name="seed" value="${r.seed}"/><property name="verdict" value="${r.verdict}"/><property name="partial" value="${r.partial}"/></properties>`,
    ...cases,
    ...(errs.length ? [`    <system-err>${esc(errs.join("\n"))}</system-err>`] : []),
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
