/**
 * Scenario files are untrusted input. Every string that reaches a node (node names, pg scopes
 * and groups, global names) or a path (the scenario name) must match a strict pattern, so text
 * with shell metacharacters is refused by the loader with a positioned error; free text
 * (description, log messages) is accepted and carried verbatim as data, without control
 * characters and within a length limit. (That such text is never executed by a real run is
 * proved in runner/untrusted-text.int.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { formatIssue } from "./issues.js";
import { loadScenarioText } from "./load.js";
import { DESCRIPTION_MAX, LOG_MESSAGE_MAX } from "./schema-common.js";

const PAYLOADS = [
  "$(touch /tmp/netsplit-pwned)",
  "`touch /tmp/netsplit-pwned`",
  "a; touch /tmp/netsplit-pwned",
  "a' ; touch /tmp/netsplit-pwned ; '",
  'a" ; touch /tmp/netsplit-pwned ; "',
  "a\ntouch /tmp/netsplit-pwned",
  "a | touch /tmp/netsplit-pwned && b || c > /tmp/netsplit-pwned",
  "a&b",
  "../../etc/passwd",
  "n1 n2",
];
const q = (s: string) => JSON.stringify(s); // a YAML double-quoted scalar

/** Each place a name from the file reaches the nodes or the file system; `$` marks the payload. */
const FIELDS: Record<string, string> = {
  "cluster.nodes": "cluster:\n  nodes: [n1, n2, $]\n",
  "scenario name": "name: $\ncluster: { nodes: 3 }\n",
  "pg scope": "cluster: { nodes: 3 }\nworkload:\n  pg:\n    - { scope: $, group: g }\n",
  "pg group": "cluster: { nodes: 3 }\nworkload:\n  pg:\n    - { group: $ }\n",
  "pg on": "cluster: { nodes: 3 }\nworkload:\n  pg:\n    - { group: g, on: $ }\n",
  "global workload name": "cluster: { nodes: 3 }\nworkload:\n  global:\n    - { name: $ }\n",
  "global_register name": "cluster: { nodes: 3 }\nsteps:\n  - global_register: { name: $, on: n1 }\n",
  "global.names_unique names": "cluster: { nodes: 3 }\nchecks:\n  - global.names_unique: { names: [$] }\n",
  "kill": "cluster: { nodes: 3 }\nsteps:\n  - kill: $\n",
  "partition groups": "cluster: { nodes: 3 }\nsteps:\n  - partition: { groups: [[n1], [$]] }\n",
  "grudge key": "cluster: { nodes: 3 }\nsteps:\n  - partition: { grudge: { $: [n1] } }\n",
  "cluster.sees key": "cluster: { nodes: 3 }\nchecks:\n  - cluster.sees: { $: [n1] }\n",
  "invariant on": "cluster: { nodes: 3 }\nchecks:\n  - invariant: { call: \":erlang.node/0\", on: $ }\n",
  "pg.converged scope": "cluster: { nodes: 3 }\nchecks:\n  - pg.converged: { scope: $ }\n",
  "horde registry": "cluster: { nodes: 3 }\nchecks:\n  - horde.unique: { registry: $ }\n",
  "horde supervisor": "cluster: { nodes: 3 }\nchecks:\n  - horde.no_loss: { supervisor: $ }\n",
  "app apps": "cluster:\n  nodes: 3\n  app: { mix: ., apps: [$] }\n",
  "app config app": "cluster:\n  nodes: 3\n  app: { mix: ., config: { $: { a: 1 } } }\n",
  "app config key": "cluster:\n  nodes: 3\n  app: { mix: ., config: { my_app: { $: 1 } } }\n",
  "app env name": "cluster:\n  nodes: 3\n  app: { mix: ., env: { $: x } }\n",
};

/** Each place a call text reaches the nodes; refused as a bad call. */
const CALL_FIELDS: Record<string, string> = {
  "invariant call": "cluster: { nodes: 3 }\nchecks:\n  - invariant: { call: $ }\n",
  "wait until call": "cluster: { nodes: 3 }\nsteps:\n  - wait: { until: { call: $ } }\n",
  "ready call": "cluster:\n  nodes: 3\n  app: { mix: ., ready: { call: $ } }\n",
};

