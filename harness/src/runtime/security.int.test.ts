/**
 * The security guarantees of a local run (issue 8), proved on real nodes and a real Toxiproxy:
 * a fresh random cookie and control secret per run that never reach a command line; the user's
 * ~/.erlang.cookie and ~/.erlang neither read, evaluated nor created; every listening socket of
 * the run on loopback; control clients that do not authenticate are refused or dropped.
 * (A client presenting the wrong secret is refused: "a client without the run's secret is
 * refused" in cluster.int.test.ts.)
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeFrame, FrameDecoder } from "../agent/codec.js";
import { allProcesses, harnessChildren } from "../testing/procs.js";
import { listeningSockets } from "../testing/sockets.js";
import { beamPaths } from "../util/paths.js";
import type { StartedCluster } from "./cluster.js";
import { startLocalCluster } from "./local.js";

const FILE_COOKIE = "cookiefromtheusershomefolder";
const secretOf = (c: StartedCluster) => (c as unknown as { secret: string }).secret;

function environ(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
  return new Map(entries.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

/**
 * Starts a hidden node with `cookie` (its HOME's cookie file) that dials `target` directly on its
 * distribution port and prints what net_adm:ping answered: "pong" (same cookie) or "pang".
 */
function pingWithCookie(target: string, distPort: number, cookie: string, tmp: string): Promise<string> {
  const { erl, elixirEbins, agentEbin } = beamPaths();
  const home = mkdtempSync(path.join(tmp, "probe-home-"));
  writeFileSync(path.join(home, ".erlang.cookie"), cookie, { mode: 0o400 });
  const name = `probe${randomBytes(4).toString("hex")}@127.0.0.1`;
  const child = spawn(erl, [
    "-noinput", "-hidden", "-name", name, "-start_epmd", "false", "-epmd_module", "Elixir.Netsplit.Epmd",
    "-kernel", "net_setuptime", "5",
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
      reject(new Error(`the probe node did not finish within 30 s: ${out}`));
    }, 30_000);
    child.once("exit", () => {
      clearTimeout(timer);
      const m = /ping=(\w+)/.exec(out);
      if (m) resolve(m[1]!);
      else reject(new Error(`the probe node printed no ping result: ${out}`));
    });
  });
}

/** Opens a raw TCP connection to a control port; `closed` resolves with the ms it stayed open. */
function rawClient(port: number) {
  const socket = net.createConnection({ host: "127.0.0.1", port });
  const opened = performance.now();
  const frames: Record<string, unknown>[] = [];
  const decoder = new FrameDecoder();
  socket.on("data", (d: Buffer) => frames.push(...(decoder.push(d) as Record<string, unknown>[])));
  socket.on("error", () => undefined);
  const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(performance.now() - opened)));
  const connected = new Promise<void>((resolve) => socket.once("connect", resolve));
  return { socket, frames, closed, connected };
}

