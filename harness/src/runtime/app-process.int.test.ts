/**
 * Nodes netsplit does not start with its own `erl` (app-process.ts), on real BEAM processes and a
 * real Toxiproxy: a `mix release` built here from testdata/tiny_app (its own start script, ERTS
 * and boot file) and plain `erl` commands. Proved for each: the nodes mesh through the proxies
 * (a partition isolates a node; no connection goes to a peer's distribution port directly), the
 * run's cookie is on no process's command line yet is the one the nodes use, kill/restart work,
 * and nothing with the run's marker is left afterwards. Also: a release that fails to boot, a
 * command that distributes under another name, a release built for another OTP.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isolateGrudge } from "../faults/grudge.js";
import { allProcesses, harnessChildren, isRunning } from "../testing/procs.js";
import { beamPaths, REPO_ROOT } from "../util/paths.js";
import { appProcessProblem, type AppProcessOptions } from "./app-process.js";
import type { StartedCluster } from "./cluster.js";
import { startCluster } from "./registry.js";
import { sweepLeftovers } from "./reaper.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
let tmp: string;
let releaseDir: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "netsplit-app-process-"));
  const src = path.join(tmp, "tiny_app");
  cpSync(path.join(HERE, "testdata", "tiny_app"), src, { recursive: true });
  releaseDir = path.join(tmp, "rel");
  const t0 = performance.now();
  const r = spawnSync("mix", ["release", "--path", releaseDir], { cwd: src, env: { ...process.env, MIX_ENV: "prod" }, encoding: "utf8", timeout: 110_000 });
  if (r.status !== 0) throw new Error(`mix release failed: ${r.stdout}\n${r.stderr}`);
  console.log(`tiny_app release built in ${Math.round(performance.now() - t0)} ms`);
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Process-group id of every process, from /proc/<pid>/stat. */
function pgrpOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
  } catch {
    return undefined;
  }
}

/** Every process of a node: its process group (the start script and the BEAM it runs). */
function nodeProcesses(c: StartedCluster) {
  const groups = new Set(c.nodes.map((n) => n.pid));
  return allProcesses().filter((p) => groups.has(pgrpOf(p.pid) ?? -1));
}

function withMarker(runId: string) {
  return allProcesses().filter((p) => p.cmdline.includes(runId));
}

/**
 * A hidden probe node that dials `target` directly on its distribution port with `cookie` (from
 * its HOME's cookie file, not argv) and prints what net_adm:ping answered: pong or pang.
 */
function pingWithCookie(target: string, distPort: number, cookie: string): Promise<string> {
  const { erl, elixirEbins, agentEbin } = beamPaths();
  const home = mkdtempSync(path.join(tmp, "probe-home-"));
  writeFileSync(path.join(home, ".erlang.cookie"), cookie, { mode: 0o400 });
  const child = spawn(erl, [
    "-noinput", "-hidden", "-name", `probe${randomBytes(4).toString("hex")}@127.0.0.1`,
    "-start_epmd", "false", "-epmd_module", "Elixir.Netsplit.Epmd", "-kernel", "net_setuptime", "5",
    "-pa", ...elixirEbins, agentEbin,
    "-eval", `io:format("ping=~p~n", [net_adm:ping('${target}')]), halt().`,
  ], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, NETSPLIT_DIST_PORT: "0", NETSPLIT_ROUTES: `${target}=127.0.0.1:${distPort}` },
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`probe did not finish: ${out}`));
    }, 30_000);
    child.once("exit", () => {
      clearTimeout(timer);
      const m = /ping=(\w+)/.exec(out);
      if (m) resolve(m[1]!);
      else reject(new Error(`probe printed no result: ${out}`));
    });
  });
}

async function viewOf(c: StartedCluster, name: string): Promise<string[]> {
  return (await c.agent(name).call<{ nodes: string[] }>("view")).nodes.map(String).sort();
}

/**
 * The cluster is meshed through Toxiproxy: no node holds a connection to a peer's distribution
 * port (dialled connections go to proxy ports, accepted ones come from Toxiproxy), and
 * partitioning `isolated` from the rest empties its Node.list() inside the node.
 */
