/**
 * The command line end to end, through `runCli(argv, io)` with captured output: real runs of
 * tiny scenario files (real nodes, real Toxiproxy), the run directory they leave, the exit codes
 * of the contract (0 pass, 1 fail, 2 unknown, 254 bad input), and bad input that must start
 * nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { History } from "../run/history.js";
import { harnessChildren } from "../testing/procs.js";
import { runCli } from "./main.js";

const dir = mkdtempSync(path.join(tmpdir(), "netsplit-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const PASS = `netsplit: 1
name: cli-pass
description: Isolate n3 (reset), heal, let the reconnect loop re-mesh.
cluster:
  nodes: 3
  kernel: { net_ticktime: 2 }
  reconnect: { interval_ms: 200 }
workload:
  pg:
    - { scope: demo, group: workers, per_node: 1 }
steps:
  - partition: { isolate: n3, mode: reset }
  - check: { cluster.sees: { n3: [], within: 3s } }
  - heal: all
  - wait: { until: mesh, timeout: 10s }
checks:
  - cluster.mesh: { within: 5s }
  - pg.converged: { within: 5s }
`;

const FAIL = `netsplit: 1
name: cli-fail
cluster: { nodes: 3, kernel: { net_ticktime: 2 } }
checks:
  - cluster.sees: { n1: [n2], within: 0 }
  - cluster.mesh: { within: 0 }
`;

const UNKNOWN = `netsplit: 1
name: cli-unknown
cluster: { nodes: 3, kernel: { net_ticktime: 2 } }
workload:
  pg:
    - { group: workers }
steps:
  - check: { pg.partitioned: { within: 0 } }
checks:
  - cluster.mesh: { within: 0 }
`;

// line 4: a misspelt key; line 6: a node the cluster does not have
const BROKEN = `netsplit: 1
cluster:
  nodes: 3
  reconect: false
steps:
  - partition: { groups: [[n1], [n9]] }
`;

const runDirs = (out: string, scenario: string) => {
  const root = path.join(out, scenario);
  return existsSync(root) ? readdirSync(root).filter((d) => d !== "latest") : [];
};

describe("netsplit run: a passing scenario", () => {
  const out = path.join(dir, "runs-pass");
  let res: { code: number; out: string; err: string };
  let runDir: string;
  let text: string;
  beforeAll(async () => {
    text = PASS;
    res = await cli("run", file("pass.yaml", text), "--out", out, "--seed", "4242");
    runDir = realpathSync(path.join(out, "cli-pass", "latest"));
  });

  it("exits 0, printing progress and the verdict on stdout, nothing on stderr", () => {
    expect(res.code, res.out + res.err).toBe(0);
    expect(res.err).toBe("");
    expect(res.out).toContain("netsplit: cli-pass (seed 4242)");
    expect(res.out).toMatch(/PASS +cluster\.mesh/);
    expect(res.out).toContain(`verdict: PASS  (${path.join(out, "cli-pass")}`);
    expect(harnessChildren()).toEqual([]);
  });

  it("leaves one run directory, DIR/<scenario>/<start-time>/, linked as `latest`", () => {
    expect(runDirs(out, "cli-pass")).toEqual([path.basename(runDir)]);
    expect(path.dirname(runDir)).toBe(realpathSync(path.join(out, "cli-pass")));
    for (const f of ["scenario.yaml", "history.msgpack", "results.json", "report.md", "report.html", "junit.xml", "logs/n1.log", "logs/n2.log", "logs/n3.log"]) {
      expect(existsSync(path.join(runDir, f)), f).toBe(true);
      expect(statSync(path.join(runDir, f)).size, f).toBeGreaterThan(0);
    }
    expect(readFileSync(path.join(runDir, "scenario.yaml"), "utf8")).toBe(text);
    expect(readFileSync(path.join(runDir, "logs/n1.log"), "utf8")).toContain("netsplit-agent ready");
  });

  it("writes results.json in the contract's shape", () => {
    const r = JSON.parse(readFileSync(path.join(runDir, "results.json"), "utf8"));
    expect(r).toMatchObject({ scenario: "cli-pass", verdict: "pass", seed: 4242 });
    expect(new Date(r.started_at).toISOString()).toBe(r.started_at);
    expect(Number.isInteger(r.duration_ms)).toBe(true);
    expect(r.duration_ms).toBeGreaterThan(0);
    expect(r.checks.map((c: { name: string }) => c.name)).toEqual(["cluster.sees", "cluster.mesh", "pg.converged"]);
    for (const c of r.checks) {
      expect(typeof c.name).toBe("string");
      expect(["pass", "fail", "unknown", "skipped"]).toContain(c.verdict);
      expect(typeof c.detail).toBe("string");
      expect(c.detail.length).toBeGreaterThan(0);
      if ("value_ms" in c) expect(Number.isInteger(c.value_ms)).toBe(true);
    }
    expect(r.checks.every((c: { verdict: string }) => c.verdict === "pass")).toBe(true);
    expect(r.checks[0]).toMatchObject({ mid_run: true, detail: "n3 sees []" });
    expect(typeof r.checks[1].value_ms).toBe("number");
  });

  it("keeps a readable history from run_start to run_end, with the fault and the heal", () => {
    const { entries, truncated } = History.read(path.join(runDir, "history.msgpack"));
    expect(truncated).toBe(false);
    expect(entries[0]).toMatchObject({ type: "run_start", scenario: "cli-pass", seed: 4242 });
    // run_end ends the run's story; only the report phase's own timing is written after it
    expect(entries.filter((e) => e.type !== "phase").at(-1)).toMatchObject({ type: "run_end", verdict: "pass" });
    expect(entries.at(-1)).toMatchObject({ type: "phase", name: "report" });
    expect(entries.filter((e) => e.type === "fault").map((e) => e.kind)).toEqual(["partition", "heal"]);
    expect(entries.filter((e) => e.type === "check")).toHaveLength(3);
  });

  it("writes report.md, junit.xml and report.html that agree with the results", () => {
    const md = readFileSync(path.join(runDir, "report.md"), "utf8");
    expect(md).toContain("cli-pass");
    expect(md).toContain("4242");
    for (const name of ["cluster.sees", "cluster.mesh", "pg.converged"]) expect(md).toContain(name);
    expect(md.toLowerCase()).toContain("pass");
    const junit = readFileSync(path.join(runDir, "junit.xml"), "utf8");
    const suites = /<testsuites\b[^>]*>/.exec(junit)?.[0] ?? "";
    expect(suites).toMatch(/ tests="3"/);
    expect(suites).toMatch(/ failures="0"/);
    expect(suites).toMatch(/ errors="0"/);
    expect(junit.match(/<testcase /g)).toHaveLength(3);
    expect(junit).not.toContain("<failure");
    const html = readFileSync(path.join(runDir, "report.html"), "utf8");
    expect(html).toMatch(/<html/i);
    expect(html).toContain("cli-pass");
  });
});

describe("netsplit run: failing and unknown scenarios", () => {
  it("exits 1 for a failed check; --reporter json prints only parseable JSON on stdout", async () => {
    const out = path.join(dir, "runs-fail");
    const res = await cli("run", file("fail.yaml", FAIL), "--out", out, "--reporter", "json");
    expect(res.code, res.err).toBe(1);
    const printed = JSON.parse(res.out);
    expect(printed).toMatchObject({ scenario: "cli-fail", verdict: "fail" });
    expect(printed.checks).toMatchObject([
      { name: "cluster.sees", verdict: "fail", detail: "n1 sees [n2, n3], expected [n2]" },
      { name: "cluster.mesh", verdict: "pass" },
    ]);
    // the progress went to stderr, and the JSON is the run's results.json plus where it is
    expect(res.err).toContain("verdict: FAIL");
    const { run_dir: runDir, ...rest } = printed;
    expect(JSON.parse(readFileSync(path.join(runDir, "results.json"), "utf8"))).toEqual(rest);
    expect(readFileSync(path.join(runDir, "junit.xml"), "utf8")).toMatch(/<failure\b[^>]*message="n1 sees \[n2, n3\], expected \[n2\]"/);
    expect(harnessChildren()).toEqual([]);
  });

  it("exits 1 when one file fails and another is unknown (fail beats unknown); json prints an array", async () => {
    const out = path.join(dir, "runs-fail-unknown");
    const res = await cli("run", file("unknown-1.yaml", UNKNOWN), file("fail-1.yaml", FAIL), "--out", out, "--reporter", "json");
    expect(res.code, res.err).toBe(1);
    const printed = JSON.parse(res.out) as { scenario: string; verdict: string }[];
    expect(printed.map((r) => `${r.scenario}:${r.verdict}`)).toEqual(["cli-unknown:unknown", "cli-fail:fail"]);
  });

  it("exits 2 when the worst verdict of several files is unknown, with a summary line", async () => {
    const out = path.join(dir, "runs-two");
    const res = await cli("run", file("unknown.yaml", UNKNOWN), file("pass2.yaml", PASS.replace("name: cli-pass", "name: cli-pass-2")), "--out", out);
    expect(res.code, res.out + res.err).toBe(2);
    expect(res.out).toContain("Summary: cli-unknown UNKNOWN, cli-pass-2 PASS");
    const r = JSON.parse(readFileSync(path.join(out, "cli-unknown", "latest", "results.json"), "utf8"));
    expect(r.verdict).toBe("unknown");
    expect(r.checks).toMatchObject([{ name: "pg.partitioned", verdict: "unknown" }, { name: "cluster.mesh", verdict: "pass" }]);
    expect(readFileSync(path.join(out, "cli-unknown", "latest", "junit.xml"), "utf8")).toMatch(/<error\b/);
    expect(JSON.parse(readFileSync(path.join(out, "cli-pass-2", "latest", "results.json"), "utf8")).verdict).toBe("pass");
  });
});

describe("bad input: exit 254, nothing started", () => {
  it("`check` prints every problem of a broken file as file:line:column: message", async () => {
    const broken = file("broken.yaml", BROKEN);
    const res = await cli("check", broken);
    expect(res.code).toBe(254);
    expect(res.out).toContain(`${broken}:4:3: unknown key \`reconect\` in \`cluster\``);
    expect(res.out).toContain(`${broken}:6:34: unknown node \`n9\``);
    expect(res.out).toContain("hint: did you mean `reconnect`?");
  });

  it("`check` passes a valid file (exit 0, `ok FILE`) and fails a directory holding a broken one", async () => {
    const good = file("good-check.yaml", PASS);
    expect(await cli("check", good)).toMatchObject({ code: 0, out: `ok ${good}\n` });
    const sub = path.join(dir, "mixed");
    mkdirSync(sub);
    writeFileSync(path.join(sub, "a-good.yaml"), PASS);
    writeFileSync(path.join(sub, "b-broken.yml"), BROKEN);
    const res = await cli("check", sub);
    expect(res.code).toBe(254);
    expect(res.out).toContain(`ok ${path.join(sub, "a-good.yaml")}`);
    expect(res.out).toContain(`${path.join(sub, "b-broken.yml")}:4:3:`);
  });

  it("`run` on a broken file exits 254 with file:line:column and starts nothing, not even the valid files", async () => {
    const out = path.join(dir, "runs-broken");
    const good = file("good-run.yaml", PASS);
    const broken = file("broken-run.yaml", BROKEN);
    const res = await cli("run", good, broken, "--out", out);
    expect(res.code).toBe(254);
    expect(res.err).toContain(`${broken}:4:3: unknown key \`reconect\``);
    expect(res.err).toContain(`${broken}:6:34: unknown node \`n9\``);
    expect(res.err).toContain("1 invalid scenario file(s); nothing was run.");
    expect(res.out).toBe("");
    expect(existsSync(out)).toBe(false); // a run creates its directory before it boots anything
    expect(harnessChildren()).toEqual([]);
  });

  it("`run` on a file with a YAML syntax error exits 254 with its position", async () => {
    const broken = file("syntax.yaml", "netsplit: 1\ncluster: { nodes: 3\n");
    const res = await cli("run", broken, "--out", path.join(dir, "runs-syntax"));
    expect(res.code).toBe(254);
    expect(res.err).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: `, "m"));
    expect(existsSync(path.join(dir, "runs-syntax"))).toBe(false);
  });

  it.each([
    [["frobnicate"], /unknown command "frobnicate"/],
    [["run", "--bogus", "x.yaml"], /Unknown option '--bogus'.*See --help/],
    [["check", "--bogus", "x.yaml"], /Unknown option '--bogus'/],
    [["run", "--runtime", "mars", "x.yaml"], /--runtime must be local or docker, got "mars"/],
    [["run", "--reporter", "xml", "x.yaml"], /--reporter must be human or json, got "xml"/],
    [["run", "--seed", "1.5", "x.yaml"], /--seed must be an integer, got "1.5"/],
    [["run"], /name at least one scenario file or directory/],
    [["check"], /name at least one scenario file or directory/],
    [["run", "/nonexistent/netsplit/x.yaml"], /no such file or directory: \/nonexistent\/netsplit\/x\.yaml/],
    [["up", "--nodes", "zero"], /--nodes must be a positive integer, got "zero"/],
  ])("%j exits 254 and says why on stderr", async (argv, message) => {
    const res = await cli(...argv);
    expect(res.code).toBe(254);
    expect(res.err).toMatch(message);
    expect(harnessChildren()).toEqual([]);
  });

  it("`run --runtime docker` where no Docker engine answers: the run says why and is unknown (exit 2)", async () => {
    const out = path.join(dir, "runs-docker");
    const before = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${path.join(dir, "no-docker.sock")}`;
    try {
      const res = await cli("run", file("docker.yaml", PASS), "--runtime", "docker", "--out", out);
      expect(res.code).toBe(2);
      expect(res.out).toContain(`error: no Docker engine answers at unix://${path.join(dir, "no-docker.sock")}`);
    } finally {
      if (before === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = before;
    }
    expect(harnessChildren()).toEqual([]);
  });
});

describe("help and version", () => {
  it("every command listed by `--help` (run, check and up at least) answers `--help` and `-h` with exit 0 and its usage", async () => {
    const listed = [...(await cli("--help")).out.matchAll(/^ {2}([a-z]+) {2,}\S/gm)].map((m) => m[1]!);
    expect(listed).toEqual(expect.arrayContaining(["run", "check", "up"]));
    for (const command of listed) {
      for (const flag of ["--help", "-h"]) {
        const res = await cli(command, flag);
        expect(res.code, `${command} ${flag}`).toBe(0);
        expect(res.out).toContain(`Usage: netsplit ${command}`);
        expect(res.out).toContain("Examples:");
        expect(res.err).toBe("");
      }
    }
  });

  it("`--help`, `-h` and `help` exit 0 listing the commands and exit codes; no command at all exits 254", async () => {
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      const res = await cli(...argv);
      expect(res.code).toBe(0);
      expect(res.out).toMatch(/^ {2}run +/m);
      expect(res.out).toMatch(/^ {2}check +/m);
      expect(res.out).toContain("254 bad input");
    }
    const none = await cli();
    expect(none.code).toBe(254);
    expect(none.out).toContain("Usage: netsplit <command>");
  });

  it("`--version` exits 0 with the package version", async () => {
    const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, "../../../package.json"), "utf8")) as { version: string };
    expect(await cli("--version")).toMatchObject({ code: 0, out: `netsplit ${pkg.version}\n` });
  });
});
