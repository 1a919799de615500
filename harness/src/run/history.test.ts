import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { History, HISTORY_VERSION, historyVersion } from "./history.js";

const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "report", "testdata");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("the history format version", () => {
  it("reads the committed fixtures, written before versions were stored, as version 1", () => {
    for (const name of ["majority-minority-split", "mixed-faults"]) {
      const read = History.read(path.join(TESTDATA, name, "history.msgpack"));
      expect(read.version).toBe(1);
      expect(read.truncated).toBe(false);
      expect(read.entries[0]?.type).toBe("run_start");
    }
  });

  it("reads back the version a run stores in run_start", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsplit-history-"));
    dirs.push(dir);
    const file = path.join(dir, "history.msgpack");
    const h = new History(file);
    h.record("run_start", { scenario: "s", description: undefined, file: "s.yaml", netsplit: "0", seed: 1, runtime: "local", kernel: {}, nodes: ["n1", "n2"], reconnect: false, history_version: HISTORY_VERSION });
    h.record("phase", { name: "prepare", ms: 3 });
    const read = History.read(file);
    expect(read.version).toBe(HISTORY_VERSION);
    expect(read.entries.map((e) => e.type)).toEqual(["run_start", "phase"]);
  });

  it("takes a missing or malformed version as 1", () => {
    expect(historyVersion([])).toBe(1);
    expect(historyVersion([{ t: 0, type: "run_start", history_version: "2" }])).toBe(1);
    expect(historyVersion([{ t: 0, type: "run_start", history_version: 7 }])).toBe(7);
  });
});
