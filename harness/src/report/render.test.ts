import { parse } from "node-html-parser";
import { describe, expect, it } from "vitest";
import { renderHtml } from "./html.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { buildReportModel } from "./model.js";
import { buildResults, type RunResults } from "./results.js";
import { loadFixture } from "./testdata/fixtures.js";
import { parseJunit } from "./testdata/junit.js";

const split = loadFixture("majority-minority-split");
const model = buildReportModel(split);

describe("junit.xml", () => {
  it("has one testcase per check of a real run, all passing", () => {
    const r = buildResults(split);
    const { suites, suite, cases } = parseJunit(renderJunit(r));
    expect(cases.map((c) => c["@_name"])).toEqual(r.checks.map((c) => (c.mid_run ? `${c.name} (mid-run, ${c.source})` : c.name)));
    expect(suite["@_tests"]).toBe(String(r.checks.length));
    expect(suites["@_failures"]).toBe("0");
    for (const c of cases) {
      expect(c.failure).toBeUndefined();
      expect(c["@_classname"]).toBe("netsplit.majority-minority-split");
    }
  });

  it("has failures with the checker's sentence, errors for unknown, skipped for skipped, escaped", () => {
    const base = buildResults(split);
    const detail = `n1 sees [n2] <not> "n3" & 'n4'`;
    const r: RunResults = {
      ...base,
      verdict: "fail",
      checks: [
        { name: "cluster.mesh", verdict: "fail", detail, source: "x.yaml:1:1", mid_run: false, decided_at_ms: 1, value_ms: 1500 },
        { name: "horde.unique", verdict: "skipped", detail: "Horde is not available", source: "x.yaml:2:1", mid_run: false, decided_at_ms: 2 },
        { name: "pg.converged", verdict: "unknown", detail: "could not ask n3: timeout", source: "x.yaml:3:1", mid_run: false, decided_at_ms: 3 },
        { name: "global.blocking", verdict: "pass", detail: "ok", source: "x.yaml:4:1", mid_run: false, decided_at_ms: 4 },
      ],
      error: "boom",
    };
    const { suite, cases } = parseJunit(renderJunit(r));
    expect(suite).toMatchObject({ "@_tests": "4", "@_failures": "1", "@_errors": "1", "@_skipped": "1" });
    expect(cases[0]!.failure!["@_message"]).toBe(detail);
    expect(cases[0]!.failure!["#text"]).toBe(detail);
    expect(cases[0]!["@_time"]).toBe("1.500");
    expect(cases[1]!.skipped!["@_message"]).toBe("Horde is not available");
    expect(cases[2]!.error!["@_message"]).toBe("could not ask n3: timeout");
    expect(cases[3]!.failure).toBeUndefined();
    expect(suite["system-err"]).toBe("run error: boom");
  });
});

