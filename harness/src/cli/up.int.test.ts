import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { allProcesses } from "../testing/procs.js";
import { REPO_ROOT } from "../util/paths.js";

function descendants(root: number): number[] {
  const procs = allProcesses();
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const p of procs) if (p.ppid === pid && !out.includes(p.pid)) { out.push(p.pid); walk(p.pid); }
  };
  walk(root);
  return out;
}

describe("netsplit up", () => {
  it("prints every node with its port and remote shell, and Ctrl-C stops everything", async () => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, "bin/netsplit.js"), "up", "--nodes", "3"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    await expect.poll(() => out, { timeout: 30_000, interval: 100 }).toContain("Node events follow");
    for (const n of ["n1", "n2", "n3"]) {
      expect(out).toMatch(new RegExp(`${n}@127\\.0\\.0\\.1  dist port \\d+  pid \\d+`));
      expect(out).toContain(`--remsh ${n}@127.0.0.1`);
    }
    expect(out).toMatch(/Toxiproxy API: http:\/\/127\.0\.0\.1:\d+/);
    const started = descendants(child.pid!);
    expect(started.length).toBeGreaterThanOrEqual(4); // 3 nodes + toxiproxy (+ erl wrappers)
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    await expect.poll(() => started.filter((pid) => allProcesses().some((p) => p.pid === pid && p.cmdline !== "")), { timeout: 5000 }).toEqual([]);
  });

  it("refuses a bad flag with exit 254", async () => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, "bin/netsplit.js"), "up", "--nodes", "zero"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(254);
    expect(err).toContain('--nodes must be a positive integer, got "zero"');
  });
});