async function provesMeshThroughProxies(c: StartedCluster, isolated: string): Promise<void> {
  const distPorts = new Set(c.nodes.map((n) => n.distPort));
  for (const n of c.names) {
    expect(await viewOf(c, n)).toEqual(c.names.filter((m) => m !== n).map((m) => c.node(m).fullName).sort());
    const info = await c.agent(n).call<{ node: string; address: [string, number] | null }[]>("node_info");
    expect(info).toHaveLength(c.names.length - 1);
    for (const i of info) {
      expect(i.address).not.toBeNull();
      expect(distPorts.has(i.address![1])).toBe(false);
    }
  }
  const rest = c.names.filter((n) => n !== isolated);
  const t0 = performance.now();
  await c.faults.partition(isolateGrudge(c.names, isolated), "reset");
  await c.waitFor(() => c.view(isolated).size === 0 && rest.every((n) => !c.view(n).has(isolated)), 20_000, `${isolated} isolated`);
  expect(await viewOf(c, isolated)).toEqual([]);
  for (const n of rest) expect(await viewOf(c, n)).not.toContain(c.node(isolated).fullName);
  const cutMs = Math.round(performance.now() - t0);
  await c.faults.heal();
  const healMs = await c.waitForMesh(20_000);
  console.log(`partition isolated ${isolated} in ${cutMs} ms; mesh again ${Math.round(healMs)} ms after the heal`);
}

function cookieOnNoArgv(c: StartedCluster): void {
  const procs = nodeProcesses(c);
  expect(procs.length).toBeGreaterThanOrEqual(c.names.length);
  for (const p of procs) expect(p.cmdline).not.toContain(c.cookie);
  for (const p of allProcesses()) expect(p.cmdline).not.toContain(c.cookie);
}

