/**
 * netsplit under faults of its own, on real runs of the CLI (real BEAM nodes, real Toxiproxy):
 *
 * - SIGINT/SIGTERM at every phase (booting, mid-fault, during the checks, while reporting): the
 *   runner exits 130/143 within a few seconds, every node and Toxiproxy it started is gone, and
 *   the run directory holds a readable history and reports that say it was interrupted;
 * - a part of the harness failing on its own (an agent that crashes or hangs, a node that halts
 *   or never boots, Toxiproxy dying, the scenario's time limit): the run ends within its bound
 *   with verdict unknown (exit 2) and an error naming the cause, never a hang, nothing left behind.
 *
 * Agent faults are injected through NETSPLIT_FAULT_INJECT (nodes/lib/netsplit/agent/fault_inject.ex);
 * Toxiproxy is killed for real with SIGKILL.
 */
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { EXIT } from "../cli/io.js";
import type { RunResults } from "../report/results.js";
import { startNetsplit } from "../testing/cli-process.js";
import { isRunning, stillRunningAfter, type ProcInfo } from "../testing/procs.js";
import { History } from "../run/history.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "netsplit-resilience-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Runner {
  output: () => string;
  /** The BEAM nodes and Toxiproxy the runner started that are still running. */
  children: () => ProcInfo[];
  /** Resolves when a line matching `re` was printed (rejects after `timeoutMs`). */
  line: (re: RegExp, timeoutMs?: number) => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  kill: (signal: NodeJS.Signals) => void;
}

/** Runners still going when a test ends (it failed): killed, so a failure leaves nothing behind. */
const live = new Set<{ kill: (s: NodeJS.Signals) => void }>();
afterEach(() => {
  for (const r of live) r.kill("SIGKILL");
  live.clear();
});

function startRun(name: string, yaml: string, env: Record<string, string> = {}): Runner {
  const file = path.join(tmp, `${name}.yaml`);
  writeFileSync(file, yaml);
  const started = Date.now();
  const cli = startNetsplit(["run", file, "--out", path.join(tmp, "runs")], { env: { ...process.env, ...env } });
  live.add(cli);
  return {
    output: () => cli.run.out + cli.run.err,
    children: () => [...cli.run.children.values()].filter((p) => isRunning(p.pid)),
    line: (re, timeoutMs) => cli.until(re, timeoutMs),
    exited: cli.done.then((run) => {
      live.delete(cli);
      return { code: run.code, signal: run.signal, ms: Date.now() - started };
    }),
    kill: cli.kill,
  };
}

function runDirOf(name: string): string {
  return realpathSync(path.join(tmp, "runs", name, "latest"));
}

function readResults(name: string): RunResults {
  return JSON.parse(readFileSync(path.join(runDirOf(name), "results.json"), "utf8")) as RunResults;
}

function scenario(name: string, body: string, cluster = "{ nodes: 3, kernel: { net_ticktime: 4 } }"): string {
  return `netsplit: 1
name: ${name}
description: A run of netsplit's own resilience tests.
seed: 7
cluster: ${cluster}
workload:
  pg: [{ scope: demo, group: workers, per_node: 1 }]
${body}`;
}

/** Isolate n3 (reset), wait, heal, then one final check. */
const isolateN3 = (wait: string, check: string) => `steps:
  - partition: { isolate: n3, mode: reset }
  - wait: ${wait}
  - heal: all
checks:
  - ${check}
`;

const LONG_FAULT = `steps:
  - partition: { isolate: n3, mode: reset }
  - wait: 40s
  - heal: all
checks:
  - cluster.mesh: { within: 5s }
  - pg.converged: { within: 5s }
`;

