import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/main.js";
import { EXIT } from "../cli/io.js";
import { History, HISTORY_VERSION } from "../run/history.js";
import { buildResults } from "./results.js";
import { fixtureDir, loadFixture } from "./testdata/fixtures.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "netsplit-report-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

function copyRun(name: "majority-minority-split" | "mixed-faults", as: string): string {
  const dir = path.join(tmp, as, "2026-01-01T00-00-00-000Z");
  mkdirSync(dir, { recursive: true });
  cpSync(fixtureDir(name), dir, { recursive: true });
  return dir;
}

describe("netsplit report RUN_DIR", () => {
  it("rebuilds every report of a finished run from its history alone, identical results", async () => {
    const dir = copyRun("majority-minority-split", "done");
    const { code, out } = await cli("report", dir);
    expect(code).toBe(EXIT.pass);
    expect(out).toContain("majority-minority-split: PASS, 6 checks -> ");
    for (const f of ["results.json", "report.md", "junit.xml", "report.html"]) expect(existsSync(path.join(dir, f))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, "results.json"), "utf8"))).toEqual(JSON.parse(JSON.stringify(buildResults(loadFixture("majority-minority-split")))));
    const html = readFileSync(path.join(dir, "report.html"), "utf8");
    expect(html).toContain(`href="scenario.yaml"`);
  });

  it("refuses, saying why, a history in a format newer than this netsplit reads", async () => {
    const dir = copyRun("mixed-faults", "too-new");
    const file = path.join(dir, "history.msgpack");
    const { entries } = History.read(file);
    rmSync(file);
    const h = new History(file);
    for (const e of entries) {
      const { t, type, ...fields } = e;
      if (type === "run_start") h.record("run_start", { ...(fields as object), history_version: HISTORY_VERSION + 1 } as never, t);
      else h.record(type as "log", fields as never, t);
    }
    const { code, err } = await cli("report", dir);
    expect(code).toBe(EXIT.badInput);
    expect(err).toContain(`is in history format ${HISTORY_VERSION + 1}, written by a newer netsplit; this one reads formats 1..${HISTORY_VERSION}`);
  });

  it("accepts the scenario directory (its latest link)", async () => {
    const dir = copyRun("mixed-faults", "latest-link");
    symlinkSync(path.basename(dir), path.join(path.dirname(dir), "latest"));
    const { code, out } = await cli("report", path.dirname(dir));
    expect(code).toBe(EXIT.pass);
    expect(out).toContain("mixed-faults: PASS");
  });

  it("builds a partial report from a history cut off mid-write, and says it is partial", async () => {
    const dir = copyRun("majority-minority-split", "killed");
    const file = path.join(dir, "history.msgpack");
    truncateSync(file, Math.floor(statSync(file).size * 0.4));
    const { code, out } = await cli("report", dir);
    expect(code).toBe(EXIT.pass);
    expect(out).toMatch(/majority-minority-split: UNKNOWN \(PARTIAL\)/);
    expect(out).toMatch(/PARTIAL: the run ended before .*its last entry was cut off mid-write/);
    const results = JSON.parse(readFileSync(path.join(dir, "results.json"), "utf8"));
    expect(results).toMatchObject({ verdict: "unknown", partial: true });
    expect(readFileSync(path.join(dir, "report.html"), "utf8")).toContain("PARTIAL: the run ended before");
    expect(readFileSync(path.join(dir, "report.md"), "utf8")).toContain("> **PARTIAL: the run ended before");
  });

  it("exits 254 with a clear message for a missing or unreadable run directory", async () => {
    let r = await cli("report", path.join(tmp, "nope"));
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toBe(`netsplit: no such run directory: ${path.join(tmp, "nope")}\n`);

    const empty = path.join(tmp, "empty");
    mkdirSync(empty);
    r = await cli("report", empty);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toMatch(/holds no history\.msgpack, so it is not a netsplit run directory/);

    const garbage = path.join(tmp, "garbage");
    mkdirSync(garbage);
    writeFileSync(path.join(garbage, "history.msgpack"), "");
    r = await cli("report", garbage);
    expect(r.code).toBe(EXIT.badInput);
    expect(r.err).toMatch(/holds no run \(0 entries, no run_start\)/);

    r = await cli("report");
    expect(r.code).toBe(EXIT.badInput);
  });

  it("is listed in the help", async () => {
    expect((await cli("--help")).out).toMatch(/report\s+rebuild a run's reports from its stored history/);
    expect((await cli("report", "--help")).out).toMatch(/^Usage: netsplit report RUN_DIR/);
  });
});
