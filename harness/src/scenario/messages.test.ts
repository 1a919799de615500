/** The full printed form of one issue per code: message, excerpt with caret, hint. */
import { describe, expect, it } from "vitest";
import { formatIssue } from "./issues.js";
import { loadScenarioText } from "./load.js";

function printed(text: string): string[] {
  const result = loadScenarioText(text, "s.yaml");
  if (result.ok) throw new Error("expected issues");
  return result.errors.map(formatIssue);
}

const lines = (...parts: string[]) => parts.join("\n");

describe("printed issues", () => {
  it("unknown_key names the nearest valid key", () => {
    expect(printed("netsplit: 1\ncluster:\n  nodes: 3\n  reconnect: { intervl_ms: 200 }\n")).toEqual([lines(
      "s.yaml:4:16: unknown key `intervl_ms` in `cluster.reconnect`",
      "    reconnect: { intervl_ms: 200 }",
      "                 ^^^^^^^^^^",
      "  hint: did you mean `interval_ms`?",
    )]);
  });

  it("unknown_node names the nearest node and lists them all", () => {
    expect(printed("netsplit: 1\ncluster: { nodes: [alpha, beta, gamma] }\nsteps:\n  - partition: { isolate: gama }\n")).toEqual([lines(
      "s.yaml:4:27: unknown node `gama`",
      "    - partition: { isolate: gama }",
      "                            ^^^^",
      "  hint: did you mean `gamma`? the cluster's nodes are: `alpha`, `beta`, `gamma`",
    )]);
  });

  it("bad_duration says what is wrong and how to write it", () => {
    expect(printed("netsplit: 1\ncluster: { nodes: 2 }\nsteps:\n  - wait: 5 s\n")).toEqual([lines(
      "s.yaml:4:11: `steps[0].wait`: bad duration \"5 s\": no spaces are allowed in a duration",
      "    - wait: 5 s",
      "            ^^^",
      "  hint: write 5s",
    )]);
  });

  it("duplicate_key points at the second key and names the first line", () => {
    expect(printed("netsplit: 1\ncluster:\n  nodes: 3\n  nodes: 4\n")).toEqual([lines(
      "s.yaml:4:3: duplicate key `nodes` (first on line 3): a key may appear once in a map",
      "    nodes: 4",
      "    ^^^^^",
      "  hint: remove one of the two, or merge them",
    )]);
  });

  it("yaml_syntax comes from the YAML parser, with the same shape", () => {
    expect(printed("netsplit: 1\ncluster:\n\tnodes: 3\n")).toEqual([lines(
      "s.yaml:3:1: tabs are not allowed as indentation",
      "   nodes: 3",
      "  ^",
      "  hint: indent with spaces, not tabs",
    )]);
  });

  it("bad_shape for a node in two groups points at the second occurrence", () => {
    expect(printed("netsplit: 1\ncluster: { nodes: 4 }\nsteps:\n  - partition: { groups: [[n1, n2], [n2, n3]] }\n")).toEqual([lines(
      "s.yaml:4:38: `n2` is in two groups (groups[0] and groups[1])",
      "    - partition: { groups: [[n1, n2], [n2, n3]] }",
      "                                       ^^",
      "  hint: a node belongs to one group at most",
    )]);
  });

  it("missing_key points at the map that lacks the key", () => {
    expect(printed("netsplit: 1\nsteps: []\n")).toEqual([lines(
      "s.yaml:1:1: missing key `cluster` at the top level",
      "  netsplit: 1",
      "  ^",
      "  hint: add `cluster:` — The cluster under test.",
    )]);
  });

  it("bad_version names the supported version", () => {
    expect(printed("netsplit: 2\ncluster: { nodes: 2 }\n")).toEqual([lines(
      "s.yaml:1:11: unsupported format version 2: this netsplit reads version 1",
      "  netsplit: 2",
      "            ^",
      "  hint: set `netsplit: 1`",
    )]);
  });

  it("bad_type quotes the value and guesses the fix", () => {
    expect(printed("netsplit: 1\ncluster: { nodes: 2 }\nsteps:\n  - wait 5s\n")).toEqual([lines(
      "s.yaml:4:5: `steps[0]` must be a step: a map with exactly one key, such as `wait: 5s`, got \"wait 5s\"",
      "    - wait 5s",
      "      ^^^^^^^",
      "  hint: add a colon: `wait: 5s`",
    )]);
  });

  it("bad_name states the rule and a valid variant", () => {
    expect(printed("netsplit: 1\ncluster:\n  nodes: [N-1, n2]\n")).toEqual([lines(
      "s.yaml:3:11: invalid node name \"N-1\": a node name is 1 to 31 characters: a lowercase letter, then lowercase " +
        "letters, digits or _ (it becomes an Erlang node name and a Toxiproxy proxy name)",
      "    nodes: [N-1, n2]",
      "            ^^^",
      "  hint: did you mean `n_1`?",
    )]);
  });

  it("bad_value lists the choices", () => {
    expect(printed("netsplit: 1\ncluster: { nodes: 2, runtime: dokcer }\n")).toEqual([lines(
      "s.yaml:2:31: `cluster.runtime` must be one of `local`, `docker`, got \"dokcer\"",
      "  cluster: { nodes: 2, runtime: dokcer }",
      "                                ^^^^^^",
      "  hint: did you mean `docker`?",
    )]);
  });

  it("needs_workload says what to add", () => {
    expect(printed("netsplit: 1\ncluster: { nodes: 2 }\nchecks:\n  - pg.converged: {}\n")).toEqual([lines(
      "s.yaml:4:5: `pg.converged` needs a `pg` workload, and the scenario has none",
      "    - pg.converged: {}",
      "      ^^^^^^^^^^^^",
      "  hint: add `workload: { pg: [{ group: workers }] }`",
    )]);
  });

  it("an issue without a position (JS object input) prints its path", () => {
    expect(formatIssue({ code: "unknown_node", message: "unknown node `n9`", file: "obj", line: 0, column: 0,
      path: ["steps", 0, "kill"], excerpt: "", hint: "the cluster's nodes are: `n1`, `n2`" })).toBe(lines(
      "obj: at steps[0].kill: unknown node `n9`",
      "  hint: the cluster's nodes are: `n1`, `n2`",
    ));
  });
});
