import { describe, expect, it } from "vitest";
import { jobCost, type Job } from "../runner/jobs.js";
import type { RunOutcome } from "../runner/run.js";
import type { Scenario } from "../scenario/model.js";
import { formatEnd, formatPlan, formatStatus, formatTable, formatWaiting, JobsDisplay, tableRow } from "./jobs-output.js";

const job = (name: string, nodes: number, extra: Partial<Job> = {}): Job => ({ index: 0, scenario: { name } as Scenario, cost: jobCost(nodes, 4), ...extra });

const outcome = (scenario: string, verdict: string, checks: string[], durationMs: number, runDir: string): RunOutcome =>
  ({ runDir, results: { scenario, verdict, partial: false, duration_ms: durationMs, checks: checks.map((v) => ({ verdict: v })) } }) as unknown as RunOutcome;

describe("jobs output: the pure parts", () => {
  it("the plan names the budget, the rule and every scenario's cost", () => {
    expect(formatPlan(["a", "sixteen"], 2, 2, [jobCost(5, 4), jobCost(16, 4)])).toBe(
      "netsplit: 2 scenarios, up to 2 at a time (CPU budget 2 cores; cores each scenario reserves, 0.25 + nodes/8, at least 1 if net_ticktime < 4 s: a 0.875, sixteen 2.25)",
    );
  });

  it("a waiting scenario says what it needs and who holds the cores", () => {
    expect(formatWaiting(job("slow-link", 3), "2.25 of 2 cores in use by sixteen-node-split (16 nodes); it needs 0.625")).toBe(
      "waiting: slow-link (3 nodes, 0.625 cores): 2.25 of 2 cores in use by sixteen-node-split (16 nodes); it needs 0.625",
    );
  });

  it("a status line: the name, the elapsed time and the run's last event, cut to the terminal", () => {
    expect(formatStatus("slow-link", 14, 12_345, "   +8.02s  PASS    cluster.mesh (350 ms): all 3 running nodes see each other")).toBe(
      "  ▸ slow-link        12.3 s  +8.02s  PASS  cluster.mesh (350 ms): all 3 running nodes see each other",
    );
    expect(formatStatus("a", 1, 0, undefined)).toBe("  ▸ a    0.0 s  starting");
    const cut = formatStatus("a", 1, 0, "x".repeat(200), 40);
    expect(cut).toHaveLength(40);
    expect(cut.endsWith("…")).toBe(true);
  });

  it("an end line and the table: verdicts, checks, durations, run directories relative to cwd", () => {
    expect(formatEnd(job("a", 3), outcome("a", "fail", ["pass", "fail"], 8000, "/w/runs/a/1"), 8123, "/w")).toBe("FAIL    a in 8.1 s (runs/a/1)");
    const table = formatTable(
      [tableRow(outcome("kill-and-pause", "pass", ["pass", "pass", "skipped"], 8020, "/w/runs/kill-and-pause/t1")), tableRow(outcome("slow-link", "unknown", ["pass", "unknown"], 10_600, "/elsewhere/slow-link/t2"))],
      17_600,
      "/w",
    );
    expect(table).toBe(
      [
        "scenario        verdict  checks             duration  run directory",
        "--------------  -------  -----------------  --------  -----------------------",
        "kill-and-pause  PASS     2 pass, 1 skipped     8.0 s  runs/kill-and-pause/t1",
        "slow-link       UNKNOWN  1 pass, 1 unknown    10.6 s  /elsewhere/slow-link/t2",
        "2 scenarios in 17.6 s of wall time (18.6 s of run time added up)",
        "",
      ].join("\n"),
    );
  });
});

describe("JobsDisplay", () => {
  it("without a terminal: one line per start, wait and end, never a timeline line", () => {
    let text = "";
    const d = new JobsDisplay({ write: (s) => (text += s), tty: false, heartbeatMs: 0, cwd: "/w" });
    const a = job("a", 3, { runDir: "/w/runs/a/1", startedAt: Date.now() });
    const b = job("b", 16, { runDir: "/w/runs/b/1" });
    d.onEvent({ type: "start", job: a });
    d.onEvent({ type: "progress", job: a, line: "   +0.50s  cluster of 3 ready in 500 ms" });
    d.onEvent({ type: "waiting", job: b, reason: "0.625 of 2 cores in use by a (3 nodes); it needs 2.25" });
    d.onEvent({ type: "end", job: a, outcome: outcome("a", "pass", ["pass"], 900, "/w/runs/a/1"), ms: 1000 });
    d.onEvent({ type: "start", job: b });
    d.close();
    expect(text.split("\n")).toEqual([
      "started: a (3 nodes) -> runs/a/1 (timeline.log there)",
      "waiting: b (16 nodes, 2.25 cores): 0.625 of 2 cores in use by a (3 nodes); it needs 2.25",
      "PASS    a in 1.0 s (runs/a/1)",
      "started: b (16 nodes) -> runs/b/1 (timeline.log there)",
      "",
    ]);
  });

  it("on a terminal: permanent lines above, one status line per running scenario redrawn in place", () => {
    let text = "";
    const d = new JobsDisplay({ write: (s) => (text += s), tty: true, columns: 80, cwd: "/w" });
    const a = job("a", 3, { runDir: "/w/runs/a/1", startedAt: Date.now() });
    const b = job("bb", 4, { runDir: "/w/runs/bb/1", startedAt: Date.now() });
    d.onEvent({ type: "start", job: a });
    d.onEvent({ type: "start", job: b });
    d.onEvent({ type: "progress", job: a, line: "netsplit: a (seed 1) -> /w/runs/a/1" });
    d.onEvent({ type: "progress", job: b, line: "   +0.50s  partition [n1 | n2]" });
    expect(d.statusLines()).toEqual(["  ▸ a     0.0 s  starting", "  ▸ bb    0.0 s  +0.50s  partition [n1 | n2]"]);
    d.onEvent({ type: "end", job: a, outcome: outcome("a", "pass", ["pass"], 900, "/w/runs/a/1"), ms: 1000 });
    d.close();
    // each permanent line first erases the status block drawn before it (cursor up, clear down)
    expect(text).toContain("started: bb (4 nodes) -> runs/bb/1 (timeline.log there)\n");
    expect(text).toContain("\x1b[2A\x1b[J");
    expect(text).toMatch(/\x1b\[2A\x1b\[JPASS {4}a in 1\.0 s \(runs\/a\/1\)\n {2}▸ bb/);
    // closed: the last status block is erased, the terminal is left clean for the table
    expect(text.endsWith("\x1b[1A\x1b[J")).toBe(true);
  });
});