describe("security of a local run", () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "netsplit-security-"));
  const userHome = path.join(tmp, "home-with-cookie");
  const emptyHome = path.join(tmp, "home-empty");
  const marker = path.join(tmp, "dot-erlang-was-evaluated");
  const saved = { HOME: process.env.HOME, ERL_AFLAGS: process.env.ERL_AFLAGS };
  let cluster: StartedCluster;

  beforeAll(async () => {
    mkdirSync(userHome, { mode: 0o700 });
    mkdirSync(emptyHome, { mode: 0o700 });
    writeFileSync(path.join(userHome, ".erlang.cookie"), FILE_COOKIE);
    chmodSync(path.join(userHome, ".erlang.cookie"), 0o400);
    writeFileSync(path.join(userHome, ".erlang"), `file:write_file("${marker}", <<"evaluated">>).\n`);
    // the harness's user: a home with a cookie file and a .erlang, and an ERL_AFLAGS that would set a cookie
    process.env.HOME = userHome;
    process.env.ERL_AFLAGS = `-setcookie ${FILE_COOKIE}`;
    cluster = await startLocalCluster({ nodes: 3 });
  });

  afterAll(async () => {
    await cluster?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(tmp, { recursive: true, force: true });
    expect(harnessChildren()).toEqual([]);
  });

  it("draws a fresh random cookie and control secret for every cluster", async () => {
    process.env.HOME = emptyHome;
    let otherHome = "";
    const other = await startLocalCluster({ nodes: 3 });
    process.env.HOME = userHome;
    try {
      expect(other.isMeshed()).toBe(true);
      for (const c of [cluster, other]) {
        expect(c.cookie).toMatch(/^[0-9a-f]{48}$/);
        expect(secretOf(c)).toMatch(/^[0-9a-f]{64}$/);
      }
      expect(other.cookie).not.toBe(cluster.cookie);
      expect(secretOf(other)).not.toBe(secretOf(cluster));
      expect(other.runId).not.toBe(cluster.runId);
      // each run's nodes have a HOME of the run's own, holding only the run's cookie, for the owner only
      for (const c of [cluster, other]) {
        const home = environ(c.nodes[0]!.pid).get("HOME")!;
        expect(c.nodes.map((n) => environ(n.pid).get("HOME"))).toEqual(c.nodes.map(() => home));
        expect(home).not.toBe(userHome);
        expect(readdirSync(home)).toEqual([".erlang.cookie"]);
        expect(readFileSync(path.join(home, ".erlang.cookie"), "utf8")).toBe(c.cookie);
        expect(statSync(home).mode & 0o777).toBe(0o700);
        expect(statSync(path.join(home, ".erlang.cookie")).mode & 0o777).toBe(0o400);
      }
      otherHome = environ(other.nodes[0]!.pid).get("HOME")!;
    } finally {
      await other.stop();
    }
    // stopping a cluster removes its nodes' HOME, cookie included
    expect(existsSync(otherHome)).toBe(false);
    // nothing was written into the (empty) home of the harness's user
    expect(readdirSync(emptyHome)).toEqual([]);
  });

  it("puts the cookie and secret in the nodes' environment, never on any command line", () => {
    const cookie = cluster.cookie;
    const secret = secretOf(cluster);
    const leaks = allProcesses().filter((p) => p.cmdline.includes(cookie) || p.cmdline.includes(secret));
    expect(leaks.map((p) => `${p.pid} ${p.comm}`)).toEqual([]);
    // the processes we looked at are the run's: their command lines carry the run id, their environment the secrets
    const procs = allProcesses().filter((p) => cluster.nodes.some((n) => n.pid === p.pid));
    expect(procs.map((p) => p.pid).sort()).toEqual(cluster.nodes.map((n) => n.pid).sort());
    for (const p of procs) {
      expect(p.cmdline).toContain(cluster.runId);
      const env = environ(p.pid);
      expect(env.get("NETSPLIT_SECRET")).toBe(secret);
      // only what the harness passes: none of the user's ERL_* variables (ERL_AFLAGS sets a cookie
      // here); ERL_EPMD_PORT is netsplit's own, the run's epmd daemon on loopback
      expect([...env.keys()].filter((k) => /^ERL_/.test(k))).toEqual(["ERL_EPMD_PORT"]);
      expect(env.get("ERL_EPMD_PORT")).toMatch(/^\d+$/);
      expect([...env.values()].some((v) => v.includes(cookie))).toBe(false);
    }
    const toxiproxy = allProcesses().find((p) => p.pid === cluster.toxiproxy.pid);
    expect(toxiproxy?.cmdline).toMatch(/toxiproxy-server/);
  });

  it("nodes use the run's cookie, not the user's ~/.erlang.cookie, and never evaluate ~/.erlang", async () => {
    const n1 = cluster.node("n1");
    // a hidden node with the cookie from the user's file is refused; with the run's cookie it gets in
    expect(existsSync(marker)).toBe(false);
    expect(await pingWithCookie(n1.fullName, n1.distPort, FILE_COOKIE, tmp)).toBe("pang");
    expect(await pingWithCookie(n1.fullName, n1.distPort, cluster.cookie, tmp)).toBe("pong");
    expect(readFileSync(path.join(userHome, ".erlang.cookie"), "utf8")).toBe(FILE_COOKIE);
    expect(readdirSync(userHome).sort()).toEqual([".erlang", ".erlang.cookie"]);
  });

  it("every socket the run listens on is bound to 127.0.0.1: distribution, control, Toxiproxy API, proxies", async () => {
    const pids = [...cluster.nodes.map((n) => n.pid), cluster.toxiproxy.pid];
    const sockets = listeningSockets(pids);
    const notLoopback = sockets.filter((s) => s.family !== 4 || s.address !== "127.0.0.1");
    expect(notLoopback).toEqual([]);
    const port = (hostPort: string) => Number(hostPort.split(":").at(-1));
    const expected = [
      ...cluster.nodes.map((n) => n.distPort),
      ...cluster.nodes.map((n) => n.controlPort),
      cluster.toxiproxy.port,
      ...[...cluster.proxyListen.values()].map(port),
    ];
    // exactly the sockets we know of, each held by the process it belongs to: nothing else listens
    expect(sockets.map((s) => s.port).sort()).toEqual(expected.sort());
    for (const n of cluster.nodes) {
      expect(sockets.filter((s) => s.pid === n.pid).map((s) => s.port).sort()).toEqual([n.distPort, n.controlPort].sort());
    }
    expect(cluster.proxyListen.size).toBe(6);
  });

  it("drops a control client that connects but never authenticates, within the hello deadline (5 s)", async () => {
    const c = rawClient(cluster.node("n2").controlPort);
    await c.connected;
    const openMs = await c.closed;
    expect(c.frames).toEqual([]);
    expect(openMs).toBeGreaterThan(4000); // closed by the hello timer, not at once
    expect(openMs).toBeLessThan(30_000);
    // the node is unharmed
    await expect(cluster.agent("n2").call("view")).resolves.toMatchObject({ node: "n2@127.0.0.1" });
  });

  it("refuses a request sent before the hello, and drops garbage and oversized frames", async () => {
    const n3 = cluster.node("n3").controlPort;
    const early = rawClient(n3);
    await early.connected;
    early.socket.write(encodeFrame({ id: 7, op: "view", args: {} }));
    const earlyMs = await early.closed;
    expect(early.frames).toEqual([{ id: 7, ok: false, error: "unauthorized" }]);
    expect(earlyMs).toBeLessThan(4000);

    const garbage = rawClient(n3);
    await garbage.connected;
    garbage.socket.write(Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from([0xc1, 0xc1, 0xc1])]));
    expect(await garbage.closed).toBeLessThan(4000);
    expect(garbage.frames).toEqual([]);

    const huge = rawClient(n3);
    await huge.connected;
    const header = Buffer.alloc(4);
    header.writeUInt32BE(0x7fffffff);
    huge.socket.write(header);
    expect(await huge.closed).toBeLessThan(4000);

    await expect(cluster.agent("n3").call("view")).resolves.toMatchObject({ node: "n3@127.0.0.1" });
  });
});
