/**
 * `netsplit run --jobs N` through the real CLI (real BEAM nodes, real Toxiproxies): three short
 * shipped scenarios with --jobs 2 get the verdicts they have one at a time (pass:
 * harness/src/scenarios.int.test.ts), run in distinct run
 * directories on distinct ports and Toxiproxies (two of them at the same time), print status
 * lines and one table instead of interleaved timelines (each timeline is in its timeline.log),
 * and leave nothing behind, while a second `--jobs` invocation at the same time shares nothing with
 * the first; SIGINT with two runs in flight stops both cleanly.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { History } from "../run/history.js";
import type { RunResults } from "../report/results.js";
import { startedRunDirs, startNetsplit, type StartedCli } from "../testing/cli-process.js";
import { isRunning, stillRunningAfter } from "../testing/procs.js";
import { REPO_ROOT } from "../util/paths.js";
import { EXIT } from "./io.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "netsplit-jobs-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const state = path.join(tmp, "state");
const env = { ...process.env, NETSPLIT_STATE_DIR: state };

const live = new Set<StartedCli>();
afterEach(() => {
  for (const c of live) c.kill("SIGKILL");
  live.clear();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SCENARIOS = ["kill-and-pause", "majority-minority-split", "slow-link"].map((s) => path.join(REPO_ROOT, "scenarios", `${s}.yaml`));

function start(argv: string[], timeoutMs = 150_000): StartedCli {
  const cli = startNetsplit(argv, { env, timeoutMs });
  live.add(cli);
  void cli.done.then(() => live.delete(cli));
  return cli;
}

const results = (dir: string) => JSON.parse(readFileSync(path.join(dir, "results.json"), "utf8")) as RunResults;
const toxiproxies = (cli: StartedCli) => [...cli.run.children.values()].filter((p) => /toxiproxy/.test(p.comm));

describe("netsplit run --jobs", () => {
  it("--jobs 2 gives the verdicts the scenarios have one at a time, two runs at a time, each isolated, a table at the end, nothing left", async () => {
    // --jobs 1: as before, one after another, each timeline printed as it happens (one scenario:
    // harness/src/scenarios.int.test.ts runs every shipped scenario one at a time and requires a pass)
    const one = start(["run", SCENARIOS[2]!, "--jobs", "1", "--out", path.join(tmp, "runs-1")]);
    const r1 = await one.done;
    expect(r1.code, r1.out + r1.err).toBe(EXIT.pass);
    expect(r1.out).toMatch(/cluster of 3 ready in \d+ ms/);
    expect(r1.out).not.toMatch(/^started: |^waiting: |^scenario +verdict/m);
    expect(r1.out).toMatch(/^verdict: PASS {2}\(/m);

    // --jobs 2 on a budget of 2 cores: kill-and-pause (0.75) and majority-minority-split (0.875) at once, slow-link waits
    const two = start(["run", ...SCENARIOS, "--jobs", "2", "--cpus", "2", "--out", path.join(tmp, "runs-2")]);
    // and, at the same time, a second `netsplit run --jobs` of its own (two small clusters, no
    // fault): the two invocations know nothing of each other and must not share anything
    const small = ["small-a", "small-b"].map((name) => {
      const f = path.join(tmp, `${name}.yaml`);
      writeFileSync(f, `netsplit: 1\nname: ${name}\nseed: 3\ncluster: { nodes: 2, kernel: { net_ticktime: 10 } }\nsteps:\n  - wait: 2s\nchecks:\n  - cluster.mesh: { within: 10s }\n`);
      return f;
    });
    const other = start(["run", ...small, "--jobs", "2", "--cpus", "2", "--out", path.join(tmp, "runs-other")]);
    let maxToxiproxies = 0;
    const sampler = setInterval(() => (maxToxiproxies = Math.max(maxToxiproxies, toxiproxies(two).filter((p) => isRunning(p.pid)).length)), 100);
    const [r2, rOther] = await Promise.all([two.done.finally(() => clearInterval(sampler)), other.done]);
    expect(r2.code, r2.out + r2.err).toBe(EXIT.pass);
    expect(rOther.code, rOther.out + rOther.err).toBe(EXIT.pass);
    const parVerdicts = JSON.parse(readFileSync(path.join(tmp, "runs-2", "summary.json"), "utf8")).runs.map((r: { scenario: string; verdict: string }) => `${r.scenario}:${r.verdict}`);
    expect(parVerdicts).toEqual(["kill-and-pause:pass", "majority-minority-split:pass", "slow-link:pass"]);

    // the output: the plan, status lines, why slow-link waited, one table; no timeline line
    expect(r2.out).toMatch(/^netsplit: 3 scenarios, up to 2 at a time \(CPU budget 2 cores; .*kill-and-pause 0\.75, majority-minority-split 0\.875, slow-link 0\.625\)$/m);
    expect(r2.out).toMatch(/^waiting: slow-link \(3 nodes, 0\.625 cores\): 2 of 2 jobs running: kill-and-pause \(4 nodes\), majority-minority-split \(5 nodes\)$/m);
    // (every 30 s without a terminal, a "running:" block shows each run's last event, as status lines)
    const own = r2.out.split("\n").filter((l) => l !== "running:" && !l.startsWith("  ▸ ")).join("\n");
    expect(own).not.toMatch(/cluster of \d+ ready|nodedown|^verdict: /m);
    expect(r2.out).toMatch(/^scenario +verdict +checks +duration +run directory$/m);
    for (const s of ["kill-and-pause", "majority-minority-split", "slow-link"]) expect(r2.out).toMatch(new RegExp(`^${s} +PASS +\\d+ pass +\\d+\\.\\d s +\\S+`, "m"));
    expect(r2.out).toMatch(/^3 scenarios in \d+\.\d s of wall time/m);
    expect(r2.out).toContain("Summary: kill-and-pause PASS, majority-minority-split PASS, slow-link PASS");

    // distinct run directories, each with its whole timeline in timeline.log
    const dirs = startedRunDirs(r2.out);
    expect([...dirs.keys()].sort()).toEqual(["kill-and-pause", "majority-minority-split", "slow-link"]);
    expect(new Set(dirs.values()).size).toBe(3);
    for (const [name, dir] of dirs) {
      expect(results(dir).verdict).toBe("pass");
      const timeline = readFileSync(path.join(dir, "timeline.log"), "utf8");
      expect(timeline).toMatch(new RegExp(`^netsplit: ${name} \\(seed \\d+\\) -> `));
      expect(timeline).toMatch(/cluster of \d+ ready in \d+ ms/);
      expect(timeline).toMatch(/^verdict: PASS {2}\(/m);
    }
    // two at once, each with its own Toxiproxy (own API port) and its own distribution ports
    expect(maxToxiproxies).toBe(2);
    const apiPorts = toxiproxies(two).map((p) => /-port (\d+)/.exec(p.cmdline)?.[1]);
    expect(apiPorts).toHaveLength(3);
    const ready = (name: string) => History.read(path.join(dirs.get(name)!, "history.msgpack")).entries.find((e) => e.type === "cluster_ready")!;
    const [a, b] = ["kill-and-pause", "majority-minority-split"].map(ready);
    expect(new Set([a!.toxiproxy_pid, b!.toxiproxy_pid]).size).toBe(2);
    const ports = (e: typeof a) => (e!.nodes as { dist_port: number }[]).map((n) => n.dist_port);
    expect(ports(a).filter((p) => ports(b).includes(p))).toEqual([]);

    // the other invocation: its own run directories, Toxiproxies and ports, none of this one's
    // (its two runs overlapped in time with kill-and-pause and majority-minority-split)
    const otherDirs = startedRunDirs(rOther.out);
    expect([...otherDirs.keys()].sort()).toEqual(["small-a", "small-b"]);
    for (const d of otherDirs.values()) expect([...dirs.values()]).not.toContain(d);
    const otherReady = [...otherDirs.values()].map((d) => History.read(path.join(d, "history.msgpack")).entries.find((e) => e.type === "cluster_ready")!);
    const otherToxiproxies = toxiproxies(other);
    expect(otherToxiproxies).toHaveLength(2);
    expect(otherToxiproxies.map((p) => p.pid).filter((pid) => toxiproxies(two).some((q) => q.pid === pid))).toEqual([]);
    expect(otherToxiproxies.map((p) => /-port (\d+)/.exec(p.cmdline)?.[1]).filter((port) => apiPorts.includes(port))).toEqual([]);
    const otherPorts = otherReady.flatMap((e) => ports(e));
    expect(otherPorts.filter((p) => ports(a).includes(p) || ports(b).includes(p))).toEqual([]);
    for (const d of otherDirs.values()) expect(results(d).verdict).toBe("pass");

    // nothing left: processes, pid files
    for (const r of [r1, r2, rOther]) expect(await stillRunningAfter([...r.children.keys()])).toEqual([]);
    expect(existsSync(path.join(state, "pids")) ? readdirSync(path.join(state, "pids")) : []).toEqual([]);
  }, 170_000);

  it("SIGINT with two runs in flight: exit 130, every node and Toxiproxy of both runs gone, both histories say so", async () => {
    const yaml = (name: string) => `netsplit: 1
name: ${name}
seed: 5
cluster: { nodes: 3, kernel: { net_ticktime: 4 } }
workload:
  pg: [{ scope: demo, group: workers, per_node: 1 }]
steps:
  - partition: { isolate: n3, mode: reset }
  - wait: 40s
  - heal: all
checks:
  - cluster.mesh: { within: 5s }
`;
    const files = ["int-a", "int-b"].map((n) => {
      const f = path.join(tmp, `${n}.yaml`);
      writeFileSync(f, yaml(n));
      return f;
    });
    const cli = start(["run", ...files, "--jobs", "2", "--cpus", "2", "--out", path.join(tmp, "runs-int")], 90_000);
    await cli.until(/^started: int-a .*\n(.*\n)*started: int-b |^started: int-b .*\n(.*\n)*started: int-a /m);
    const dirs = startedRunDirs(cli.run.out);
    // both mid-fault: their timelines (not on stdout) show the partition
    const deadline = Date.now() + 60_000;
    const midFault = () => [...dirs.values()].every((d) => existsSync(path.join(d, "timeline.log")) && /partition \[/.test(readFileSync(path.join(d, "timeline.log"), "utf8")));
    while (!midFault() && Date.now() < deadline) await sleep(100);
    expect(midFault(), cli.run.out + cli.run.err).toBe(true);
    const children = [...cli.run.children.values()].filter((p) => isRunning(p.pid));
    expect(children.filter((p) => /toxiproxy/.test(p.comm))).toHaveLength(2);
    expect(children.filter((p) => /beam/.test(p.comm))).toHaveLength(6);
    const t = Date.now();
    cli.kill("SIGINT");
    const r = await cli.done;
    expect(r.code, r.out + r.err).toBe(130);
    expect(Date.now() - t).toBeLessThan(10_000);
    expect(r.err).toMatch(/SIGINT received/);
    expect(await stillRunningAfter([...r.children.keys()])).toEqual([]);
    for (const dir of dirs.values()) {
      expect(History.read(path.join(dir, "history.msgpack")).entries.map((e) => e.type)).toContain("interrupted");
      expect(results(dir)).toMatchObject({ verdict: "unknown", partial: true });
    }
    expect(existsSync(path.join(state, "pids")) ? readdirSync(path.join(state, "pids")) : []).toEqual([]);
  }, 100_000);
});
