/**
 * Reports of real runs: real BEAM nodes behind a real Toxiproxy. A finished run's junit.xml is
 * checked against its results.json with an XML parser, its report.html for every element, and
 * (with Debian's chromium) its screenshot; a runner SIGKILLed mid-run leaves a history that
 * `netsplit report` turns into a partial report; several scenarios get a combined summary.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "node-html-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../cli/io.js";
import { runCli } from "../cli/main.js";
import { History } from "../run/history.js";
import { sweepLeftovers } from "../runtime/reaper.js";
import { allProcesses, isRunning } from "../testing/procs.js";
import { REPO_ROOT } from "../util/paths.js";
import { parseJunit } from "./testdata/junit.js";
import type { RunResults } from "./results.js";
import { CHROMIUM, screenshotReport } from "./screenshot.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "netsplit-report-int-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const readJson = <T>(file: string) => JSON.parse(readFileSync(file, "utf8")) as T;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | false): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** True while `pid` is a live (not zombie) process whose command line contains `marker`. */
function alive(pid: number, marker: string): boolean {
  return isRunning(pid) && (allProcesses().find((p) => p.pid === pid)?.cmdline.includes(marker) ?? false);
}

describe("the reports of a real run", () => {
  let runDir = "";
  let results: RunResults;

  beforeAll(async () => {
    const out = path.join(tmp, "real");
    const r = await cli("run", path.join(REPO_ROOT, "scenarios/majority-minority-split.yaml"), "--out", out);
    expect(r.err).toBe("");
    runDir = realpathSync(path.join(out, "majority-minority-split", "latest"));
    results = readJson<RunResults>(path.join(runDir, "results.json"));
    expect(r.code).toBe(results.verdict === "pass" ? EXIT.pass : results.verdict === "fail" ? EXIT.fail : EXIT.unknown);
  });

  it("keeps the scenario, the history, every node's log and Toxiproxy's", () => {
    for (const f of ["scenario.yaml", "history.msgpack", "results.json", "report.md", "report.html", "junit.xml", "logs/toxiproxy.log", ...["n1", "n2", "n3", "n4", "n5"].map((n) => `logs/${n}.log`)]) {
      expect(existsSync(path.join(runDir, f)), f).toBe(true);
    }
    const { entries, truncated } = History.read(path.join(runDir, "history.msgpack"));
    expect(truncated).toBe(false);
    const types = new Set(entries.map((e) => e.type));
    for (const t of ["run_start", "cluster_ready", "fault", "node_event", "check", "pg_sample", "toxiproxy_metrics", "run_end"]) expect(types.has(t), t).toBe(true);
  });

  it("results.json has the contract's shape, and junit.xml parses and agrees with it", () => {
    expect(results).toMatchObject({ scenario: "majority-minority-split", seed: 42, partial: false });
    expect(results.checks.length).toBe(6);
    const { suite, cases } = parseJunit(readFileSync(path.join(runDir, "junit.xml"), "utf8"));
    expect(suite["@_tests"]).toBe(String(results.checks.length));
    expect(suite["@_failures"]).toBe(String(results.checks.filter((c) => c.verdict === "fail").length));
    expect(suite["@_skipped"]).toBe(String(results.checks.filter((c) => c.verdict === "skipped").length));
    results.checks.forEach((c, i) => {
      const tc = cases[i]!;
      expect(tc["@_name"].startsWith(c.name)).toBe(true);
      if (c.verdict === "fail") expect(tc.failure!["@_message"]).toBe(c.detail);
      else expect(tc.failure).toBeUndefined();
      if (c.verdict === "skipped") expect(tc.skipped!["@_message"]).toBe(c.detail);
    });
    expect(results.timings.detections[0]).toMatchObject({ expected: 12, detected: 12 });
    expect(results.timings.convergence[0]!.mesh_ms).not.toBeNull();
  });

  it("report.html has every element", () => {
    const doc = parse(readFileSync(path.join(runDir, "report.html"), "utf8"));
    const header = doc.querySelector("#header")!;
    expect(header.getAttribute("data-verdict")).toBe(results.verdict);
    expect(header.text).toMatch(/OTP \d+ · Elixir [\d.]+ · Toxiproxy \S+ · netsplit \d+\.\d+\.\d+/);
    expect(header.text).toContain("net_ticktime 4");
    expect(header.text).toMatch(/seed\s*42/);
    expect(doc.querySelectorAll("g.lane").map((l) => l.getAttribute("data-node"))).toEqual(["n1", "n2", "n3", "n4", "n5"]);
    expect(doc.querySelectorAll("rect.fault-window[data-kind=partition]")).toHaveLength(1);
    expect(doc.querySelectorAll("rect.lane-fault").length).toBe(5);
    expect(doc.querySelectorAll("path.mark.nodedown").every((m) => m.getAttribute("data-reason"))).toBe(true);
    expect(doc.querySelectorAll("path.mark.nodedown")).toHaveLength(12);
    expect(doc.querySelectorAll("path.mark.nodeup").length).toBeGreaterThanOrEqual(12);
    expect(doc.querySelectorAll("#views .matrix").length).toBeGreaterThanOrEqual(3);
    expect(doc.querySelectorAll("#views td[data-state=down]").length).toBeGreaterThanOrEqual(12);
    expect(doc.querySelectorAll("#ops-chart circle.op").length).toBeGreaterThan(5);
    expect(doc.querySelectorAll(".pg-chart g.pg").length).toBeGreaterThan(5);
    expect(doc.querySelector("#timeline")!.text).toMatch(/No Horde census in this run|horde/);
    expect(doc.querySelectorAll("g.check-marker").map((k) => `${k.getAttribute("data-check")}:${k.getAttribute("data-verdict")}:${k.getAttribute("data-at-ms")}`))
      .toEqual(results.checks.map((c) => `${c.name}:${c.verdict}:${c.decided_at_ms}`));
    expect(doc.querySelectorAll("#toxiproxy tr").length).toBeGreaterThan(2);
    expect(doc.querySelectorAll("link, [src]")).toHaveLength(0);
  });

  it("netsplit report rebuilds the same results.json from the history alone", async () => {
    const before = readFileSync(path.join(runDir, "results.json"), "utf8");
    rmSync(path.join(runDir, "results.json"));
    rmSync(path.join(runDir, "report.html"));
    const r = await cli("report", runDir);
    expect(r.code).toBe(EXIT.pass);
    expect(readFileSync(path.join(runDir, "results.json"), "utf8")).toBe(before);
    expect(existsSync(path.join(runDir, "report.html"))).toBe(true);
  });

  it.skipIf(!existsSync(CHROMIUM))(`a screenshot in headless Chromium (${CHROMIUM}) is not blank and fetched nothing`, async () => {
    const png = path.join(runDir, "report.png");
    const shot = await screenshotReport(path.join(runDir, "report.html"), png, { more: { "#timeline": path.join(runDir, "timeline.png") } });
    expect(shot.externalRequests).toEqual([]);
    expect(shot.pageErrors).toEqual([]);
    expect(shot.stats.width).toBe(1300);
    expect(shot.stats.height).toBeGreaterThan(1500);
    expect(shot.stats.colors).toBeGreaterThan(100);
    expect(shot.stats.inkShare).toBeGreaterThan(0.1);
    const keep = process.env.NETSPLIT_KEEP_SCREENSHOT;
    if (keep) writeFileSync(keep, readFileSync(png));
  });
});