async function until(predicate: () => boolean, ms: number): Promise<number> {
  const t0 = performance.now();
  while (!predicate()) {
    if (performance.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return performance.now() - t0;
}

const logs = (name: string) => path.join(tmp, `logs-${name}`);

describe("release: nodes started by the release's own bin/<name> start", () => {
  let cluster: StartedCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });

  it("meshes through Toxiproxy, keeps the run's cookie off every argv, survives kill and restart, leaves nothing behind", async () => {
    const appProcess: AppProcessOptions = { app: { kind: "release", releaseDir } };
    const t0 = performance.now();
    const c = await startCluster("local", { nodes: 3, appProcess, bootTimeoutMs: 60_000, logDir: logs("release") });
    cluster = c;
    console.log(`3 release nodes meshed in ${Math.round(performance.now() - t0)} ms (bootMs ${Math.round(c.bootMs)})`);

    // the release's own ERTS runs every node; ERL_AFLAGS put the marker on the BEAM's command line
    const releaseCookie = readFileSync(path.join(releaseDir, "releases", "COOKIE"), "utf8").trim();
    for (const n of c.nodes) {
      const argv = readFileSync(`/proc/${n.pid}/cmdline`, "utf8").split("\0");
      expect(argv[0]).toContain(path.join(releaseDir, "erts-"));
      expect(argv.join(" ")).toContain(`-netsplit_run ${c.runId}`);
      expect(argv.join(" ")).toContain(`-name ${n.fullName}`);
      expect(argv).toContain(releaseCookie); // the release's script's own --cookie...
    }
    cookieOnNoArgv(c); // ...but never the run's
    // ...and the run's cookie is the one that opens a node; the release's no longer does
    expect(await pingWithCookie(c.node("n1").fullName, c.node("n1").distPort, releaseCookie)).toBe("pang");
    expect(await pingWithCookie(c.node("n1").fullName, c.node("n1").distPort, c.cookie)).toBe("pong");

    await provesMeshThroughProxies(c, "n3");

    // kill and restart a release node
    const oldPid = c.node("n2").pid;
    await c.kill("n2");
    expect(withMarker(c.runId).some((p) => p.pid === oldPid)).toBe(false);
    await c.waitFor(() => !c.view("n1").has("n2") && !c.view("n3").has("n2"), 10_000, "n2 down everywhere");
    const r0 = performance.now();
    await c.restart("n2");
    await c.waitForMesh(30_000);
    console.log(`release node n2 restarted and meshed in ${Math.round(performance.now() - r0)} ms`);
    expect(c.node("n2").pid).not.toBe(oldPid);
    expect(await viewOf(c, "n2")).toEqual(["n1@127.0.0.1", "n3@127.0.0.1"]);
    cookieOnNoArgv(c);

    // pause/resume: SIGSTOP/SIGCONT to the process group
    const stateOf = (pid: number) => {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2)[0];
    };
    await c.pause("n1");
    await until(() => stateOf(c.node("n1").pid) === "T", 2000);
    await c.resume("n1");
    await until(() => stateOf(c.node("n1").pid) !== "T", 2000);
    expect(await viewOf(c, "n1")).toEqual(["n2@127.0.0.1", "n3@127.0.0.1"]);

    // graceful stop (SIGTERM to the process group) within the grace
    const s0 = performance.now();
    await c.stopNode("n3", 10_000);
    console.log(`release node n3 stopped gracefully in ${Math.round(performance.now() - s0)} ms`);

    const runId = c.runId;
    expect(withMarker(runId).length).toBeGreaterThan(0);
    await c.stop();
    cluster = undefined;
    expect(withMarker(runId)).toEqual([]);
  });

  it("a release that fails to boot: a clear error with the node's last output, nothing left behind", async () => {
    const before = new Set(harnessChildren().map((p) => p.pid));
    const err = await startCluster("local", {
      nodes: 2,
      appProcess: { app: { kind: "release", releaseDir } },
      nodeEnv: () => ({ TINY_APP_FAIL: "1" }),
      bootTimeoutMs: 60_000,
      logDir: logs("release-fail"),
    }).then(() => undefined, (e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    console.log(`boot failure reported as:\n${err!.message.slice(0, 600)}`);
    expect(err!.message).toMatch(/node n[12] exited during boot/);
    expect(err!.message).toContain("tiny_app: refusing to start (TINY_APP_FAIL=1)");
    const left = harnessChildren().filter((p) => !before.has(p.pid));
    expect(left).toEqual([]);
  });

  it("a release built for another OTP is refused before anything boots", () => {
    const fake = path.join(tmp, "rel-otp26");
    cpSync(releaseDir, fake, { recursive: true, verbatimSymlinks: true });
    writeFileSync(path.join(fake, "releases", "start_erl.data"), "14.2.1 0.1.0");
    const problem = appProcessProblem({ kind: "release", releaseDir: fake });
    expect(problem).toContain("runs ERTS 14.2.1 (OTP 26)");
    expect(problem).toContain("compiled with OTP 25");
    expect(appProcessProblem({ kind: "release", releaseDir })).toBeUndefined();
    expect(appProcessProblem({ kind: "release", releaseDir: path.join(tmp, "nope") })).toContain("does not exist");
  });
});

describe("command: nodes started by the application's own command", () => {
  it("erl -name {full_name}: meshes through Toxiproxy, cookie off argv, nothing left behind", async () => {
    const c = await startCluster("local", {
      nodes: 3,
      appProcess: { app: { kind: "command", command: ["erl", "-noshell", "-name", "{full_name}"], cwd: tmp } },
      bootTimeoutMs: 60_000,
      logDir: logs("command"),
    });
    try {
      for (const n of c.nodes) expect(readFileSync(`/proc/${n.pid}/cmdline`, "utf8").split("\0")).toContain(n.fullName);
      cookieOnNoArgv(c);
      await provesMeshThroughProxies(c, "n1");
      await c.kill("n3");
      await c.restart("n3");
      await c.waitForMesh(30_000);
    } finally {
      await c.stop();
    }
    expect(withMarker(c.runId)).toEqual([]);
  });

  it("a start script that runs its BEAM as a child (no exec): signals reach the BEAM, nothing left behind", async () => {
    const c = await startCluster("local", {
      nodes: 2,
      appProcess: { app: { kind: "command", command: ["sh", "-c", "erl -noshell -name \"$0\"; echo script-done", "{full_name}"], cwd: tmp } },
      bootTimeoutMs: 60_000,
      logDir: logs("no-exec"),
    });
    try {
      for (const n of c.nodes) {
        const group = allProcesses().filter((p) => pgrpOf(p.pid) === n.pid);
        expect(group.map((p) => p.comm).sort()).toEqual(["beam.smp", "sh"]);
        expect(readFileSync(`/proc/${n.pid}/cmdline`, "utf8")).not.toContain(c.runId); // the script
      }
      const beamOf = (name: string) => allProcesses().find((p) => pgrpOf(p.pid) === c.node(name).pid && p.comm === "beam.smp")!.pid;
      const beam2 = beamOf("n2");
      await c.kill("n2");
      // the group's SIGKILL reached the BEAM, not only the script (reaped once init adopts it)
      await until(() => !isRunning(beam2), 2000);
      await c.restart("n2");
      await c.waitForMesh(30_000);
      expect(await viewOf(c, "n2")).toEqual(["n1@127.0.0.1"]);
    } finally {
      await c.stop();
    }
    expect(withMarker(c.runId)).toEqual([]);
  });

  it("a server that asks epmd about itself at boot (as RabbitMQ does) finds itself in the run's epmd", async () => {
    const selfCheck = [
      "{ok, Names} = net_adm:names(),",
      "{port, P, _} = erl_epmd:port_please(\"{node}\", \"127.0.0.1\"),",
      "io:format(\"self-check names=~p port=~p~n\", [Names, P]).",
    ].join(" ");
    const dir = logs("epmd");
    const c = await startCluster("local", {
      nodes: 3,
      appProcess: { app: { kind: "command", command: ["erl", "-noshell", "-name", "{full_name}", "-eval", selfCheck], cwd: tmp } },
      bootTimeoutMs: 60_000,
      logDir: dir,
    });
    try {
      for (const n of c.nodes) {
        await until(() => /self-check/.test(readFileSync(path.join(dir, `${n.name}.log`), "utf8")), 5000);
        const log = readFileSync(path.join(dir, `${n.name}.log`), "utf8");
        expect(log).toContain(`port=${n.distPort}`);
        expect(log).toContain(`{"${n.name}",${n.distPort}}`);
      }
      const epmd = withMarker(c.runId).filter((p) => p.comm === "epmd");
      expect(epmd).toHaveLength(1);
      await provesMeshThroughProxies(c, "n2");
    } finally {
      await c.stop();
    }
    expect(withMarker(c.runId)).toEqual([]);
  });

  it("a program that starts distribution itself after boot: the agent waits for it", async () => {
    const c = await startCluster("local", {
      nodes: 2,
      appProcess: { app: { kind: "command", command: ["erl", "-noshell", "-eval", "timer:sleep(1500), {ok, _} = net_kernel:start(['{full_name}', longnames])."], cwd: tmp } },
      bootTimeoutMs: 60_000,
      logDir: logs("late-dist"),
    });
    try {
      expect(await viewOf(c, "n1")).toEqual(["n2@127.0.0.1"]);
      cookieOnNoArgv(c);
      expect(await pingWithCookie("n2@127.0.0.1", c.node("n2").distPort, c.cookie)).toBe("pong");
    } finally {
      await c.stop();
    }
    expect(withMarker(c.runId)).toEqual([]);
  });

  it("a program that distributes under another name: an error naming both names, nothing left behind", async () => {
    const before = new Set(harnessChildren().map((p) => p.pid));
    const err = await startCluster("local", {
      nodes: 2,
      appProcess: { app: { kind: "command", command: ["erl", "-noshell", "-eval", "net_kernel:start(['other_{node}@127.0.0.1', longnames])."], cwd: tmp } },
      bootTimeoutMs: 30_000,
    }).then(() => undefined, (e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    console.log(`wrong name reported as:\n${err!.message.slice(0, 400)}`);
    expect(err!.message).toMatch(/the node is distributed as other_n[12]@127\.0\.0\.1, but netsplit expected n[12]@127\.0\.0\.1/);
    const left = harnessChildren().filter((p) => !before.has(p.pid));
    expect(left).toEqual([]);
  });
});

describe("a harness that dies", () => {
  /**
   * A harness process owning a 2-node cluster of the release `target` (or, with "command", of
   * plain `erl` commands); with `then` = "pause", n1 is SIGSTOPped (it cannot notice the harness
   * die; only a sweep ends it). Resolves with its run id and node pids.
   */
  function startHarness(target: string, then = "") {
    const script = `
      import { startCluster } from ${JSON.stringify(pathToFileURL(path.join(HERE, "registry.ts")).href)};
      const [target, cwd, then] = process.argv.slice(1);
      const cluster = await startCluster("local", {
        nodes: 2,
        appProcess: target === "command"
          ? { app: { kind: "command", command: ["erl", "-noshell", "-name", "{full_name}"], cwd } }
          : { app: { kind: "release", releaseDir: target } },
        bootTimeoutMs: 60000,
      });
      if (then === "pause") await cluster.pause("n1");
      console.log("CLUSTER " + cluster.runId + " " + cluster.nodes.map((n) => n.pid).join(" "));
      setInterval(() => undefined, 1 << 30);
    `;
    // node itself (not the tsx wrapper, whose child would survive the SIGKILL)
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "--eval", script, target, tmp, then], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const cluster = new Promise<{ runId: string; pids: number[] }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no cluster within 90 s: ${out}`)), 90_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /CLUSTER (\S+) ([\d ]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve({ runId: m[1]!, pids: m[2]!.trim().split(" ").map(Number) });
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      void exited.then(() => reject(new Error(`the harness exited: ${out}`)));
    });
    return { child, cluster, exited };
  }


  it.each([["release"], ["command"]])("SIGKILL of the harness: its %s nodes halt (the watched pipe closes), the next sweep ends its epmd", async (kind) => {
    const h = startHarness(kind === "release" ? releaseDir : "command");
    const { runId, pids } = await h.cluster;
    expect(withMarker(runId).length).toBe(pids.length + 1); // the nodes and the run's epmd
    h.child.kill("SIGKILL");
    await h.exited;
    const ms = await until(() => withMarker(runId).every((p) => p.comm === "epmd"), 15_000);
    console.log(`harness SIGKILLed: its ${kind} nodes were gone ${Math.round(ms)} ms later`);
    expect(withMarker(runId).map((p) => p.argv[0])).toEqual([`netsplit-epmd-${runId}`]);
    expect(sweepLeftovers()).toBeGreaterThanOrEqual(1);
    await until(() => withMarker(runId).length === 0, 5_000);
  });

  it("SIGKILL of the harness with a paused release node: the next harness's sweep kills it", async () => {
    const h = startHarness(releaseDir, "pause");
    const { runId, pids } = await h.cluster;
    h.child.kill("SIGKILL");
    await h.exited;
    await until(() => withMarker(runId).length === 2, 15_000);
    expect(withMarker(runId).map((p) => p.pid)).toContain(pids[0]); // the paused node (and the epmd)
    expect(sweepLeftovers()).toBeGreaterThanOrEqual(2);
    await until(() => withMarker(runId).length === 0, 5_000);
  });

  it("SIGTERM of the harness: every release node is killed", async () => {
    const h = startHarness(releaseDir);
    const { runId } = await h.cluster;
    h.child.kill("SIGTERM");
    await h.exited;
    expect(h.child.exitCode ?? h.child.signalCode).toBe(143);
    await until(() => withMarker(runId).length === 0, 5_000);
  });
});

describe("netsplit's own nodes (the default launch of the shared startNodeProcess)", () => {
  it("still boot, mesh and stop with nothing left behind", async () => {
    const c = await startCluster("local", { nodes: 2, bootTimeoutMs: 60_000 });
    try {
      expect(await viewOf(c, "n1")).toEqual(["n2@127.0.0.1"]);
      for (const n of c.nodes) {
        expect(readFileSync(`/proc/${n.pid}/environ`, "utf8")).not.toContain("NETSPLIT_WATCH_FD");
        expect(pgrpOf(n.pid)).not.toBe(n.pid); // no process group of its own
      }
      for (const p of allProcesses()) expect(p.cmdline).not.toContain(c.cookie);
    } finally {
      await c.stop();
    }
    expect(withMarker(c.runId)).toEqual([]);
  });
});
