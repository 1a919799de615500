/**
 * `netsplit init`: the starter scenario it writes is valid (`netsplit check` passes it), points
 * editors at the JSON Schema by a path that exists, never overwrites a file without --force, and
 * says what to do next. Running the starter on real nodes: init.int.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenarioText } from "../scenario/load.js";
import { DEFAULT_INIT_FILE, starterScenario } from "./init.js";
import { runCli } from "./main.js";

const dir = mkdtempSync(path.join(tmpdir(), "netsplit-init-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe("netsplit init", () => {
  it("writes a starter scenario that `netsplit check` passes, and prints the next two commands", async () => {
    const file = path.join(dir, "first.yaml");
    const res = await cli("init", file);
    expect(res).toMatchObject({ code: 0, err: "" });
    expect(res.out).toContain(`wrote ${file}`);
    expect(res.out).toContain(`npx netsplit check ${file}`);
    expect(res.out).toContain(`npx netsplit run ${file}`);
    expect(res.out).toContain("runs/first/latest/report.html");
    expect(await cli("check", file)).toMatchObject({ code: 0, out: `ok ${file}\n` });
  });

  it("starts with a $schema comment whose path, relative to the file, is netsplit's JSON Schema", async () => {
    const file = path.join(dir, "deep", "er", "schema.yaml");
    expect((await cli("init", file)).code).toBe(0);
    const first = readFileSync(file, "utf8").split("\n")[0]!;
    const ref = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)?.[1];
    expect(ref).toBeDefined();
    const schema = path.resolve(path.dirname(file), ref!);
    expect(path.basename(schema)).toBe("scenario.schema.json");
    expect(JSON.parse(readFileSync(schema, "utf8"))).toHaveProperty("properties.netsplit");
  });

  it("loads into the scenario it describes: 3 nodes, n3 isolated and healed, three final checks", () => {
    const loaded = loadScenarioText(starterScenario("my-split.yaml"), "my-split.yaml");
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const s = loaded.scenario;
    expect(s.name).toBe("my-split");
    expect(s.cluster.nodes).toEqual(["n1", "n2", "n3"]);
    expect(s.steps.map((st) => st.kind)).toEqual(["partition", "check", "wait", "heal", "wait_until"]);
    expect(s.checks.map((c) => c.name)).toEqual(["cluster.mesh", "pg.converged", "global.names_unique"]);
  });

  it("names the scenario after the file, cleaned up into a safe run-directory name", () => {
    const name = (file: string) => /^name: (\S+)/m.exec(starterScenario(file))?.[1];
    expect(name("scenarios/isolate-one.yaml")).toBe("isolate-one");
    expect(name("My Split!.yml")).toBe("My-Split-");
    expect(name("__.yaml")).toBe("my-split");
    for (const file of ["My Split!.yml", "__.yaml", "-x.yaml"]) expect(loadScenarioText(starterScenario(file), file).ok, file).toBe(true);
  });

  it(`defaults to ${DEFAULT_INIT_FILE} in the current directory`, async () => {
    const cwd = process.cwd();
    const here = path.join(dir, "cwd");
    mkdirSync(here);
    process.chdir(here);
    try {
      expect((await cli("init")).code).toBe(0);
      expect(existsSync(path.join(here, DEFAULT_INIT_FILE))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it("refuses to overwrite a file (exit 254, file untouched) unless --force", async () => {
    const file = path.join(dir, "mine.yaml");
    writeFileSync(file, "netsplit: 1 # my own work\n");
    const res = await cli("init", file);
    expect(res.code).toBe(254);
    expect(res.err).toBe(`netsplit: ${file} already exists; pick another name, or add --force to overwrite it\n`);
    expect(readFileSync(file, "utf8")).toBe("netsplit: 1 # my own work\n");
    expect((await cli("init", file, "--force")).code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("cluster:");
  });

  it.each([
    [["init", "scenario.txt"], /must end in \.yaml or \.yml.*"scenario\.txt"/],
    [["init", "a.yaml", "b.yaml"], /init writes one file, got 2: a\.yaml b\.yaml/],
    [["init", "--forse"], /Unknown option '--forse' for `netsplit init`; did you mean '--force'\?/],
  ])("%j exits 254 and says why", async (argv, msg) => {
    const res = await cli(...argv);
    expect(res.code).toBe(254);
    expect(res.err).toMatch(msg);
  });

  it("refuses a directory", async () => {
    const sub = path.join(dir, "adir.yaml");
    mkdirSync(sub);
    const res = await cli("init", sub);
    expect(res.code).toBe(254);
    expect(res.err).toContain("is a directory");
  });
});
