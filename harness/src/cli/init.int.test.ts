/**
 * The README's two commands for a first scenario, on real nodes: `netsplit init FILE` then
 * `netsplit run FILE` passes and leaves a report.
 */
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { harnessChildren } from "../testing/procs.js";
import { runCli } from "./main.js";

const dir = mkdtempSync(path.join(tmpdir(), "netsplit-init-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("`netsplit init FILE` then `netsplit run FILE`: every check passes and the report is written", async () => {
  let out = "";
  const io = { out: (s: string) => (out += s), err: (s: string) => (out += s) };
  const file = path.join(dir, "my-split.yaml");
  const runs = path.join(dir, "runs");
  expect(await runCli(["init", file], io)).toBe(0);
  expect(await runCli(["run", file, "--out", runs], io), out).toBe(0);
  expect(out).toContain("verdict: PASS");
  const latest = realpathSync(path.join(runs, "my-split", "latest"));
  for (const f of ["report.html", "report.md", "junit.xml", "results.json"]) expect(existsSync(path.join(latest, f)), f).toBe(true);
  const results = JSON.parse(readFileSync(path.join(latest, "results.json"), "utf8")) as { checks: { name: string; verdict: string }[] };
  expect(results.checks.map((c) => `${c.name}:${c.verdict}`)).toEqual(["cluster.sees:pass", "cluster.mesh:pass", "pg.converged:pass", "global.names_unique:pass"]);
  expect(harnessChildren()).toEqual([]);
});
