/**
 * Horde workloads on real nodes behind a real Toxiproxy.
 *
 * Without Horde (always run, whatever NETSPLIT_HORDE_PATH says): a shipped Horde scenario runs its
 * non-Horde parts and reports every Horde check `skipped` with the reason, in the live output,
 * results.json, junit.xml (`<skipped>`), report.md and report.html; a code path that lacks
 * Horde's applications is named in the reason; a --horde-path that is not a directory is bad input.
 *
 * With Horde (NETSPLIT_HORDE_PATH=ebin dirs; skipped, with the reason in the test name, when it is
 * not set): every shipped scenarios/horde-*.yaml runs, its Horde checks are decided from real
 * censuses (pass or fail: Horde's behaviour is what is measured, not assumed), the history holds
 * the census samples and the report draws them; and trapping workers are run once to show a
 * verdict that names what the census found.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/main.js";
import { History, type HistoryEntry } from "../run/history.js";
import { runScenario } from "../runner/run.js";
import { loadScenarioFile, normalizeScenarioObject, unwrapScenario } from "../scenario/load.js";
import { harnessChildren } from "../testing/procs.js";
import { REPO_ROOT } from "../util/paths.js";
import { HORDE_PATH_ENV, hordePathFromEnv } from "./supply.js";
import type { HordeCheckData } from "./verdict.js";

const outDir = mkdtempSync(path.join(tmpdir(), "netsplit-horde-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const SCENARIOS = path.join(REPO_ROOT, "scenarios");
const hordeFiles = readdirSync(SCENARIOS).filter((f) => f.startsWith("horde-") && f.endsWith(".yaml")).sort();
const hordePath = hordePathFromEnv();
const noHorde = hordePath.length === 0 ? `set ${HORDE_PATH_ENV} to Horde's ebin directories to run these (see the README's Horde section)` : null;
if (noHorde) console.warn(`Horde integration tests skipped: ${noHorde}`);

type Results = Awaited<ReturnType<typeof runScenario>>["results"];

describe("a shipped Horde scenario without Horde (netsplit run, no Horde code path)", () => {
  let code: number;
  let out = "";
  let err = "";
  let runDir: string;
  let results: Results;
  beforeAll(async () => {
    const saved = process.env[HORDE_PATH_ENV];
    delete process.env[HORDE_PATH_ENV];
    try {
      code = await runCli(["run", path.join(SCENARIOS, "horde-split-many-keys.yaml"), "--out", outDir, "--reporter", "json"], { out: (s) => (out += s), err: (s) => (err += s) });
    } finally {
      if (saved !== undefined) process.env[HORDE_PATH_ENV] = saved;
    }
    results = JSON.parse(out) as Results;
    runDir = (results as Results & { run_dir: string }).run_dir;
    expect(harnessChildren()).toEqual([]);
  });

  const REASON = /^Horde is not available \(Horde\.Registry is not loaded on n1, n2, n3, n4, n5: no Horde code path was given \(hex\.pm is unreachable here\); give the ebin directories of horde, delta_crdt, merkle_map, libring, telemetry, telemetry_poller with --horde-path DIR\[:DIR\.\.\.\] or NETSPLIT_HORDE_PATH=DIR:DIR .*README\)$/;

  it("runs the non-Horde parts and passes: skipped checks do not count", () => {
    expect(code, err).toBe(0);
    expect(results.verdict).toBe("pass");
    expect(results.checks.map((c) => `${c.name}${c.mid_run ? " (mid-run)" : ""}: ${c.verdict}`)).toEqual([
      "cluster.sees (mid-run): pass",
      "horde.no_loss (mid-run): skipped",
      "cluster.mesh: pass",
      "horde.unique: skipped",
      "horde.no_loss: skipped",
    ]);
  });

  it("says why in the live output, results.json and the history", () => {
    expect(err).toMatch(/SKIPPED the Horde workload: Horde is not available \(Horde\.Registry is not loaded on n1, n2, n3, n4, n5: no Horde code path was given/);
    expect(err).toMatch(/SKIPPED horde\.unique: Horde is not available \(/);
    const onDisk = JSON.parse(readFileSync(path.join(runDir, "results.json"), "utf8")) as Results;
    for (const c of onDisk.checks.filter((x) => x.name.startsWith("horde."))) expect(c.detail).toMatch(REASON);
    const history = History.read(path.join(runDir, "history.msgpack")).entries;
    expect(history.find((e) => e.type === "horde_skipped")?.reason).toMatch(REASON);
    expect(history.some((e) => e.type === "horde_sample")).toBe(false);
  });

  it("junit.xml has a <skipped> with the reason for each Horde check; the reports say it too", () => {
    const junit = readFileSync(path.join(runDir, "junit.xml"), "utf8");
    const skipped = [...junit.matchAll(/<testcase [^>]*name="([^"]+)"[^>]*>\s*<skipped message="([^"]*)"\/>/g)].map((m) => [m[1], m[2]]);
    expect(skipped.map(([name]) => name).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/horde\.no_loss/), expect.stringMatching(/horde\.unique/)]));
    for (const [, message] of skipped) expect(message).toMatch(/^Horde is not available \(Horde\.Registry is not loaded on n1, n2, n3, n4, n5: no Horde code path was given/);
    const md = readFileSync(path.join(runDir, "report.md"), "utf8");
    expect(md).toMatch(/horde\.unique/);
    expect(md).toMatch(/Horde is not available \(Horde\.Registry is not loaded/);
    const html = readFileSync(path.join(runDir, "report.html"), "utf8");
    expect(html).toMatch(/No Horde census in this run: Horde is not available \(Horde\.Registry is not loaded/);
  });
});

describe("Horde code paths that lack applications, and bad --horde-path values", () => {
  it("names the applications missing from the code paths given", async () => {
    const lib = path.join(outDir, "partial-lib");
    mkdirSync(path.join(lib, "telemetry", "ebin"), { recursive: true });
    writeFileSync(path.join(lib, "telemetry", "ebin", "telemetry.app"), "{application, telemetry, []}.\n");
    const scenario = unwrapScenario(normalizeScenarioObject({
      netsplit: 1, name: "horde-partial-path", seed: 1, cluster: { nodes: 2, reconnect: { interval_ms: 200 } },
      workload: { horde: [{ keys: 2 }] }, checks: [{ "cluster.mesh": { within: 0 } }, { "horde.unique": {} }],
    }, "horde-partial-path"));
    const { results } = await runScenario(scenario, { outDir, extraCodePaths: [path.join(lib, "telemetry", "ebin")] });
    const unique = results.checks.find((c) => c.name === "horde.unique")!;
    expect(unique.verdict).toBe("skipped");
    expect(unique.detail).toMatch(/^Horde is not available \(Horde\.Registry is not loaded on n1, n2: the code paths given \(.*telemetry\/ebin\) have no horde\.app, delta_crdt\.app, merkle_map\.app, libring\.app, telemetry_poller\.app; give /);
    expect(results.verdict).toBe("pass");
  });

  it("refuses a --horde-path that is not a directory, before anything runs (exit 254)", async () => {
    let err = "";
    const code = await runCli(["run", path.join(SCENARIOS, "horde-split-one-key.yaml"), "--horde-path", path.join(outDir, "no-such-dir")], { out: () => undefined, err: (s) => (err += s) });
    expect(code).toBe(254);
    expect(err).toMatch(/--horde-path: .*no-such-dir is not a directory/);
  });
});

/** Every key's report is consistent with the verdict: a failing check has keys that break it, a passing one none. */
function expectCoherent(name: string, verdict: string, data: HordeCheckData, keys: number): void {
  expect(data.keys_total).toBe(keys);
  expect(Object.keys(data.keys)).toHaveLength(keys);
  // horde.no_loss is broken by missing keys only; horde.unique by any anomaly
  const bad = Object.values(data.keys).filter((k) => (name === "horde.no_loss" ? k.anomalies.includes("missing") : k.anomalies.length > 0));
  if (verdict === "pass") expect(bad, name).toEqual([]);
  if (verdict === "fail") expect(bad.length, name).toBeGreaterThan(0);
  for (const k of Object.values(data.keys)) {
    expect(Object.keys(k.registered).length).toBeGreaterThan(0);
    if (k.anomalies.includes("two_live")) expect(k.live.length).toBeGreaterThan(1);
    if (k.anomalies.includes("missing")) expect(k.live).toEqual([]);
  }
}

