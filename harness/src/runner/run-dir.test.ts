/**
 * Run directories of runs that start at the same moment never collide: not two runs of one
 * process, not runs of several processes (runDirFor relies on mkdir's atomic EEXIST).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runDirFor } from "./run-dir.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = mkdtempSync(path.join(os.tmpdir(), "netsplit-rundir-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const AT = Date.parse("2026-11-21T10:06:40.677Z");

describe("runDirFor", () => {
  it("gives runs started in the same millisecond distinct directories, each with logs/", () => {
    const dirs = [runDirFor(out, "same", AT), runDirFor(out, "same", AT), runDirFor(out, "same", AT)];
    expect(dirs.map((d) => path.basename(d))).toEqual(["2026-11-21T10-06-40-677Z", "2026-11-21T10-06-40-677Z-2", "2026-11-21T10-06-40-677Z-3"]);
    for (const d of dirs) expect(existsSync(path.join(d, "logs"))).toBe(true);
    expect(readlinkSync(path.join(out, "same", "latest"))).toBe("2026-11-21T10-06-40-677Z-3");
  });

  it("does so across processes starting at once, and leaves `latest` pointing at one of them", async () => {
    const code = `const { runDirFor } = await import(${JSON.stringify(path.join(here, "run.ts"))});
      console.log(runDirFor(${JSON.stringify(out)}, "procs", ${AT}));`;
    const runs = await Promise.all([1, 2, 3, 4].map(() => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
      let text = "";
      child.stdout.on("data", (d: Buffer) => (text += d.toString()));
      child.once("exit", (c) => (c === 0 ? resolve(text.trim()) : reject(new Error(`runDirFor in a child exited with ${c}`))));
    })));
    expect(new Set(runs).size).toBe(4);
    const names = readdirSync(path.join(out, "procs")).filter((n) => n !== "latest").sort();
    expect(names).toEqual(runs.map((r) => path.basename(r)).sort());
    expect(names).toContain(readlinkSync(path.join(out, "procs", "latest")));
  }, 60_000);
});
