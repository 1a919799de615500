/**
 * The package as a user gets it: `tsc -p tsconfig.build.json` into a scratch copy of the package
 * (its package.json, bin/ and the built dist/, node_modules linked), then, from outside the
 * sources: `import("netsplit")` and `import("netsplit/vitest")` resolve through the exports map
 * to the build and export what the sources export; a TypeScript consumer type-checks against the
 * emitted declarations alone; bin/netsplit.js runs the build; and a checkout's bin prefers the
 * build only while it is newer than every source.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./util/paths.js";

const pkg = mkdtempSync(path.join(tmpdir(), "netsplit-pkg-"));
afterAll(() => rmSync(pkg, { recursive: true, force: true }));
const tsc = path.join(REPO_ROOT, "node_modules/typescript/bin/tsc");

function node(args: string[], cwd = pkg): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, [tsc, "-p", path.join(REPO_ROOT, "tsconfig.build.json"), "--outDir", path.join(pkg, "dist")], { cwd: REPO_ROOT, stdio: "pipe" });
  cpSync(path.join(REPO_ROOT, "package.json"), path.join(pkg, "package.json"));
  cpSync(path.join(REPO_ROOT, "bin"), path.join(pkg, "bin"), { recursive: true });
  cpSync(path.join(REPO_ROOT, "harness/schema"), path.join(pkg, "harness/schema"), { recursive: true });
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(pkg, "node_modules"));
}, 120_000);

describe("the built package", () => {
  it("emits JavaScript and declarations where the exports map points", () => {
    for (const f of ["index.js", "index.d.ts", "vitest/index.js", "vitest/index.d.ts", "cli/main.js"]) {
      expect(existsSync(path.join(pkg, "dist/harness/src", f)), f).toBe(true);
    }
    expect(existsSync(path.join(pkg, "dist/harness/src/index.test.js"))).toBe(false);
  });

  it('import("netsplit") and import("netsplit/vitest") load the build and export what the sources export', async () => {
    const script = `const a = await import("netsplit"); const b = await import("netsplit/vitest");
      const paths = await import("./dist/harness/src/util/paths.js");
      console.log(JSON.stringify({ api: Object.keys(a).sort(), vitest: Object.keys(b).sort(), root: paths.REPO_ROOT }));`;
    const r = node(["--input-type=module", "-e", script]);
    expect(r.err).toBe("");
    const seen = JSON.parse(r.out) as { api: string[]; vitest: string[]; root: string };
    expect(seen.api).toEqual(Object.keys(await import("./index.js")).sort());
    expect(seen.vitest).toEqual(Object.keys(await import("./vitest/index.js")).sort());
    expect(seen.root).toBe(pkg); // the build finds its package root (agent, schema, state folder)
  });

  it("type-checks a consumer against the emitted declarations (no sources, no custom condition)", () => {
    writeFileSync(path.join(pkg, "consumer.ts"), `import { isolateGrudge, runScenario, startLocalCluster, type RunResults, type StartedCluster } from "netsplit";
import { expectChecksToPass, runScenarioForTest } from "netsplit/vitest";
export async function demo(): Promise<RunResults> {
  await using cluster: StartedCluster = await startLocalCluster({ nodes: 3, reconnect: { intervalMs: 200 } });
  await cluster.faults.partition(isolateGrudge(cluster.names, "n3"), "reset");
  const run = await runScenarioForTest({ netsplit: 1, cluster: { nodes: 3 } });
  expectChecksToPass(run, ["cluster.mesh"]);
  return (await runScenario("x.yaml", { seed: 1 })).results;
}
`);
    writeFileSync(path.join(pkg, "tsconfig.json"), JSON.stringify({
      compilerOptions: { target: "ES2022", lib: ["ES2022", "ESNext.Disposable"], module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true, types: ["node"] },
      files: ["consumer.ts"],
    }));
    const r = node([tsc, "-p", "tsconfig.json", "--listFiles"]);
    const files = r.out.split("\n");
    expect(r.code, files.filter((l) => l.includes("error")).join("\n")).toBe(0);
    expect(files).toContain(path.join(pkg, "dist/harness/src/index.d.ts"));
    expect(files).toContain(path.join(pkg, "dist/harness/src/vitest/index.d.ts"));
    expect(files.filter((f) => f.startsWith(path.join(pkg, "harness")) || f.startsWith(path.join(REPO_ROOT, "harness")))).toEqual([]);
  });

  it("bin/netsplit.js runs the build when the package has no sources", () => {
    writeFileSync(path.join(pkg, "ok.yaml"), "netsplit: 1\ncluster: { nodes: 3 }\n");
    expect(node(["bin/netsplit.js", "check", "ok.yaml"])).toMatchObject({ code: 0, out: "ok ok.yaml\n" });
    expect(node(["bin/netsplit.js", "rnu"])).toMatchObject({ code: 254, err: expect.stringContaining('did you mean "run"?') });
  });

  it("in a checkout, bin/netsplit.js prefers the build only while no source is newer", () => {
    const stub = path.join(pkg, "harness/src/cli/main.ts");
    mkdirSync(path.dirname(stub), { recursive: true });
    writeFileSync(stub, `export async function runCli(): Promise<number> { process.stdout.write("from the sources\\n"); return 0; }\n`);
    const old = new Date(Date.now() - 3600_000);
    utimesSync(stub, old, old);
    expect(node(["bin/netsplit.js", "--version"]).out).toMatch(/^netsplit \d+\.\d+\.\d+\n$/);
    const fresh = new Date(Date.now() + 1000);
    utimesSync(stub, fresh, fresh);
    expect(node(["bin/netsplit.js", "--version"])).toMatchObject({ code: 0, out: "from the sources\n" });
  });
});