describe.skipIf(noHorde !== null).each(hordeFiles)("scenarios/%s with Horde", (f) => {
  it("runs; the Horde checks are decided from real censuses and the report draws them", async () => {
    const scenario = unwrapScenario(await loadScenarioFile(path.join(SCENARIOS, f)));
    const log: string[] = [];
    const { results, runDir } = await runScenario(scenario, { outDir, extraCodePaths: hordePath, progress: (l) => log.push(l) });
    const keys = scenario.workload.horde.reduce((s, h) => s + h.keys, 0);
    console.log(`${f}: ${results.verdict}\n${results.checks.map((c) => `  ${c.verdict.toUpperCase()} ${c.name}${c.mid_run ? " (mid-run)" : ""}: ${c.detail}`).join("\n")}`);
    expect(results.error, log.slice(-30).join("\n")).toBeUndefined();
    expect(log.join("\n")).toMatch(/Horde: \d+ keys started and clean in \d+ ms/);
    for (const c of results.checks.filter((x) => x.name.startsWith("horde.") && !x.mid_run)) {
      expect(["pass", "fail"], `${c.name}: ${c.detail}`).toContain(c.verdict);
      expectCoherent(c.name, c.verdict, c.data as HordeCheckData, keys);
      expect((c.data as HordeCheckData).samples.during_faults, "census samples during the faults").toBeGreaterThan(0);
    }
    const history: HistoryEntry[] = History.read(path.join(runDir, "history.msgpack")).entries;
    expect(history.filter((e) => e.type === "horde_sample").length).toBeGreaterThan(5);
    expect(readFileSync(path.join(runDir, "report.html"), "utf8")).toMatch(/id="horde-chart"/);
    expect(harnessChildren()).toEqual([]);
  }, 180_000);
});

