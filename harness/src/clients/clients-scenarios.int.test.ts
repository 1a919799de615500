/**
 * Clients end to end through `netsplit run`, on the example app (examples/jobs): the naive and
 * fixed variants under the same clients, seed and partition (one `netsplit run --jobs 2`) give opposite `history.set`
 * verdicts (exit 1 / 0); the failing sentence names the lost adds, and the check's data says
 * which client and node each came from; ops.jsonl is complete (every invoke completed once,
 * matching the summary in results.json); and no run leaves a process behind.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runNetsplit, startedRunDirs, type CliRun } from "../testing/cli-process.js";
import { compileJobsExample, JOBS_EXAMPLE as JOBS } from "../testing/examples.js";
import { isRunning } from "../testing/procs.js";
import { readOps } from "./history.js";

const out = mkdtempSync(path.join(tmpdir(), "netsplit-clients-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

// as a user would: compile the project for the scenarios' mix_env (no dependency to fetch)
beforeAll(compileJobsExample, 200_000);

interface Results {
  verdict: string;
  checks: { name: string; verdict: string; detail: string; data?: Record<string, unknown> }[];
  clients?: { invokes: number; ok: number; fail: number; info: number; bindings: string[]; file: string };
}

function complete(dir: string, r: Results): void {
  const { ops, truncated } = readOps(path.join(dir, "ops.jsonl"));
  expect(truncated).toBe(false);
  const invokes = ops.filter((o) => o.type === "invoke");
  const completions = ops.filter((o) => o.type !== "invoke");
  expect(invokes.length).toBeGreaterThan(50);
  expect(completions.length).toBe(invokes.length);
  // each invoke is followed by exactly one completion of the same client before its next invoke
  const open = new Map<number, number>();
  for (const o of ops) {
    if (o.type === "invoke") { expect(open.has(o.process)).toBe(false); open.set(o.process, o.index); }
    else { expect(open.has(o.process)).toBe(true); open.delete(o.process); }
  }
  expect(r.clients).toMatchObject({ invokes: invokes.length, file: "ops.jsonl" });
  expect(r.clients!.ok + r.clients!.fail + r.clients!.info).toBe(invokes.length);
}

function noneLeft(run: CliRun): void {
  expect([...run.children.values()].filter((p) => isRunning(p.pid)).map((p) => `${p.pid} ${p.comm}`)).toEqual([]);
}

it("naive loses acknowledged adds (history.set fails, naming them); fixed keeps them all (passes)", async () => {
  // both variants in one `netsplit run --jobs 2`, as a user runs a suite (26 s instead of 43 s)
  const both = await runNetsplit(["run", path.join(JOBS, "clients-set-naive.yaml"), path.join(JOBS, "clients-set-fixed.yaml"), "--jobs", "2", "--out", out], { timeoutMs: 120_000 });
  expect(both.code, both.out + both.err).toBe(1);
  expect(both.out).toContain("Summary: jobs-clients-set-naive FAIL, jobs-clients-set-fixed PASS");
  const dirs = startedRunDirs(both.out);
  const naiveDir = dirs.get("jobs-clients-set-naive")!;
  const n = JSON.parse(readFileSync(path.join(naiveDir, "results.json"), "utf8")) as Results;
  expect(n.verdict).toBe("fail");
  const set = n.checks.find((c) => c.name === "history.set")!;
  expect(set.verdict).toBe("fail");
  expect(set.detail).toMatch(/^lost \d+ of \d+ acknowledged adds \(\d+/);
  const lost = set.data!.lost as { count: number; items: string[] };
  expect(lost.count).toBeGreaterThan(0);
  const culprits = set.data!.anomaly_ops as { kind: string; value: string; process: number; node: string; outcome: string }[];
  expect(culprits.filter((a) => a.kind === "lost").map((a) => a.value)).toEqual(lost.items.slice(0, culprits.filter((a) => a.kind === "lost").length));
  expect(culprits.every((a) => a.outcome === "ok" && /^n[123]$/.test(a.node))).toBe(true);
  expect(readFileSync(path.join(naiveDir, "report.md"), "utf8")).toMatch(/### Operations[\s\S]*\| lost \| `\d+` \| \d \| n\d \|/);
  expect(readFileSync(path.join(naiveDir, "junit.xml"), "utf8")).toMatch(/<testcase[^>]*name="history\.set"[\s\S]*?<failure/);
  complete(naiveDir, n);

  const fixedDir = dirs.get("jobs-clients-set-fixed")!;
  const f = JSON.parse(readFileSync(path.join(fixedDir, "results.json"), "utf8")) as Results;
  expect(f.verdict).toBe("pass");
  expect(f.checks.find((c) => c.name === "history.set")).toMatchObject({ verdict: "pass", detail: expect.stringMatching(/^all \d+ acknowledged adds read once/) });
  complete(fixedDir, f);
  expect(existsSync(path.join(fixedDir, "report.html"))).toBe(true);
  expect(readFileSync(path.join(fixedDir, "report.html"), "utf8")).toContain('class="ops-lane"');
  noneLeft(both);
}, 200_000);
