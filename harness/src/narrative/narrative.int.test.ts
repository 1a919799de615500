/**
 * The narrative on real runs: the shipped scenarios partial-partition-overlapping-on (global
 * disconnects the node in the middle) and global-name-conflict (global kills one of two holders
 * at the heal) produce the lines a BEAM engineer would write, in report.md, report.html (linked
 * to the timeline), results.json (causality); and a node flooding its logger blocks neither the
 * node nor the harness, while the history stays bounded and the drops are counted.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "node-html-parser";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenarioFile } from "../scenario/load.js";
import { runScenario } from "../runner/run.js";
import { readRun } from "../report/store.js";
import { buildResults } from "../report/results.js";
import { renderJunit } from "../report/junit.js";
import { buildReportModel } from "../report/model.js";
import { startLocalCluster } from "../runtime/local.js";
import { REPO_ROOT } from "../util/paths.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "netsplit-narrative-int-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(name: string) {
  const loaded = await loadScenarioFile(path.join(REPO_ROOT, "scenarios", `${name}.yaml`));
  if (!loaded.ok) throw new Error(`cannot load ${name}`);
  const { runDir, results } = await runScenario(loaded.scenario, { outDir: tmp });
  const model = buildReportModel(readRun(runDir));
  return { runDir, results, model, md: readFileSync(path.join(runDir, "report.md"), "utf8"), html: parse(readFileSync(path.join(runDir, "report.html"), "utf8")) };
}

describe("the narrative of real runs", () => {
  it("partial-partition-overlapping-on: a line names the node global disconnected", async () => {
    const { model, md, html, results } = await run("partial-partition-overlapping-on");
    const lines = model.narrative.lines.map((l) => l.text);
    console.log(lines.join("\n"));
    // n1–n3 cut, n2 sees both: global on n1 and n3 drop n2 (the node in the middle)
    expect(lines.some((t) => /^global on (n1|n3)(, (n1|n3))? disconnected n2 to prevent overlapping partitions$/.test(t))).toBe(true);
    expect(lines[0]).toMatch(/^cut n1↔n3 \(reset\); first effect after/);
    expect(md).toContain("### What happened");
    expect(md).toMatch(/disconnected n2 to prevent overlapping partitions/);
    // html: the account opens the page, each line links to the timeline, marks on the strips
    const items = html.querySelectorAll("#narrative li.nl");
    expect(items.length).toBe(model.narrative.lines.length);
    const gd = items.find((li) => li.getAttribute("data-kind") === "global_disconnect")!;
    const href = gd.querySelector("a.t")!.getAttribute("href")!;
    expect(href).toMatch(/^#tl-nl-\d+$/);
    expect(html.querySelector(href)).not.toBeNull();
    expect(html.querySelectorAll("path.nlog").length).toBeGreaterThan(0);
    // causality in results.json
    const c = results.causality!;
    expect(c.faults[0]!.first_effect_ms).toBeGreaterThanOrEqual(0);
    expect(c.faults[0]!.first_effect_ms).toBeLessThan(1000);
    expect(c.heals[0]!.last_effect_ms).not.toBeNull();
  }, 120_000);

  it("global-name-conflict: a line names the conflict, the pid kept and the pid killed", async () => {
    const { model, md, results } = await run("global-name-conflict");
    const lines = model.narrative.lines.map((l) => l.text);
    console.log(lines.join("\n"));
    // global.erl kills the holder on the node whose name sorts last: n3's
    expect(lines).toContainEqual(expect.stringMatching(/^after the heal, global resolved a conflict on "solo": kept n1's pid, killed n3's \(<0\.\d+\.\d+> on n3, exit\(Pid, kill\)\)$/));
    expect(md).toMatch(/global resolved a conflict on "solo": kept n1's pid, killed n3's/);
    expect(results.verdict).toBe("pass");
  }, 120_000);

  it("a node flooding its logger blocks neither the node nor the harness; the forwarded lines stay bounded and the drops are counted", async () => {
    await using cluster = await startLocalCluster({ nodes: 2, logDir: path.join(tmp, "flood-logs") });
    const events: { event: string; count?: number }[] = [];
    cluster.on((e) => {
      if (e.type === "node_event" && e.node === "n2" && String(e.event.event).startsWith("log")) events.push(e.event as never);
    });
    const n = 100_000;
    const t0 = Date.now();
    // the agent's call op: 100k :logger.error/1 lines in a loop on n2
    const flood = cluster.agent("n2").call<{ outcome: string }>("call", { module: "Code", function: "eval_string", args: [`for i <- 1..${n}, do: :logger.error("flood line #{i}")`], timeout_ms: 60_000 });
    // while it floods, the node answers its control channel and the mesh holds
    await new Promise((r) => setTimeout(r, 300));
    const echo0 = Date.now();
    expect(await cluster.agent("n2").call("echo", { value: 1 })).toBe(1);
    const echoMs = Date.now() - echo0;
    expect((await flood).outcome).toBe("returned");
    const floodMs = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 1500)); // the last drop report (every second)
    const forwarded = events.filter((e) => e.event === "log").length;
    const dropped = events.filter((e) => e.event === "log_dropped").reduce((s, e) => s + Number(e.count), 0);
    console.log(`flood of ${n} lines: ${floodMs} ms, echo during it ${echoMs} ms, ${forwarded} forwarded, ${dropped} dropped`);
    expect(echoMs).toBeLessThan(2000);
    expect(cluster.isMeshed()).toBe(true);
    // bounded: a burst of 200 plus 100 a second
    expect(forwarded).toBeLessThan(200 + 100 * Math.ceil(floodMs / 1000 + 2));
    expect(forwarded + dropped).toBe(n);
    // the full log keeps every line
    await cluster.stop();
    const log = readFileSync(path.join(tmp, "flood-logs", "n2.log"), "utf8");
    expect(log.split("flood line").length - 1).toBe(n);
  }, 120_000);
});

describe("the narrative of a history with a failed check", () => {
  it("points the failed check at the lines that explain it, in results.json and junit", async () => {
    // a recorded real run, with its check made to fail: the narrative's explanation follows
    const dir = mkdtempSync(path.join(tmp, "failed-"));
    const { runDir } = await (async () => {
      const loaded = await loadScenarioFile(path.join(REPO_ROOT, "scenarios", "partial-partition-overlapping-on.yaml"));
      if (!loaded.ok) throw new Error("cannot load");
      return runScenario(loaded.scenario, { outDir: dir });
    })();
    const record = readRun(runDir);
    const entries = record.entries.map((e) => (e.type === "check" && (e.result as { name: string }).name === "cluster.mesh" ? { ...e, result: { ...(e.result as object), verdict: "fail", detail: "n2 does not see n1" } } : e));
    const results = buildResults({ ...record, entries });
    const mesh = results.checks.find((c) => c.name === "cluster.mesh")!;
    expect(mesh.narrative?.some((l) => /global on .* disconnected n2/.test(l) || /asked .* to disconnect it/.test(l))).toBe(true);
    expect(renderJunit(results)).toMatch(/What the nodes did[^<]*disconnect/);
  }, 120_000);
});
