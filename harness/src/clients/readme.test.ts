// The README's YAML is real: every ```yaml block parses, and its clients and history checks
// normalise (the README is the proposal the scenario schema is built from).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { clientsFromYaml, historyCheckFromYaml } from "./yaml.js";

const readme = readFileSync(new URL("./README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!) as Record<string, any>);

describe("README.md", () => {
  it("has three YAML blocks whose clients and checks normalise", () => {
    expect(blocks).toHaveLength(3);
    const clients = blocks.filter((b) => b.workload?.clients).map((b) => clientsFromYaml(b.workload.clients));
    expect(clients).toHaveLength(2);
    expect(clients[0]![0]).toMatchObject({ count: 6, timeoutMs: 2000, window: { startMs: 2000, endMs: 40000 }, pace: { kind: "rate", perSecond: 5 } });
    const checks = blocks.flatMap((b) => (b.checks ?? []) as Record<string, unknown>[]).map((c) => {
      const [name, raw] = Object.entries(c)[0]!;
      return historyCheckFromYaml(name, raw).name;
    });
    expect(checks).toEqual(["history.set", "history.counter", "history.unique_ids", "history.availability", "history.exactly_once", "history.set", "history.exactly_once", "history.availability"]);
  });
});

describe("README.md's scenario", () => {
  it("loads as a scenario file (the schema accepts every key the README shows)", async () => {
    const { loadScenarioText } = await import("../scenario/load.js");
    const text = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((t) => t.startsWith("netsplit: 1"))!;
    const r = loadScenarioText(text, "README.yaml");
    if (!r.ok) expect.fail(r.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join("\n"));
  });
});
