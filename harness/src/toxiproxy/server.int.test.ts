// Integration: starting and stopping a REAL toxiproxy-server, and how startup fails.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PrerequisiteError, ProcessError, UsageError } from "../errors.js";
import { freePort } from "../util/ports.js";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { sweepLeftovers } from "../runtime/reaper.js";
import { resolveToxiproxyServer } from "./binary.js";
import { reaperMarker, startToxiproxyServer } from "./server.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "netsplit-toxiproxy-test-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes an executable shell script and returns its path. */
function script(body: string): string {
  const file = path.join(tempDir(), "fake-toxiproxy-server");
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("startToxiproxyServer", () => {
  it("starts on a free loopback port, answers, and stops (process really gone)", async () => {
    const server = await startToxiproxyServer();
    cleanups.push(() => server.stop());
    expect(server.host).toBe("127.0.0.1");
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.version).not.toBe("");
    expect(isRunning(server.pid)).toBe(true);
    expect(await server.api.listProxies()).toEqual([]);
    await server.stop();
    expect(() => process.kill(server.pid, 0)).toThrow();
    await server.stop(); // idempotent
  });

  it("is AsyncDisposable: `await using` stops it", async () => {
    let pid = -1;
    {
      await using server = await startToxiproxyServer();
      pid = server.pid;
      expect(isRunning(pid)).toBe(true);
    }
    expect(isRunning(pid)).toBe(false);
  });

  it("two servers get distinct ports", async () => {
    await using a = await startToxiproxyServer();
    await using b = await startToxiproxyServer();
    expect(a.port).not.toBe(b.port);
  });

  it("appends the server's output to logFile", async () => {
    const logFile = path.join(tempDir(), "logs", "toxiproxy.log");
    fs.mkdirSync(path.dirname(logFile));
    fs.writeFileSync(logFile, "earlier line\n");
    const server = await startToxiproxyServer({ logFile });
    await server.stop();
    const log = fs.readFileSync(logFile, "utf8");
    expect(log.startsWith("earlier line\n")).toBe(true);
    expect(log).toContain("Starting Toxiproxy");
  });

  it("a bad binary path is a PrerequisiteError quoting the path", async () => {
    const err = await startToxiproxyServer({ binary: "/nonexistent/toxiproxy-server" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrerequisiteError);
    expect((err as Error).message).toContain('"/nonexistent/toxiproxy-server"');
    const notExecutable = path.join(tempDir(), "plain-file");
    fs.writeFileSync(notExecutable, "");
    await expect(startToxiproxyServer({ binary: notExecutable })).rejects.toMatchObject({
      code: "toxiproxy_server_not_executable",
    });
  });

  it("refuses a non-loopback API host unless allowed", async () => {
    await expect(startToxiproxyServer({ host: "0.0.0.0" })).rejects.toBeInstanceOf(UsageError);
  });

  it("a binary that exits early is a ProcessError quoting its output", async () => {
    const binary = script('echo "boom: no such flag" >&2; exit 3');
    const err = await startToxiproxyServer({ binary }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessError);
    expect(err).toMatchObject({ code: "toxiproxy_server_exited" });
    expect((err as Error).message).toContain(`"${binary}"`);
    expect((err as Error).message).toContain("exited with code 3");
    expect((err as Error).message).toContain("boom: no such flag");
  });

  it("a binary that never answers times out and is killed", async () => {
    const pidFile = path.join(tempDir(), "pid");
    const binary = script(`echo $$ > ${pidFile}; echo "starting but never listening"; exec sleep 60`);
    const err = await startToxiproxyServer({ binary, startupTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "toxiproxy_server_start_timeout" });
    expect((err as Error).message).toMatch(/did not answer GET \/version within 300ms/);
    expect((err as Error).message).toContain("starting but never listening");
    expect(isRunning(Number(fs.readFileSync(pidFile, "utf8")))).toBe(false);
  });

  it("retries on a new port when the chosen one was taken (and kills the failed attempts)", async () => {
    const dir = tempDir();
    const real = resolveToxiproxyServer();
    // Attempts 1 and 2 behave like toxiproxy-server whose port got taken: log the bind error, idle.
    const binary = script(
      `n=$(cat ${dir}/count 2>/dev/null || echo 0); echo $((n+1)) > ${dir}/count; echo $$ >> ${dir}/pids\n` +
        `if [ "$n" -lt 2 ]; then echo '{"level":"error","error":"listen tcp: bind: address already in use","message":"Server finished with error"}'; exec sleep 60; fi\n` +
        `exec "${real}" "$@"`,
    );
    await using server = await startToxiproxyServer({ binary });
    expect(await server.api.listProxies()).toEqual([]);
    const pids = fs.readFileSync(path.join(dir, "pids"), "utf8").trim().split("\n").map(Number);
    expect(pids).toHaveLength(3);
    expect(pids.slice(0, 2).map(isRunning)).toEqual([false, false]);
    expect(pids[2]).toBe(server.pid);
  });

  it("gives up after 3 attempts when the port is taken every time", async () => {
    const binary = script(`echo "bind: address already in use"; exec sleep 60`);
    await expect(startToxiproxyServer({ binary })).rejects.toMatchObject({ code: "toxiproxy_server_port_taken" });
  });

  it("SIGKILLs a server that ignores SIGTERM", async () => {
    const pidFile = path.join(tempDir(), "pid");
    const binary = script(`trap "" TERM; echo $$ > ${pidFile}; exec sleep 60`);
    await expect(startToxiproxyServer({ binary, startupTimeoutMs: 100 })).rejects.toMatchObject({
      code: "toxiproxy_server_start_timeout",
    });
    expect(isRunning(Number(fs.readFileSync(pidFile, "utf8")))).toBe(false);
  });

  it("an explicit port that is taken fails clearly (no retry) and leaves nothing running", async () => {
    const blocker = net.createServer((socket) => socket.destroy());
    const port = await freePort("127.0.0.1");
    await new Promise<void>((resolve) => blocker.listen({ host: "127.0.0.1", port }, resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const err = await startToxiproxyServer({ port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessError);
    expect(err).toMatchObject({ code: "toxiproxy_server_port_taken" });
    expect((err as Error).message).toContain(`port ${port} is already in use`);
  });
});

describe("resolveToxiproxyServer", () => {
  it("prefers TOXIPROXY_SERVER and checks it exists", () => {
    const binary = script("exit 0");
    expect(resolveToxiproxyServer({ TOXIPROXY_SERVER: binary })).toBe(binary);
    expect(() => resolveToxiproxyServer({ TOXIPROXY_SERVER: "/nope/toxiproxy-server" })).toThrow(
      /TOXIPROXY_SERVER points to "\/nope\/toxiproxy-server", which does not exist/,
    );
  });

  it("falls back to the repo's .netsplit/tools/bin", () => {
    expect(resolveToxiproxyServer({ PATH: "" })).toMatch(/\.netsplit\/tools\/bin\/toxiproxy-server$/);
  });
});

/** Points the reaper's state folder at a fresh temp dir until the test's cleanups run. */
function tempStateDir(): string {
  const dir = tempDir();
  const before = process.env.NETSPLIT_STATE_DIR;
  process.env.NETSPLIT_STATE_DIR = dir;
  cleanups.push(() => {
    if (before === undefined) delete process.env.NETSPLIT_STATE_DIR;
    else process.env.NETSPLIT_STATE_DIR = before;
  });
  return dir;
}

function pidFileEntries(stateDir: string, owner: number): Array<{ pid: number; label: string; marker: string }> {
  try {
    return JSON.parse(fs.readFileSync(path.join(stateDir, "pids", `${owner}.json`), "utf8")) as Array<{ pid: number; label: string; marker: string }>;
  } catch {
    return [];
  }
}

/** Gone, or a zombie nobody reaps (PID 1 of a container may not). */
function isGone(pid: number): boolean {
  if (!isRunning(pid)) return true;
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").startsWith("Z");
  } catch {
    return true;
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe("toxiproxy-server and the process reaper", () => {
  it("is tracked in the pid file while it runs (marker in its cmdline) and untracked once stopped", async () => {
    const stateDir = tempStateDir();
    const server = await startToxiproxyServer({ proxyMetrics: true });
    cleanups.push(() => server.stop());
    const marker = reaperMarker(server.host, server.port);
    expect(pidFileEntries(stateDir, process.pid)).toContainEqual({ pid: server.pid, label: "toxiproxy-server", marker });
    expect(fs.readFileSync(`/proc/${server.pid}/cmdline`, "utf8").replaceAll("\0", " ")).toContain(marker);
    await server.stop();
    expect(pidFileEntries(stateDir, process.pid).map((e) => e.pid)).not.toContain(server.pid);
  });

  it("a harness killed with SIGKILL leaves a pid file; the next run's sweep kills its server", async () => {
    const stateDir = tempStateDir();
    const serverModule = fileURLToPath(new URL("./server.ts", import.meta.url));
    const harness = path.join(tempDir(), "harness.mts");
    fs.writeFileSync(
      harness,
      `import { startToxiproxyServer } from ${JSON.stringify(serverModule)};\n` +
        "const server = await startToxiproxyServer();\n" +
        "process.stdout.write(`${server.pid}\\n`);\n" +
        "setInterval(() => {}, 60_000);\n",
    );
    const child = spawn(process.execPath, ["--import", "tsx", harness], {
      cwd: fileURLToPath(new URL("../../..", import.meta.url)),
      env: { ...process.env, NETSPLIT_STATE_DIR: stateDir },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    cleanups.push(async () => {
      child.kill("SIGKILL");
      await exited;
    });
    const serverPid = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(Number(out.trim()));
      });
      child.once("exit", (code) => reject(new Error(`the child harness exited (${String(code)}) before printing a pid`)));
    });
    cleanups.push(() => {
      try {
        process.kill(serverPid, "SIGKILL");
      } catch {
        // swept, as it should be
      }
    });
    expect(pidFileEntries(stateDir, child.pid ?? -1).map((e) => [e.pid, e.label])).toEqual([[serverPid, "toxiproxy-server"]]);

    child.kill("SIGKILL"); // no exit handler runs: the server survives its harness
    await exited;
    expect(isGone(serverPid)).toBe(false);
    expect(sweepLeftovers()).toBe(1);
    expect(await until(() => isGone(serverPid), 2000)).toBe(true);
    expect(fs.readdirSync(path.join(stateDir, "pids"))).toEqual([]);
  });
});
