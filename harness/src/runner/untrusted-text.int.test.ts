/**
 * Scenario text is data, never a command: a real run (the `netsplit` executable, real nodes, real
 * Toxiproxy) of a scenario whose description and log steps are full of shell metacharacters
 * aimed at marker files, and of HTML, passes, records the text verbatim, escapes it in the HTML
 * report, and creates no marker. A scenario with such text in a node name is refused before
 * anything starts. (The loader's side: scenario/untrusted-text.test.ts; the sources' side:
 * no-shell.test.ts.)
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runNetsplit } from "../testing/cli-process.js";
import { History } from "../run/history.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "netsplit-untrusted-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const marker = (i: number) => path.join(tmp, `pwned-${i}`);
const HTML = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
const PAYLOADS = [
  `$(touch ${marker(1)})`,
  `\`touch ${marker(2)}\``,
  `x; touch ${marker(3)}`,
  `'; touch ${marker(4)}; '`,
  `"; touch ${marker(5)}; "`,
  `line one\ntouch ${marker(6)}`,
  `| touch ${marker(7)} && touch ${marker(7)} || touch ${marker(7)} > ${marker(7)}`,
  `$HOME \${IFS} %s %n {{7*7}} ${HTML}`,
];
const q = (s: string) => JSON.stringify(s);

describe("scenario text is never executed", () => {
  it("a run whose description and log steps hold shell metacharacters passes, records them verbatim and runs nothing", async () => {
    const description = `${PAYLOADS[0]} ${PAYLOADS[1]} ${HTML}`;
    const file = path.join(tmp, "untrusted-text.yaml");
    writeFileSync(file, [
      "netsplit: 1",
      `description: ${q(description)}`,
      "cluster: { nodes: 3, kernel: { net_ticktime: 2 }, reconnect: { interval_ms: 200 } }",
      "steps:",
      ...PAYLOADS.map((p) => `  - log: ${q(p)}`),
      "  - partition: { isolate: n3, mode: reset }",
      "  - heal: all",
      "  - wait: { until: mesh, timeout: 10s }",
      "checks:",
      "  - cluster.mesh: { within: 5s }",
      "",
    ].join("\n"));
    const out = path.join(tmp, "runs");
    const run = await runNetsplit(["run", file, "--out", out]);
    expect(run.code, `${run.out}\n${run.err}`).toBe(0);

    expect(readdirSync(tmp).filter((f) => f.startsWith("pwned-"))).toEqual([]);
    const runDir = realpathSync(path.join(out, "untrusted-text", "latest"));
    const { entries } = History.read(path.join(runDir, "history.msgpack"));
    expect(entries.filter((e) => e.type === "log").map((e) => e.message)).toEqual(PAYLOADS);
    expect(entries.find((e) => e.type === "run_start")?.description).toBe(description);
    // the live timeline prints them as they are (no shell in between to interpret them)
    for (const p of PAYLOADS) expect(run.out).toContain(p.split("\n")[0]);

    const html = readFileSync(path.join(runDir, "report.html"), "utf8");
    expect(html).not.toContain("<script>alert(2)</script>");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;img src=x");
  });

  it("a node name with shell metacharacters is refused with its position, and nothing starts", async () => {
    const file = path.join(tmp, "bad-node.yaml");
    writeFileSync(file, `netsplit: 1\ncluster:\n  nodes: [n1, n2, "n3$(touch ${marker(9)})"]\n`);
    const run = await runNetsplit(["run", file, "--out", path.join(tmp, "runs")]);
    expect(run.code).toBe(254);
    expect(run.err).toContain(`${file}:3:19: invalid node name`);
    expect(run.children.size).toBe(0);
    expect(existsSync(marker(9))).toBe(false);
  });
});