if (!existsSync(CHROMIUM)) {
  process.stderr.write(`report.int.test.ts: SKIPPED the screenshot test: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)\n`);
}

describe("a runner killed in the middle of a run", () => {
  it("leaves a history from which netsplit report builds a partial report, and no node behind", async () => {
    const out = path.join(tmp, "killed");
    const file = path.join(tmp, "long-wait.yaml");
    writeFileSync(file, `netsplit: 1
name: long-wait
description: Isolate n3 and wait a minute (the test kills the runner during the wait).
seed: 1
cluster: { nodes: 3, kernel: { net_ticktime: 4 } }
workload:
  pg: [{ scope: demo, group: workers, per_node: 1 }]
steps:
  - partition: { isolate: n3, mode: blackhole }
  - wait: 60s
  - heal: all
checks:
  - cluster.mesh: { within: 5s }
  - pg.converged: { within: 5s }
`);
    const child = spawn(process.execPath, [path.join(REPO_ROOT, "bin/netsplit.js"), "run", file, "--out", out], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    const historyFile = path.join(out, "long-wait", "latest", "history.msgpack");
    const entries = await until(`the partition and the start of steps[1] in ${historyFile} (runner output: ${output})`, 60_000, () => {
      if (!existsSync(historyFile)) return undefined;
      const { entries } = History.read(historyFile);
      // killed once the timeline is inside steps[1] (the wait), after the partition: what the report must say
      return entries.some((e) => e.type === "fault" && e.kind === "partition") && entries.some((e) => e.type === "step_start" && e.path === "steps[1]") ? entries : undefined;
    });
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const runDir = realpathSync(path.dirname(historyFile));
    expect(existsSync(path.join(runDir, "results.json"))).toBe(false);

    const r = await cli("report", runDir);
    expect(r.code).toBe(EXIT.pass);
    expect(r.out).toContain("long-wait: UNKNOWN (PARTIAL)");
    const results = readJson<RunResults>(path.join(runDir, "results.json"));
    expect(results).toMatchObject({ scenario: "long-wait", verdict: "unknown", partial: true });
    expect(results.partial_reason).toMatch(/^the run ended before its steps finished: the runner stopped without finishing \(crashed or killed\); the history stops at .*, during steps\[1\] \(wait/);
    expect(results.checks.map((c) => [c.name, c.verdict])).toEqual([["cluster.mesh", "unknown"], ["pg.converged", "unknown"]]);
    const doc = parse(readFileSync(path.join(runDir, "report.html"), "utf8"));
    expect(doc.querySelector("#partial-banner")!.text).toMatch(/^PARTIAL: the run ended before its steps finished/);
    expect(doc.querySelectorAll("rect.fault-window.open[data-kind=partition]")).toHaveLength(1);
    expect(readFileSync(path.join(runDir, "report.md"), "utf8")).toContain("PARTIAL: the run ended before");
    const { suite, cases } = parseJunit(readFileSync(path.join(runDir, "junit.xml"), "utf8"));
    expect(cases.map((c) => c.error?.["@_message"])).toEqual(["not decided: the run ended before this check ran", "not decided: the run ended before this check ran"]);
    expect(suite["system-err"]).toMatch(/^PARTIAL: /);

    // the nodes halt when their stdin closes; Toxiproxy is swept by the next harness (here: us)
    const ready = entries.find((e) => e.type === "cluster_ready")!;
    const nodes = (ready.nodes as { pid: number; full_name: string }[]);
    await until("every node of the killed run gone", 15_000, () => nodes.every((n) => !alive(n.pid, n.full_name)));
    sweepLeftovers();
    const toxiproxy = Number(ready.toxiproxy_pid);
    await until("the killed run's Toxiproxy gone", 10_000, () => !alive(toxiproxy, "toxiproxy"));
  });
});

describe("netsplit run with several scenarios", () => {
  it("writes a combined summary.md and summary.json in the out dir", async () => {
    const out = path.join(tmp, "several");
    const a = path.join(tmp, "reset-and-heal.yaml");
    const b = path.join(tmp, "wrong-view.yaml");
    writeFileSync(a, `netsplit: 1
seed: 3
cluster: { nodes: 3 }
steps:
  - partition: { isolate: n3, mode: reset }
  - wait: 500ms
  - heal: all
  - wait: { until: mesh, timeout: 10s }
checks:
  - cluster.mesh: { within: 5s }
`);
    writeFileSync(b, `netsplit: 1
seed: 4
cluster: { nodes: 3 }
steps:
  - wait: 200ms
checks:
  - cluster.sees: { n1: [n2] }
`);
    const r = await cli("run", a, b, "--out", out);
    expect(r.code).toBe(EXIT.fail);
    expect(r.out).toMatch(/Summary: reset-and-heal PASS, wrong-view FAIL \(.*summary\.md\)/);
    const summary = readJson<{ verdict: string; runs: { scenario: string; verdict: string; report: string; failed: string[] }[] }>(path.join(out, "summary.json"));
    expect(summary.verdict).toBe("fail");
    expect(summary.runs.map((x) => [x.scenario, x.verdict, x.failed])).toEqual([["reset-and-heal", "pass", []], ["wrong-view", "fail", ["cluster.sees"]]]);
    for (const x of summary.runs) expect(existsSync(path.join(out, x.report))).toBe(true);
    const md = readFileSync(path.join(out, "summary.md"), "utf8");
    expect(md).toMatch(/^## ❌ netsplit: 2 scenarios, FAIL/);
    expect(md).toContain("| `wrong-view` | ❌ fail |");

    // a real failing check: junit.xml carries the checker's sentence
    const failed = readJson<RunResults>(path.join(out, summary.runs[1]!.report.replace(/report\.html$/, "results.json")));
    const { cases } = parseJunit(readFileSync(path.join(out, summary.runs[1]!.report.replace(/report\.html$/, "junit.xml")), "utf8"));
    expect(cases[0]!.failure!["@_message"]).toBe(failed.checks[0]!.detail);
    expect(failed.checks[0]!.detail).toMatch(/n1 sees \[n2, n3\], expected \[n2\]/);
  });
});