describe("report.md", () => {
  const md = renderMarkdown(model);
  it("has the verdict, a table row per check, the key timings and links to the other files", () => {
    expect(md).toMatch(/^## ✅ netsplit `majority-minority-split`: PASS\n/);
    for (const c of model.results.checks) expect(md).toContain(`| \`${c.name}\`${c.mid_run ? " (mid-run)" : ""} | ✅ pass |`);
    expect(md).toContain("| cluster boot |");
    expect(md).toMatch(/\| partition n1 n2 n3 \\\| n4 n5 \(blackhole\) detected \(12\/12 links\) \| \d\.\d\d–\d\.\d\d s \|/);
    expect(md).toContain("[report.html](report.html)");
    expect(md).toContain("[junit.xml](junit.xml)");
    expect(md.split("\n").length).toBeLessThan(40);
  });
});

describe("report.html", () => {
  const html = renderHtml(model, { files: ["results.json", "logs/n1.log"] });
  const doc = parse(html);

  it("is self-contained: no external script, style, image or font", () => {
    expect(doc.querySelectorAll("link")).toHaveLength(0);
    expect(doc.querySelectorAll("[src]")).toHaveLength(0);
    expect(html).not.toMatch(/url\((?!#)/);
    expect(html).not.toMatch(/@import/);
  });

  it("has a header with the scenario, verdict, seed, versions and kernel flags", () => {
    const header = doc.querySelector("#header")!;
    expect(header.getAttribute("data-verdict")).toBe("pass");
    expect(doc.querySelector("#verdict")!.text).toBe("PASS");
    expect(header.text).toContain("majority-minority-split");
    expect(header.text).toMatch(/seed\s*42/);
    expect(header.text).toMatch(/OTP 25 · Elixir 1\.14\.0 · Toxiproxy git · netsplit 0\.1\.0/);
    expect(header.text).toContain("net_ticktime 4");
    expect(header.text).toContain("prevent_overlapping_partitions true");
    expect(doc.querySelector("#partial-banner")).toBeNull();
  });

  it("has a lane per node with its view of every peer, fault windows and nodedown/nodeup marks with reasons", () => {
    const lanes = doc.querySelectorAll("g.lane");
    expect(lanes.map((l) => l.getAttribute("data-node"))).toEqual(["n1", "n2", "n3", "n4", "n5"]);
    for (const lane of lanes) {
      const peers = new Set(lane.querySelectorAll("rect.view").map((v) => v.getAttribute("data-peer")));
      expect(peers.size).toBe(4);
      expect(lane.querySelectorAll("rect.lane-fault").length).toBe(1);
    }
    expect(doc.querySelectorAll("rect.fault-window").map((f) => f.getAttribute("data-kind"))).toEqual(["partition"]);
    const downs = doc.querySelectorAll("path.mark.nodedown");
    expect(downs).toHaveLength(12);
    expect(new Set(downs.map((d) => d.getAttribute("data-reason")))).toEqual(new Set(["net_tick_timeout", "connection_closed"]));
    expect(doc.querySelectorAll("path.mark.nodeup")).toHaveLength(12);
    expect(doc.querySelectorAll("text.mark-label").some((t) => t.text.includes("net_tick_timeout"))).toBe(true);
  });

  it("has the view matrices, the op latencies, pg membership, the Horde note and each check at its moment", () => {
    const matrices = doc.querySelectorAll("#views .matrix");
    expect(matrices).toHaveLength(3);
    expect(matrices[1]!.querySelectorAll("td.view-cell[data-state=down]")).toHaveLength(12);
    expect(doc.querySelectorAll("#ops-chart circle.op").length).toBe(model.ops.length);
    expect(doc.querySelectorAll(".pg-chart g.pg").length).toBeGreaterThan(5);
    expect(doc.querySelector("#timeline")!.text).toContain("No Horde census in this run");
    const markers = doc.querySelectorAll("g.check-marker");
    expect(markers.map((k) => k.getAttribute("data-check"))).toEqual(model.results.checks.map((c) => c.name));
    for (const k of markers) {
      const c = model.results.checks.find((x) => x.name === k.getAttribute("data-check"))!;
      expect(k.getAttribute("data-verdict")).toBe(c.verdict);
      expect(k.getAttribute("data-at-ms")).toBe(String(c.decided_at_ms));
      expect(k.getAttribute("data-value-ms")).toBe(String(c.value_ms));
    }
  });

  it("has the checks table, detection and convergence, the event log and the files", () => {
    expect(doc.querySelectorAll("#checks tr[data-check]")).toHaveLength(6);
    expect(doc.querySelector("#detection")!.text).toContain("12 / 12");
    expect(doc.querySelectorAll("#events tr.ev.nodedown")).toHaveLength(12);
    expect(doc.querySelectorAll("#files a").map((a) => a.getAttribute("href"))).toEqual(["results.json", "logs/n1.log"]);
  });

  it("says PARTIAL at the top for a run that never ended", () => {
    const t0 = split.entries[0]!.t;
    const cut = { ...split, entries: split.entries.filter((e) => e.t - t0 < 3000) };
    const page = parse(renderHtml(buildReportModel(cut)));
    expect(page.querySelector("#header")!.getAttribute("data-partial")).toBe("true");
    expect(page.querySelector("#partial-banner")!.text).toMatch(/^PARTIAL: the run ended before its steps finished/);
    expect(page.querySelector("#verdict")!.text).toBe("UNKNOWN");
  });
});

describe("report.md: where the run's time went", () => {
  it("shows each phase's duration in one line, and nothing for a history from before phases were recorded", () => {
    expect(renderMarkdown(model)).not.toContain("Where the time went");
    const t = split.entries.at(-1)!.t;
    const phases = [["prepare", 3], ["boot", 1200], ["workloads", 310], ["timeline", 12_400], ["final_heal", 12], ["checks", 2100], ["cleanup", 420]] as const;
    const entries = [...split.entries, ...phases.map(([name, ms]) => ({ t, type: "phase", name, ms }))];
    const md = renderMarkdown(buildReportModel({ ...split, entries }));
    expect(md).toContain("\nWhere the time went: prepare 3 ms · boot 1.20 s · workloads 310 ms · timeline 12.4 s · final heal 12 ms · checks 2.10 s · cleanup 420 ms\n");
  });
});