describe("SIGINT/SIGTERM at every phase of a run", () => {
  it("while booting (one node still starting): exit 130, everything stopped, the history says so", async () => {
    const r = startRun("int-booting", scenario("int-booting", LONG_FAULT, "{ nodes: 3, boot_timeout: 60s }"), { NETSPLIT_FAULT_INJECT: "boot_hang:n3:0" });
    await r.line(/-> /);
    // toxiproxy and all three nodes started, n3 never reports ready
    const deadline = Date.now() + 30_000;
    while (r.children().length < 4 && Date.now() < deadline) await sleep(100);
    await sleep(1500);
    const children = r.children().map((p) => p.pid);
    expect(children.length, r.output()).toBe(4);
    r.kill("SIGINT");
    const exit = await r.exited;
    expect(exit.code).toBe(130);
    expect(await stillRunningAfter(children)).toEqual([]);
    const { entries } = History.read(path.join(runDirOf("int-booting"), "history.msgpack"));
    expect(entries.map((e) => e.type)).toContain("interrupted");
    expect(entries.some((e) => e.type === "cluster_ready")).toBe(false);
    const results = readResults("int-booting");
    expect(results).toMatchObject({ verdict: "unknown", partial: true });
    expect(results.partial_reason).toMatch(/^the run ended before its cluster was ready: it was interrupted/);
  });

  it("mid-fault: SIGTERM gives exit 143 within seconds, nodes and Toxiproxy gone, the open fault in the report", async () => {
    const r = startRun("int-fault", scenario("int-fault", LONG_FAULT));
    await r.line(/partition \[/);
    const children = r.children().map((p) => p.pid);
    expect(children.length).toBe(4);
    const t = Date.now();
    r.kill("SIGTERM");
    const exit = await r.exited;
    expect(exit.code).toBe(143);
    expect(Date.now() - t).toBeLessThan(10_000); // "within a few seconds": a generous bound, not a benchmark
    expect(await stillRunningAfter(children)).toEqual([]);
    const results = readResults("int-fault");
    expect(results.partial_reason).toMatch(/^the run ended before its steps finished: it was interrupted; .*during steps\[1\] \(wait/);
    expect(results.checks.map((c) => c.verdict)).toEqual(["unknown", "unknown"]);
  });

  it("during the checks: exit 130, the checks not yet decided are unknown", async () => {
    // no reconnect loop: after the heal nobody re-meshes, so cluster.mesh keeps trying for 60 s
    const r = startRun("int-checks", scenario("int-checks", isolateN3("500ms", "cluster.mesh: { within: 60s }"), "{ nodes: 3, reconnect: false }"));
    await r.line(/running the checks/);
    await sleep(1000);
    const children = r.children().map((p) => p.pid);
    expect(children.length, r.output()).toBe(4);
    r.kill("SIGINT");
    const exit = await r.exited;
    expect(exit.code).toBe(130);
    expect(await stillRunningAfter(children)).toEqual([]);
    const results = readResults("int-checks");
    expect(results.partial_reason).toMatch(/^the run ended before all its checks were decided: it was interrupted/);
    expect(results.checks).toMatchObject([{ name: "cluster.mesh", verdict: "unknown" }]);
  });

  it("while reporting: exit 143, and the reports are whole (written from the history, which says it was interrupted)", async () => {
    const r = startRun("int-report", scenario("int-report", isolateN3("500ms", "cluster.mesh: { within: 5s }")), { NETSPLIT_FAULT_INJECT: "hold_report:harness:30000" });
    await r.line(/writing the reports/);
    expect(r.children()).toEqual([]); // the cluster is stopped before the reports
    r.kill("SIGTERM");
    const exit = await r.exited;
    expect(exit.code).toBe(143);
    expect(exit.ms).toBeLessThan(30_000); // the hold was cut short by the signal
    const dir = runDirOf("int-report");
    const types = History.read(path.join(dir, "history.msgpack")).entries.map((e) => e.type);
    expect(types.slice(-2)).toEqual(["run_end", "interrupted"]);
    const results = readResults("int-report");
    expect(results).toMatchObject({ verdict: "pass", partial: false, checks: [{ name: "cluster.mesh", verdict: "pass" }] });
    for (const f of ["report.md", "junit.xml", "report.html"]) expect(existsSync(path.join(dir, f))).toBe(true);
  });
});

describe("a part of the harness failing on its own ends the run with unknown, naming the cause", () => {
  /** The run ends unknown (exit 2), nothing left behind; `cause` (if given) is the run's error. */
  async function expectUnknown(name: string, r: Runner, cause?: RegExp): Promise<RunResults> {
    await r.line(/cluster of \d+ ready/);
    const children = r.children().map((p) => p.pid);
    const exit = await r.exited;
    expect(exit.code, r.output()).toBe(EXIT.unknown);
    expect(await stillRunningAfter(children)).toEqual([]);
    const results = readResults(name);
    expect(results.verdict).toBe("unknown");
    if (cause) {
      expect(results.error).toMatch(cause);
      expect(r.output()).toMatch(cause);
    }
    return results;
  }

  it("an agent that crashes while its node runs: its lost connection is the named cause; the wait is cut short", async () => {
    const r = startRun("agent-crash", scenario("agent-crash", LONG_FAULT), { NETSPLIT_FAULT_INJECT: "crash_agent:n2:2500" });
    const results = await expectUnknown("agent-crash", r, /the agent of n2 closed its control connection .* while the node kept running/);
    expect(results.duration_ms).toBeLessThan(30_000); // the 40 s wait did not run out
    expect(results.checks.map((c) => [c.name, c.verdict])).toEqual([["cluster.mesh", "unknown"], ["pg.converged", "unknown"]]);
    expect(results.checks[0]!.detail).toMatch(/^not decided: the run stopped before this check ran: the agent of n2/);
  });

  it("an agent that hangs (connections open, no answers): the checks say n2 did not answer, within their bound", async () => {
    const r = startRun("agent-hang", scenario("agent-hang", isolateN3("4s", "cluster.mesh: { within: 3s }")), { NETSPLIT_FAULT_INJECT: "hang_agent:n2:2500" });
    const results = await expectUnknown("agent-hang", r);
    expect(results.checks).toMatchObject([{ name: "cluster.mesh", verdict: "unknown" }]);
    expect(results.checks[0]!.detail).toMatch(/agent of n2 did not answer/);
  });

  it("a node that halts by itself: named, with its exit status and log", async () => {
    const r = startRun("node-halts", scenario("node-halts", LONG_FAULT), { NETSPLIT_FAULT_INJECT: "halt_node:n2:2500" });
    const results = await expectUnknown("node-halts", r, /node n2 exited unexpectedly \(code 3, signal null\) while no step stopped it/);
    expect(results.duration_ms).toBeLessThan(30_000);
  });

  it("a node that never boots: the boot timeout names it, exit 2, nothing left", async () => {
    const r = startRun("never-boots", scenario("never-boots", LONG_FAULT, "{ nodes: 3, boot_timeout: 4s }"), { NETSPLIT_FAULT_INJECT: "boot_hang:n2:0" });
    await r.line(/-> /);
    const deadline = Date.now() + 10_000;
    while (r.children().length < 4 && Date.now() < deadline) await sleep(50);
    const children = r.children().map((p) => p.pid);
    const exit = await r.exited;
    expect(exit.code, r.output()).toBe(EXIT.unknown);
    expect(exit.ms).toBeLessThan(30_000);
    expect(await stillRunningAfter(children)).toEqual([]);
    const results = readResults("never-boots");
    expect(results.error).toMatch(/node n2 did not report ready within 4000 ms/);
    expect(results.checks.map((c) => c.verdict)).toEqual(["unknown", "unknown"]);
  });

  it("Toxiproxy killed mid-run: named as the cause at once, not after the 40 s wait", async () => {
    const r = startRun("toxiproxy-dies", scenario("toxiproxy-dies", LONG_FAULT));
    await r.line(/partition \[/);
    const toxiproxy = r.children().find((p) => /toxiproxy/.test(p.comm));
    expect(toxiproxy).toBeDefined();
    process.kill(toxiproxy!.pid, "SIGKILL");
    const results = await expectUnknown("toxiproxy-dies", r, /Toxiproxy died mid-run: toxiproxy-server \(pid \d+\) .*SIGKILL/);
    expect(results.duration_ms).toBeLessThan(30_000);
  });

  it("the scenario's time limit stops a run that would take longer", async () => {
    const r = startRun("time-limit", scenario("time-limit", `limits: { run_timeout: 6s }
${LONG_FAULT}`));
    const results = await expectUnknown("time-limit", r, /the run exceeded its time limit of 6000 ms \(limits\.run_timeout\)/);
    expect(results.duration_ms).toBeLessThan(20_000);
  });
});
