/**
 * The application under test, end to end through `netsplit run` (the way a user runs it), on
 * the example app in examples/jobs (compiled here, like a user compiles theirs):
 * - the two variants give opposite verdicts under the same partition, and the failing report
 *   names the broken invariant in its sentence; on docker too, where an engine answers;
 * - bad input is found before any node boots (exit 254, file:line:column, what to run);
 * - what can only be found at run time (an app that does not start, an invariant that raises,
 *   an app that never forms its mesh) is `unknown` with the reason (exit 2);
 * - the app's own distribution traffic crosses Toxiproxy: with `formation: app`, the app's own
 *   connector keeps dialling a cut-off node and cannot reach it until the heal;
 * and no run leaves a process behind.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerUnavailableReason } from "../runtime/docker/engine.js";
import { ensureImages } from "../runtime/docker/images.js";
import { runNetsplit, startedRunDirs, type CliRun } from "../testing/cli-process.js";
import { compileJobsExample, JOBS_EXAMPLE as JOBS } from "../testing/examples.js";
import { isRunning } from "../testing/procs.js";

const out = mkdtempSync(path.join(tmpdir(), "netsplit-app-"));
const scratch = mkdtempSync(path.join(tmpdir(), "netsplit-app-files-"));
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

// as a user would: compile the project for the scenarios' mix_env (no dependency to fetch)
beforeAll(compileJobsExample, 200_000);

interface Results {
  verdict: string;
  error?: string;
  checks: { name: string; verdict: string; detail: string; mid_run: boolean }[];
}

function results(run: CliRun): Results {
  const dir = /verdict: \w+\s+\((.+)\)/.exec(run.out)?.[1];
  if (!dir) throw new Error(`no run directory in the output:\n${run.out}${run.err}`);
  return JSON.parse(readFileSync(path.join(dir, "results.json"), "utf8")) as Results;
}

function noneLeft(run: CliRun): void {
  expect([...run.children.values()].filter((p) => isRunning(p.pid)).map((p) => `${p.pid} ${p.comm}`)).toEqual([]);
}

/** A scenario file in the scratch folder, next to a copy of nothing: `mix:` paths are absolute. */
function scenario(name: string, text: string): string {
  const file = path.join(scratch, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

const run = (args: string[], timeoutMs = 150_000) => runNetsplit(["run", ...args, "--out", out], { timeoutMs });

/** A run directory's results.json. */
const resultsIn = (dir: string) => JSON.parse(readFileSync(path.join(dir, "results.json"), "utf8")) as Results;

describe("the example app (examples/jobs), both variants, local runtime (one `netsplit run --jobs 2`, as a user runs a suite)", () => {
  // the four scenarios of the two variants, two at a time: 50 s instead of 100 s, and the verdicts
  // are the ones each has alone (measured 3 of 3 at a load average of 9 on 2 cores)
  let suite: CliRun;
  let dirs: Map<string, string>;
  beforeAll(async () => {
    suite = await runNetsplit(["run", ...["partition-naive", "partition-fixed", "kill-worker-naive", "kill-worker-fixed"].map((f) => path.join(JOBS, `${f}.yaml`)), "--jobs", "2", "--out", out], { timeoutMs: 240_000 });
    dirs = startedRunDirs(suite.out);
  }, 260_000);

  it("exit 1 (the worst verdict), each variant's verdict in the summary, nothing left", () => {
    expect(suite.code, suite.out + suite.err).toBe(1);
    expect(suite.out).toContain("Summary: jobs-partition-naive FAIL, jobs-partition-fixed PASS, jobs-kill-worker-naive FAIL, jobs-kill-worker-fixed PASS");
    noneLeft(suite);
  });

  it("under a partition, the naive variant fails: a second coordinator while cut, accepted jobs lost after the heal", () => {
    const res = resultsIn(dirs.get("jobs-partition-naive")!);
    expect(res.verdict).toBe("fail");
    const midRun = res.checks.find((c) => c.mid_run && c.name === "invariant");
    expect(midRun?.verdict).toBe("fail");
    expect(midRun?.detail).toMatch(/Jobs\.Check\.single_coordinator\/0 .*2 coordinators/);
    const lost = res.checks.find((c) => !c.mid_run && c.name === "invariant");
    expect(lost?.verdict).toBe("fail");
    expect(lost?.detail).toMatch(/Jobs\.Check\.no_lost_jobs\/0 .*accepted jobs never completed/);
    // the cluster itself looks healthy: the generic checks pass, only the app's invariants fail
    expect(res.checks.filter((c) => c.name === "global.names_unique" || c.name === "pg.converged").map((c) => c.verdict)).toEqual(["pass", "pass"]);
  });

  it("the fixed variant passes the same scenario", () => {
    const res = resultsIn(dirs.get("jobs-partition-fixed")!);
    expect(res.verdict).toBe("pass");
    expect(res.checks.every((c) => c.verdict === "pass")).toBe(true);
  });

  it("a worker node killed mid-job: the naive variant loses the jobs that were on it; the fixed one re-dispatches them", () => {
    const naive = resultsIn(dirs.get("jobs-kill-worker-naive")!);
    expect(naive.verdict).toBe("fail");
    expect(naive.checks.find((c) => c.name === "invariant" && c.verdict === "fail")?.detail).toMatch(/Jobs\.Check\.no_lost_jobs\/0 .*accepted jobs never completed/);
    expect(resultsIn(dirs.get("jobs-kill-worker-fixed")!).verdict).toBe("pass");
  });
});

const dockerReason = await dockerUnavailableReason();
beforeAll(async () => {
  if (dockerReason === null) await ensureImages({ progress: () => undefined });
}, 300_000);
describe.skipIf(dockerReason !== null)(`the example app on the docker runtime${dockerReason ? ` (SKIPPED: ${dockerReason})` : ""}`, () => {
  it("gives the same opposite verdicts in containers", async () => {
    const naive = await run([path.join(JOBS, "partition-naive.yaml"), "--runtime", "docker"], 240_000);
    expect(naive.code, naive.out + naive.err).toBe(1);
    expect(results(naive).checks.find((c) => !c.mid_run && c.name === "invariant")?.verdict).toBe("fail");
    const fixed = await run([path.join(JOBS, "partition-fixed.yaml"), "--runtime", "docker"], 240_000);
    expect(fixed.code, fixed.out + fixed.err).toBe(0);
  }, 500_000);
});

const HEAD = (extra: string) => `netsplit: 1
seed: 1
cluster:
  nodes: 3
${extra}`;

describe("mistakes found before any node boots (exit 254)", () => {
  it("a project that is not compiled names the command to run, at the mix: key", async () => {
    const bare = path.join(scratch, "uncompiled");
    cpSync(path.join(JOBS, "mix.exs"), path.join(bare, "mix.exs"), { recursive: true });
    cpSync(path.join(JOBS, "lib"), path.join(bare, "lib"), { recursive: true });
    const file = scenario("uncompiled", HEAD(`  app:\n    mix: ${bare}\n`));
    const r = await run([file]);
    expect(r.code).toBe(254);
    expect(r.err).toMatch(new RegExp(`uncompiled\\.yaml:6:\\d+: .*_build/prod/lib does not exist.*MIX_ENV=prod mix compile`));
    expect(r.children.size).toBe(0);
  });

  it("a call to a module the app does not have is named with its position", async () => {
    const file = scenario("unknown-module", `${HEAD(`  app:\n    mix: ${JOBS}\n`)}checks:\n  - invariant: { call: "Jobs.Chek.no_lost_jobs/0" }\n`);
    const r = await run([file]);
    expect(r.code).toBe(254);
    expect(r.err).toMatch(/unknown-module\.yaml:8:\d+: Jobs\.Chek\.no_lost_jobs\/0: no module Jobs\.Chek in the application under test/);
    expect(r.children.size).toBe(0);
  });
});

describe("what only the run can find is unknown, with the reason (exit 2)", () => {
  it("an app that fails to start", async () => {
    const file = scenario("bad-config", `${HEAD(`  app:\n    mix: ${JOBS}\n    config: { jobs: { variant: sideways } }\n`)}checks:\n  - cluster.mesh: {}\n`);
    const r = await run([file]);
    expect(r.code, r.out + r.err).toBe(2);
    expect(results(r).error).toMatch(/the application under test did not start on n\d: .*jobs.*variant must be :naive or :fixed/);
    noneLeft(r);
  });

  it("an invariant that raises, and one naming a function the module does not export", async () => {
    const file = scenario("raises", `${HEAD("")}checks:\n  - invariant: { call: ":erlang.error/1", args: [boom], on: [n1] }\n  - invariant: { call: ":erlang.no_such_function/0", on: [n2], within: 10s }\n`);
    const r = await run([file]);
    expect(r.code, r.out + r.err).toBe(2);
    const [raised, missing] = results(r).checks;
    expect(raised).toMatchObject({ verdict: "unknown" });
    expect(raised!.detail).toMatch(/:erlang\.error\/1 — n1: raised .*boom/);
    expect(missing).toMatchObject({ verdict: "unknown" });
    expect(missing!.detail).toMatch(/n2: could not be called: .*no_such_function\/0 is not exported/);
    noneLeft(r);
  });

  it("an app that never forms its mesh (formation: app, and the app does not connect)", async () => {
    const file = scenario("no-mesh", `${HEAD(`  formation: app\n  app:\n    mix: ${JOBS}\n    ready: { call: "Jobs.ready?/0", timeout: 3s }\n`)}checks:\n  - cluster.mesh: {}\n`);
    const r = await run([file]);
    expect(r.code, r.out + r.err).toBe(2);
    expect(results(r).error).toMatch(/did not form a full mesh within 3000 ms \(cluster\.formation: app.*\): n1 sees \[\]; n2 sees \[\]; n3 sees \[\]/);
    noneLeft(r);
  });
});

describe("the app's own distribution traffic crosses Toxiproxy", () => {
  it("with formation: app, the app meshes by itself, cannot reach a cut-off node while it keeps dialling, and re-meshes after the heal", async () => {
    const file = scenario("own-traffic", `${HEAD(`  formation: app
  app:
    mix: ${JOBS}
    env: { JOBS_NODES: "{nodes}", JOBS_CONNECT: "true" }
    ready: { call: "Jobs.ready?/0", timeout: 30s }
`)}steps:
  - partition: { isolate: n3, mode: reset }
  - check: { cluster.sees: { n1: [n2], n2: [n1], n3: [], within: 5s } }
  - wait: 3s
  - check: { cluster.sees: { n1: [n2], n2: [n1], n3: [] } }
  - heal: all
  - wait: { until: mesh, timeout: 15s }
checks:
  - cluster.mesh: { within: 5s }
`);
    const r = await run([file]);
    expect(r.code, r.out + r.err).toBe(0);
    const res = results(r);
    expect(res.checks.map((c) => `${c.name}${c.mid_run ? " (mid-run)" : ""}: ${c.verdict}`)).toEqual([
      "cluster.sees (mid-run): pass", "cluster.sees (mid-run): pass", "cluster.mesh: pass",
    ]);
    noneLeft(r);
  });
});
