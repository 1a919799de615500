/**
 * Two runs at once on one machine do not collide (issue 8): two real `netsplit run` processes
 * started at the same moment on the same scenario and output folder, and two clusters started
 * at once in one process. Each gets its own run directory, ports, cookie and processes; a
 * leftover sweep in the middle of both runs kills only what a dead harness left; nothing
 * outlives the runs (processes, port reservations, node homes, pid files).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isolateGrudge } from "../faults/grudge.js";
import type { ClusterEvent } from "../runtime/cluster.js";
import { startLocalCluster } from "../runtime/local.js";
import { alive, sweepLeftovers } from "../runtime/reaper.js";
import { startNetsplit, type CliRun } from "../testing/cli-process.js";
import { harnessChildren } from "../testing/procs.js";
import { parseLockName, portLockDir } from "../util/ports.js";
import { History, type HistoryEntry } from "../run/history.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "netsplit-concurrent-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// A kill and restart in the middle: n2's port is free while it is down, and must stay reserved.
const SCENARIO = `netsplit: 1
name: two-at-once
cluster:
  nodes: 3
  kernel: { net_ticktime: 2 }
  reconnect: { interval_ms: 200 }
workload:
  pg:
    - { scope: demo, group: workers, per_node: 1 }
  global:
    - { name: leader, on: n1 }
steps:
  - partition: { isolate: n3, mode: reset }
  - check: { cluster.sees: { n3: [], within: 5s } }
  - heal: all
  - wait: { until: mesh, timeout: 15s }
  - kill: n2
  - wait: 1s
  - restart: n2
  - wait: { until: mesh, timeout: 15s }
checks:
  - cluster.mesh: { within: 10s }
  - pg.converged: { within: 10s }
  - global.names_unique: { within: 10s }
`;

/** Every integer under a key ending in "pid", anywhere in the history (OS pids). */
function osPids(entries: HistoryEntry[]): number[] {
  const out: number[] = [];
  const walk = (v: unknown, key = ""): void => {
    if (typeof v === "number" && /pid$/.test(key)) out.push(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(entries);
  return out;
}

function runDirOf(run: CliRun): string {
  const m = / -> (.+)$/m.exec(run.out);
  if (!m) throw new Error(`no run directory in the output:\n${run.out}\n${run.err}`);
  return path.resolve(m[1]!.trim());
}

const toxiproxyPort = (run: CliRun) => [...run.children.values()].flatMap((p) => /-port (\d+)/.exec(p.cmdline)?.[1] ?? []).map(Number);

async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("two netsplit runs at once", () => {
  it("both pass, each with its own directory, ports and processes, and leave nothing behind", async () => {
    const file = path.join(tmp, "two-at-once.yaml");
    writeFileSync(file, SCENARIO);
    const out = path.join(tmp, "runs");
    const state = path.join(tmp, "state");
    const env = { ...process.env, NETSPLIT_STATE_DIR: state };

    // what a harness killed by SIGKILL leaves: a pid file of a dead owner, listing a live process
    const deadOwner = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((resolve) => deadOwner.once("exit", resolve));
    const marker = `netsplit-leftover-${process.pid}`;
    const leftover = spawn(process.execPath, ["-e", "setTimeout(() => {}, 120000)", marker], { stdio: "ignore" });
    mkdirSync(path.join(state, "pids"), { recursive: true });
    writeFileSync(path.join(state, "pids", `${deadOwner.pid}.json`), JSON.stringify([{ pid: leftover.pid, label: "node n1", marker }]));
    const leftoverGone = new Promise<NodeJS.Signals | null>((resolve) => leftover.once("exit", (_code, signal) => resolve(signal)));

    const a = startNetsplit(["run", file, "--out", out], { env, timeoutMs: 180_000 });
    const b = startNetsplit(["run", file, "--out", out], { env, timeoutMs: 180_000 });
    // the runs' own start-up sweeps remove what the dead harness left, and only that
    expect(await leftoverGone).toBe("SIGKILL");
    // both clusters up (3 nodes and a Toxiproxy each): sweep as a third harness starting now would;
    // the live runs' pid files are there, and not one of their processes may be touched
    await until(() => a.run.children.size >= 4 && b.run.children.size >= 4, 120_000, "both clusters started");
    expect(readdirSync(path.join(state, "pids")).sort()).toEqual([`${a.run.pid}.json`, `${b.run.pid}.json`].sort());
    const saved = process.env.NETSPLIT_STATE_DIR;
    process.env.NETSPLIT_STATE_DIR = state;
    let swept: number;
    try {
      swept = sweepLeftovers();
    } finally {
      if (saved === undefined) delete process.env.NETSPLIT_STATE_DIR;
      else process.env.NETSPLIT_STATE_DIR = saved;
    }
    expect(swept).toBe(0);

    const [ra, rb] = await Promise.all([a.done, b.done]);
    for (const r of [ra, rb]) expect(r.code, `${r.out}\n${r.err}`).toBe(0);

    // distinct run directories, both complete
    const dirs = [runDirOf(ra), runDirOf(rb)];
    expect(dirs[0]).not.toBe(dirs[1]);
    expect(readdirSync(path.join(out, "two-at-once")).filter((d) => d !== "latest").sort()).toEqual(dirs.map((d) => path.basename(d)).sort());
    const histories = dirs.map((d) => History.read(path.join(d, "history.msgpack")).entries);
    for (const d of dirs) expect(JSON.parse(readFileSync(path.join(d, "results.json"), "utf8")).verdict).toBe("pass");

    // distinct ports: distribution ports and Toxiproxy API
    const distPorts = histories.map((h) => (h.find((e) => e.type === "cluster_ready")!.nodes as { dist_port: number }[]).map((n) => n.dist_port));
    expect(distPorts[0]!.filter((p) => distPorts[1]!.includes(p))).toEqual([]);
    const apiPorts = [toxiproxyPort(ra), toxiproxyPort(rb)];
    expect(apiPorts.map((p) => p.length)).toEqual([1, 1]);
    expect(apiPorts[0]![0]).not.toBe(apiPorts[1]![0]);

    // each history names only its own processes: its CLI's children (3 nodes, a restart, Toxiproxy)
    const runs = [ra, rb];
    runs.forEach((r, i) => {
      const own = [...r.children.keys()];
      const other = [...runs[1 - i]!.children.keys()];
      expect(own.length).toBeGreaterThanOrEqual(5);
      const named = osPids(histories[i]!);
      expect(named.length).toBeGreaterThanOrEqual(4);
      expect(named.filter((p) => !own.includes(p))).toEqual([]);
      expect(own.filter((p) => other.includes(p))).toEqual([]);
    });

    // nothing left: processes, port reservations, node homes, pid files
    for (const r of runs) for (const pid of r.children.keys()) expect(alive(pid), `pid ${pid} of run ${r.pid} is still alive`).toBe(false);
    const locks = readdirSync(portLockDir()).map(parseLockName).filter((l) => l && (l.pid === ra.pid || l.pid === rb.pid));
    expect(locks).toEqual([]);
    expect(existsSync(path.join(state, "node-homes")) ? readdirSync(path.join(state, "node-homes")) : []).toEqual([]);
    expect(readdirSync(path.join(state, "pids"))).toEqual([]);
  });
});

describe("two clusters started at once in one process", () => {
  it("get distinct ports and cookies, and a partition of one leaves the other alone", async () => {
    const [one, two] = await Promise.all([startLocalCluster({ nodes: 3 }), startLocalCluster({ nodes: 3 })]);
    try {
      expect(one.isMeshed() && two.isMeshed()).toBe(true);
      expect(one.cookie).not.toBe(two.cookie);
      const ports = (c: typeof one) => [
        ...c.nodes.map((n) => n.distPort),
        ...c.nodes.map((n) => n.controlPort),
        c.toxiproxy.port,
        ...[...c.proxyListen.values()].map((l) => Number(l.split(":").at(-1))),
      ];
      const p1 = ports(one);
      const p2 = ports(two);
      expect(new Set([...p1, ...p2]).size).toBe(p1.length + p2.length);
      // both hold machine-wide reservations of their distribution ports
      const mine = readdirSync(portLockDir()).map(parseLockName).filter((l) => l?.pid === process.pid).map((l) => l!.port);
      expect(mine).toEqual(expect.arrayContaining([...one.nodes, ...two.nodes].map((n) => n.distPort)));

      const seenByTwo: ClusterEvent[] = [];
      two.on((e) => seenByTwo.push(e));
      await one.faults.partition(isolateGrudge(one.names, "n1"), "reset");
      await one.waitFor(() => one.view("n1").size === 0, 10_000, "n1 isolated in the first cluster");
      // the same node names exist in both clusters: only the first one's n1 is cut off
      expect(two.isMeshed()).toBe(true);
      expect(await two.agent("n1").call<{ nodes: string[] }>("view")).toMatchObject({ nodes: ["n2@127.0.0.1", "n3@127.0.0.1"] });
      expect(seenByTwo.filter((e) => e.type === "node_event" && e.event.event === "nodedown")).toEqual([]);
      await one.faults.heal();
      await one.waitForMesh(15_000);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
    expect(harnessChildren()).toEqual([]);
    const left = readdirSync(portLockDir()).map(parseLockName).filter((l) => l?.pid === process.pid);
    expect(left).toEqual([]);
  });
});
