/**
 * The narrative and causality on the histories of real runs (testdata/runs/, OTP 25), and the
 * renderers' use of them: report.md, report.html (lines linked to timeline marks), junit.xml.
 */
import path from "node:path";
import { parse } from "node-html-parser";
import { describe, expect, it } from "vitest";
import { renderHtml } from "../report/html.js";
import { renderJunit } from "../report/junit.js";
import { renderMarkdown } from "../report/markdown.js";
import { buildReportModel } from "../report/model.js";
import { buildResults } from "../report/results.js";
import { readRun } from "../report/store.js";
import type { HistoryEntry } from "../run/history.js";

const dir = (name: string) => path.join(path.dirname(new URL(import.meta.url).pathname), "testdata", "runs", name);
const model = (name: string, edit: (e: HistoryEntry) => HistoryEntry = (e) => e) => {
  const r = readRun(dir(name));
  const record = { ...r, entries: r.entries.map(edit) };
  const results = buildResults(record);
  return { m: buildReportModel(record, results), results };
};

describe("narrative of a partial partition with prevent_overlapping_partitions (real run)", () => {
  const { m, results } = model("partial-partition-overlapping-on");
  const n = m.narrative;
  const texts = n.lines.map((l) => l.text);

  it("opens with the cut and its first effect, names the node global disconnected, ends with the heal and its last effect", () => {
    expect(texts[0]).toBe("cut n1↔n3 (reset); first effect after 23 ms (n3: nodedown n1 (connection_closed))");
    expect(texts).toContain("global on n1, n3 disconnected n2 to prevent overlapping partitions");
    expect(texts).toContain("global on n2 asked n1, n3 to disconnect it, to prevent overlapping partitions");
    expect(texts.at(-1)).toBe("heal all; every node saw the full mesh again after 485 ms (last: n1)");
  });

  it("tells a thing once per fault window and counts its repeats", () => {
    const gd = n.lines.find((l) => l.text === "global on n1, n3 disconnected n2 to prevent overlapping partitions")!;
    expect(gd.repeats?.count).toBeGreaterThanOrEqual(2);
    expect(n.lines.length).toBeLessThan(15);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it("lines are time-ordered with ids; marks point at lines", () => {
    expect(n.lines.map((l) => l.atMs)).toEqual([...n.lines.map((l) => l.atMs)].sort((a, b) => a - b));
    expect(n.lines.map((l) => l.id)).toEqual(n.lines.map((_, i) => `nl-${i + 1}`));
    const ids = new Set(n.lines.map((l) => l.id));
    expect(n.marks.length).toBeGreaterThan(10);
    for (const mk of n.marks) expect(ids.has(mk.lineId)).toBe(true);
  });

  it("causality: first effect per node of the cut, last effect of the heal, in results.json", () => {
    const f = results.causality!.faults[0]!;
    expect(f.first_effect_ms).toBe(23);
    expect(Object.keys(f.per_node).sort()).toEqual(["n1", "n2", "n3"]);
    const h = results.causality!.heals[0]!;
    expect(h.last_effect_ms).toBeCloseTo(484.5, 0);
    expect(h.last_node).toBe("n1");
  });

  it("report.md and report.html open with it; html lines link to their marks on the node strips", () => {
    const md = renderMarkdown(m);
    expect(md.indexOf("### What happened")).toBeLessThan(md.indexOf("| check |"));
    expect(md).toContain("| partition 1 links cut (reset) | first effect | 23 ms");
    const html = parse(renderHtml(m));
    const items = html.querySelectorAll("#narrative li.nl");
    expect(items.length).toBe(n.lines.length);
    for (const li of items) {
      const href = li.querySelector("a.t")!.getAttribute("href")!;
      if (href !== "#timeline") expect(html.querySelector(href), href).not.toBeNull();
    }
    expect(html.querySelectorAll("#timeline path.nlog.global_disconnect").length).toBeGreaterThan(0);
  });

  it("every forwarded log line is in the event log, recognised or not", () => {
    const logs = m.log.filter((l) => l.kind === "node_log");
    const forwarded = readRun(dir("partial-partition-overlapping-on")).entries.filter((e) => e.type === "node_event" && (e.event as { event: string }).event === "log");
    expect(logs.length).toBe(forwarded.length);
  });
});

describe("narrative of a name conflict (real run)", () => {
  it("names the name, the pid kept and the pid killed, after the heal", () => {
    const { m } = model("global-name-conflict");
    expect(m.narrative.lines.map((l) => l.text)).toContain(`after the heal, global resolved a conflict on "solo": kept n1's pid, killed n3's (<0.145.0> on n3, exit(Pid, kill))`);
  });

  it("a failed check points at the lines that explain it: in the report and in junit.xml", () => {
    const fail = (e: HistoryEntry) => e.type === "check" && (e.result as { name: string }).name === "global.names_unique" ? { ...e, result: { ...(e.result as object), verdict: "fail", detail: `"solo" resolves to two pids` } } : e;
    const { m, results } = model("global-name-conflict", fail);
    const check = results.checks.find((c) => c.name === "global.names_unique")!;
    expect(check.narrative).toEqual([`+3.08 s after the heal, global resolved a conflict on "solo": kept n1's pid, killed n3's (<0.145.0> on n3, exit(Pid, kill))`]);
    const line = m.narrative.lines.find((l) => l.kind === "check")!;
    const conflict = m.narrative.lines.find((l) => l.kind === "name_conflict")!;
    expect(line.text).toBe(`global.names_unique FAILED: "solo" resolves to two pids (see #${conflict.id.slice(3)})`);
    expect(renderJunit(results)).toContain(`What the nodes did (report.md, &quot;What happened&quot;):\n+3.08 s after the heal, global resolved a conflict on &quot;solo&quot;`);
    expect(renderMarkdown(m)).toContain(`(see what happened ${conflict.id.slice(3)})`);
    expect(parse(renderHtml(m)).querySelector(`#checks tr[data-check="global.names_unique"] .nl-refs a`)!.getAttribute("href")).toBe(`#${conflict.id}`);
  });
});

describe("narrative of kill and pause (real run)", () => {
  const { m, results } = model("kill-and-pause");
  const texts = m.narrative.lines.map((l) => l.text);
  it("names the tick timeout net_kernel logged for the paused node, once (not again as a nodedown)", () => {
    expect(texts).toContain(`n1 stopped hearing ticks from n2: connection removed (net_kernel: "not responding")`);
    expect(texts.filter((t) => t === "n1 lost n2: tick timeout")).toEqual([]);
    expect(texts[0]).toBe("kill n3; first effect after 29 ms (n1: nodedown n3 (connection_closed))");
  });
  it("the pause's first effect is the first tick timeout, seconds later", () => {
    const pause = results.causality!.faults.find((f) => f.label === "pause n2")!;
    expect(pause.first_effect_ms).toBeGreaterThan(3000);
    expect(pause.first_effect).toMatch(/not responding/);
  });
});

describe("narrative of RabbitMQ 3.10.8 under pause_minority (real run of examples/rabbitmq/pause-minority.yaml)", () => {
  const { m, results } = model("rabbitmq-pause-minority");
  const lines = m.narrative.lines;
  const texts = lines.map((l) => l.text);

  it("tells that n3 paused itself, that rabbit stopped there, and its mnesia starting again after the heal", () => {
    expect(texts).toContain(`RabbitMQ on n3 saw a minority of its cluster and paused itself: rabbit stopped until the majority is back (rabbit_node_monitor: "Cluster minority/secondary status detected - awaiting recovery")`);
    expect(texts).toContain("rabbit stopped on n3");
    const heal = texts.findIndex((t) => t.startsWith("heal all"));
    expect(texts.findIndex((t) => t === "mnesia on n3, starting again, found that n1, n2 had seen it down (inconsistent_database, starting_partitioned_network)")).toBeGreaterThan(heal);
  });

  it("the failed mid-run check on n3 points at the line saying n3 paused itself, in the narrative, the tables and junit; passing checks point nowhere", () => {
    const paused = lines.find((l) => l.kind === "rabbit_paused")!;
    const stopped = lines.find((l) => l.kind === "rabbit_stopped")!;
    const failed = lines.find((l) => l.kind === "check")!;
    expect(failed.text).toBe(`invariant FAILED: :rabbit.is_running/0 — n3: returned false, expected true (see #${paused.id.slice(3)}, #${stopped.id.slice(3)})`);
    expect(failed.atMs).toBeGreaterThan(paused.atMs);
    const check = results.checks.find((c) => c.verdict === "fail")!;
    expect(check.narrative![0]).toMatch(/RabbitMQ on n3 saw a minority of its cluster and paused itself/);
    const md = renderMarkdown(m);
    expect(md.match(/see what happened/g)).toHaveLength(1);
    expect(md).toContain(`expected true (see what happened ${paused.id.slice(3)}, ${stopped.id.slice(3)}) |`);
    const html = parse(renderHtml(m));
    expect(html.querySelectorAll("#checks .nl-refs").length).toBe(1);
    expect(html.querySelector(`#checks tr[data-verdict="fail"] .nl-refs a`)!.getAttribute("href")).toBe(`#${paused.id}`);
    expect(renderJunit(results)).toContain("RabbitMQ on n3 saw a minority of its cluster and paused itself");
  });
});

describe("narrative of RabbitMQ 3.10.8 under autoheal (real run of examples/rabbitmq/autoheal.yaml)", () => {
  const { m } = model("rabbitmq-autoheal");
  const texts = m.narrative.lines.map((l) => l.text);

  it("after the heal: the partition mnesia saw everywhere, the autoheal loser and the winner, the loser's rabbit stopping and starting again", () => {
    const heal = texts.findIndex((t) => t.startsWith("heal all"));
    const after = texts.slice(heal + 1);
    expect(after).toEqual([
      "mnesia on n1–n3 found its database inconsistent (running_partitioned_network) with n1–n3: the sides may have diverged",
      `RabbitMQ autoheal: n3 was on a losing side and restarts rabbit; the winning side is n2's ("we were selected to restart")`,
      "rabbit stopped on n3",
      "mnesia on n3, starting again, found that n1, n2 had seen it down (inconsistent_database, starting_partitioned_network)",
    ]);
    // nobody paused during the cut
    expect(texts.slice(0, heal).filter((t) => t.startsWith("RabbitMQ") || t.startsWith("rabbit"))).toEqual([]);
  });
});

describe("node lists", () => {
  it("sorts naturally and collapses runs of three or more", async () => {
    const { nodeList } = await import("./narrative.js");
    expect(nodeList(["n10", "n9", "n1", "n2", "n3", "n12"])).toBe("n1–n3, n9, n10, n12");
    expect(nodeList(["n3", "n1"])).toBe("n1, n3");
    expect(nodeList(["n1", "n2", "n3", "n4"], " ")).toBe("n1–n4");
  });
});