describe.skipIf(noHorde !== null)("workers that trap exits, with Horde", () => {
  it("a split and a heal: the verdict names what the census found, key by key", async () => {
    const scenario = unwrapScenario(normalizeScenarioObject({
      netsplit: 1, name: "horde-trap-exit", seed: 3,
      cluster: { nodes: 3, kernel: { net_ticktime: 2 }, reconnect: { interval_ms: 200 } },
      workload: { horde: [{ keys: 6, trap_exit: true }] },
      steps: [{ partition: { isolate: "n3", mode: "reset" } }, { wait: "2s" }, { heal: "all" }, { wait: { until: "mesh", timeout: "10s" } }],
      checks: [{ "horde.no_loss": { within: "5s" } }, { "horde.unique": { within: "5s" } }],
    }, "horde-trap-exit"));
    const { results } = await runScenario(scenario, { outDir, extraCodePaths: hordePath });
    const unique = results.checks.find((c) => c.name === "horde.unique")!;
    console.log(`trap_exit: ${unique.verdict.toUpperCase()} ${unique.detail}`);
    expect(["pass", "fail"]).toContain(unique.verdict);
    const data = unique.data as HordeCheckData;
    expectCoherent("horde.unique", unique.verdict, data, 6);
    for (const [kind, n] of Object.entries(data.counts)) if (n > 0) expect(unique.detail).toContain(`${kind.replaceAll("_", " ").replace("alive unregistered", "alive but unregistered").replace("registered dead", "registered but dead")}: ${n}`);
  }, 120_000);
});

if (noHorde) {
  describe("Horde scenarios with Horde", () => {
    it.skip(`skipped: ${noHorde}`, () => undefined);
  });
}