describe("names from a scenario file are validated", () => {
  for (const [field, template] of Object.entries(FIELDS)) {
    it.each(PAYLOADS)(`${field}: %j is refused with a positioned error`, (payload) => {
      const text = `netsplit: 1\n${template.replace("$", q(payload))}`;
      const result = loadScenarioText(text, "untrusted.yaml");
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const line = text.split("\n").findIndex((l) => l.includes(q(payload))) + 1;
      const column = text.split("\n")[line - 1]!.indexOf(q(payload)) + 1;
      const issue = result.errors.find((e) => e.line === line && e.column === column);
      expect(issue, result.errors.map(formatIssue).join("\n")).toBeDefined();
      expect(issue!.code).toBe("bad_name");
      expect(formatIssue(issue!)).toMatch(new RegExp(`^untrusted\\.yaml:${line}:${column}: invalid `));
    });
  }
});

describe("call texts from a scenario file are validated", () => {
  for (const [field, template] of Object.entries(CALL_FIELDS)) {
    it.each(PAYLOADS.flatMap((p) => [p, `MyApp.f/0${p}`, `:${p}.f/0`]))(`${field}: %j is refused with a positioned error`, (payload) => {
      const text = `netsplit: 1\n${template.replace("$", q(payload))}`;
      const result = loadScenarioText(text, "untrusted.yaml");
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const line = text.split("\n").findIndex((l) => l.includes(q(payload))) + 1;
      const column = text.split("\n")[line - 1]!.indexOf(q(payload)) + 1;
      const issue = result.errors.find((e) => e.line === line && e.column === column);
      expect(issue, result.errors.map(formatIssue).join("\n")).toBeDefined();
      expect(issue!.code).toBe("bad_call");
      expect(formatIssue(issue!)).toMatch(new RegExp(`^untrusted\\.yaml:${line}:${column}: \`[^\`]+\`: bad call `));
    });
  }
});

describe("free text is carried verbatim, as data", () => {
  const html = '<img src=x onerror="alert(1)"><script>alert(2)</script>';

  it.each([...PAYLOADS, html, "tabs\tare fine", "ünïcödé ✓"])("description and log message %j load unchanged", (payload) => {
    const text = `netsplit: 1\ndescription: ${q(payload)}\ncluster: { nodes: 3 }\nsteps:\n  - log: ${q(payload)}\n`;
    const result = loadScenarioText(text, "text.yaml");
    if (!result.ok) expect.fail(result.errors.map(formatIssue).join("\n"));
    expect(result.scenario.description).toBe(payload.trim());
    expect(result.scenario.steps).toEqual([expect.objectContaining({ kind: "log", message: payload })]);
  });

  it.each([
    ["an escape sequence", "\u001b[2J\u001b]0;title\u0007"],
    ["a NUL byte", "a\u0000b"],
    ["a carriage return", "done\rfake line"],
    ["a C1 control", "a\u009bb"],
  ])("refuses %s in a description and a log message", (_what, payload) => {
    const text = `netsplit: 1\ndescription: ${q(payload)}\ncluster: { nodes: 3 }\nsteps:\n  - log: ${q(payload)}\n`;
    const result = loadScenarioText(text, "text.yaml");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => `${e.code} ${e.line}:${e.column}`)).toEqual(["bad_name 2:14", "bad_name 5:10"]);
    expect(result.errors[0]!.message).toMatch(/without control characters/);
    // the message quotes the text escaped: it cannot reach the terminal raw
    for (const e of result.errors) expect(formatIssue(e)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it("limits the length of a description and of a log message", () => {
    const load = (description: string, log: string) =>
      loadScenarioText(`netsplit: 1\ndescription: ${q(description)}\ncluster: { nodes: 3 }\nsteps:\n  - log: ${q(log)}\n`, "long.yaml");
    expect(load("d".repeat(DESCRIPTION_MAX), "l".repeat(LOG_MESSAGE_MAX)).ok).toBe(true);
    const long = load("d".repeat(DESCRIPTION_MAX + 1), "l".repeat(LOG_MESSAGE_MAX + 1));
    expect(long.ok).toBe(false);
    if (long.ok) return;
    expect(long.errors.map((e) => `${e.code} ${e.line}:${e.column}`)).toEqual(["bad_name 2:14", "bad_name 5:10"]);
    expect(long.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/at most 2000 characters/),
      expect.stringMatching(/at most 500 characters/),
    ]);
  });
});
