/**
 * The public entry ("netsplit") without a cluster: its exact surface, scenarios from a path, an
 * object, YAML text or an already loaded Scenario, invalid input rejected before anything starts,
 * and a package.json exports map whose every target exists (sources) or is where the build puts it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as netsplit from "./index.js";
import { defineScenario, InvalidScenarioError, loadScenario, parseScenario, reportFiles, runScenario } from "./index.js";
import { REPO_ROOT } from "./util/paths.js";

const dir = mkdtempSync(path.join(tmpdir(), "netsplit-api-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const object = defineScenario({
  netsplit: 1,
  name: "api-object",
  cluster: { nodes: 3, reconnect: { interval_ms: 200 } },
  steps: [{ partition: { isolate: "n3", mode: "reset" } }, { heal: "all" }],
  checks: [{ "cluster.mesh": { within: "5s" } }],
});

const YAML = `netsplit: 1
cluster: { nodes: [a, b, c] }
checks:
  - cluster.mesh: { within: 2s }
`;

it("exports exactly the curated surface", () => {
  expect(Object.keys(netsplit).sort()).toEqual([
    "AgentError", "DEFAULT_KERNEL", "EXIT", "InvalidScenarioError", "NetsplitError", "PrerequisiteError", "ProcessError",
    "ScenarioError", "StartedCluster", "ToxiproxyApiError", "UsageError", "bridgeGrudge", "components", "defineScenario",
    "explicitGrudge", "formatIssue", "groupsGrudge", "halvesGrudge", "isSymmetric", "isolateGrudge", "jobCost", "loadScenario",
    "loadScenarioFile", "loadScenarioText", "majoritiesRingGrudge", "normalizeScenarioObject", "overallVerdict", "parseLinks",
    "parseScenario", "proxyName", "readRun", "reportFiles", "resolveRunDir", "runCli", "runScenario", "runScenarios", "startCluster",
    "startLocalCluster", "symmetric", "unwrapScenario", "writeReportsFrom", "writeSummary",
  ]);
});

describe("loadScenario", () => {
  it("takes a plain object, validated like a file", async () => {
    const s = await loadScenario(object);
    expect(s).toMatchObject({ name: "api-object", cluster: { nodes: ["n1", "n2", "n3"], reconnect: { intervalMs: 200 } } });
    expect(s.steps.map((st) => st.kind)).toEqual(["partition", "heal"]);
  });

  it("takes a file path, and returns a loaded Scenario as it is", async () => {
    const file = path.join(dir, "from-file.yaml");
    writeFileSync(file, YAML);
    const s = await loadScenario(file);
    expect(s).toMatchObject({ name: "from-file", cluster: { nodes: ["a", "b", "c"] }, source: { file, text: YAML } });
    expect(await loadScenario(s)).toBe(s);
  });

  it("parseScenario takes YAML text", () => {
    expect(parseScenario(YAML, "inline.yaml")).toMatchObject({ name: "inline", cluster: { nodes: ["a", "b", "c"] } });
  });

  it("rejects an invalid object with every issue, its JSON path and the nearest valid key", async () => {
    const err = await loadScenario({ ...object, cluster: { nodes: 3, reconect: false }, steps: [{ kill: "n9" }] }, { name: "typo" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidScenarioError);
    const issues = (err as InvalidScenarioError).issues;
    expect(issues).toMatchObject([
      { code: "unknown_key", file: "typo", path: ["cluster", "reconect"], hint: expect.stringContaining("did you mean `reconnect`?") },
      { code: "unknown_node", path: ["steps", 0, "kill"] },
    ]);
    expect((err as Error).message).toContain("typo: at cluster.reconect: unknown key `reconect` in `cluster`");
  });

  it("rejects a missing file and YAML syntax errors with their positions", async () => {
    await expect(loadScenario(path.join(dir, "missing.yaml"))).rejects.toMatchObject({ issues: [{ code: "file_unreadable" }] });
    expect(() => parseScenario("netsplit: 1\ncluster: { nodes: 3\n", "bad.yaml")).toThrow(/^bad\.yaml:\d+:\d+: /);
  });
});

it("runScenario rejects an invalid scenario before creating anything", async () => {
  const out = path.join(dir, "runs");
  await expect(runScenario({ netsplit: 1, cluster: { nodes: 1 } }, { outDir: out })).rejects.toBeInstanceOf(InvalidScenarioError);
  expect(existsSync(out)).toBe(false);
});

it("reportFiles gives the absolute paths of a run's files", () => {
  const files = reportFiles("runs/x/2026");
  expect(files).toEqual({
    dir: path.resolve("runs/x/2026"),
    html: path.resolve("runs/x/2026/report.html"),
    markdown: path.resolve("runs/x/2026/report.md"),
    junit: path.resolve("runs/x/2026/junit.xml"),
    results: path.resolve("runs/x/2026/results.json"),
    history: path.resolve("runs/x/2026/history.msgpack"),
    logs: path.resolve("runs/x/2026/logs"),
  });
});

describe("package.json", () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    exports: Record<string, string | Record<string, string>>;
    types: string;
    bin: Record<string, string>;
  };

  it("maps each entry to its TypeScript source (netsplit-source) and to where tsc -p tsconfig.build.json emits it (package.int.test.ts builds it)", () => {
    for (const [entry, target] of Object.entries(pkg.exports)) {
      if (typeof target === "string") {
        expect(existsSync(path.join(REPO_ROOT, target)), entry).toBe(true);
        continue;
      }
      expect(Object.keys(target), entry).toEqual(["netsplit-source", "types", "import"]);
      const source = target["netsplit-source"]!;
      expect(existsSync(path.join(REPO_ROOT, source)), source).toBe(true);
      const emitted = source.replace(/^\.\//, "./dist/").replace(/\.ts$/, "");
      expect(target["import"]).toBe(`${emitted}.js`);
      expect(target["types"]).toBe(`${emitted}.d.ts`);
    }
    expect(pkg.types).toBe((pkg.exports["."] as Record<string, string>)["types"]);
    expect(existsSync(path.join(REPO_ROOT, pkg.bin["netsplit"]!))).toBe(true);
  });
});

it("the README's Library snippets are code from examples/ (which runs in CI)", () => {
  const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const library = readme.slice(readme.indexOf("\n## Library\n"), readme.indexOf("\n## ", readme.indexOf("\n## Library\n") + 1));
  const snippets = [...library.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(snippets.length).toBeGreaterThanOrEqual(2);
  const examples = readdirSync(path.join(REPO_ROOT, "examples")).filter((f) => f.endsWith(".ts"))
    .map((f) => readFileSync(path.join(REPO_ROOT, "examples", f), "utf8")).join("\n");
  const code = (line: string) => line.replace(/\/\/.*$/, "").trim();
  const lines = snippets.flatMap((s) => s.split("\n")).map(code).filter((l) => l !== "");
  const imported = (name: string, from: string) => new RegExp(`import \\{[^}]*\\b${name}\\b[^}]*\\} from "${from}"`).test(examples);
  const missing = lines.filter((l) => {
    const imports = /^import \{ (.*) \} from "(.*)";$/.exec(l);
    return imports ? !imports[1]!.split(", ").every((name) => imported(name, imports[2]!)) : !examples.includes(l);
  });
  expect(missing).toEqual([]);
});
