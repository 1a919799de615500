import { describe, expect, it } from "vitest";
import { History } from "../../run/history.js";
import type { RunContext } from "../../run/context.js";
import { loadScenarioText } from "../../scenario/load.js";
import { LinkFaults } from "../link-faults.js";
import type { ToxiproxyApi } from "../../toxiproxy/api.js";
import type { ToxicSpec } from "../../toxiproxy/types.js";
import { drawnOf, FAULT_KINDS, isFaultStep, nemesisRule, type FaultStep } from "./index.js";

const at = { file: "t.yaml", line: 3, column: 5, path: "steps[1]" };

/** LinkFaults over a fake Toxiproxy API that keeps the toxics it is given. */
function ctxWithToxics() {
  const added: { proxy: string; toxic: ToxicSpec }[] = [];
  const api = { addToxic: async (proxy: string, toxic: ToxicSpec) => void added.push({ proxy, toxic }), removeToxic: async () => undefined, reset: async () => undefined, setEnabled: async () => undefined } as unknown as ToxiproxyApi;
  const lines: string[] = [];
  const ctx = { cluster: { names: ["n1", "n2", "n3"], faults: new LinkFaults(api, ["n1", "n2", "n3"]) }, history: new History(), startedAt: 0, progress: (l: string) => lines.push(l), sides: null, lastChangeAt: null } as unknown as RunContext;
  return { ctx, added, lines };
}

describe("limit_data", () => {
  const step: FaultStep<"limit_data"> = { kind: "limit_data", links: [["n1", "n2"]], allLinks: false, bytes: 4096, at };

  it("is a fault step in the registry, drawn as a link fault that is not a cut, never drawn by the nemesis", () => {
    expect(isFaultStep(step)).toBe(true);
    expect(FAULT_KINDS.limit_data.kind).toBe("limit_data");
    expect(drawnOf({ kind: "limit_data", pairs: [["n1", "n2"]] })).toEqual({ as: "link", cut: false });
    expect(nemesisRule("limit_data")).toBeUndefined();
  });

  it("puts a limit_data toxic of `bytes` on both streams of both proxies of each pair, and records it", async () => {
    const { ctx, added, lines } = ctxWithToxics();
    await FAULT_KINDS.limit_data.apply(ctx, step, { path: at.path, nemesis: false, startWorkloadOn: async () => undefined });
    expect(added.map((a) => `${a.proxy}/${a.toxic.stream}`).sort()).toEqual(["n1_to_n2/downstream", "n1_to_n2/upstream", "n2_to_n1/downstream", "n2_to_n1/upstream"]);
    for (const { toxic } of added) expect(toxic).toMatchObject({ type: "limit_data", attributes: { bytes: 4096 } });
    expect(ctx.history.entries[0]).toMatchObject({ type: "fault", step: "steps[1]", kind: "limit_data", pairs: [["n1", "n2"]], directions: ["n1->n2", "n2->n1"] });
    expect(ctx.cluster.faults.healed).toBe(false);
    expect(lines[0]).toContain("limit_data 4096 bytes per connection on n1-n2 (2 directed links, applied in");
    await ctx.cluster.faults.heal();
    expect(ctx.cluster.faults.healed).toBe(true);
  });

  it("is written in a scenario file, its links checked against the cluster", () => {
    const text = (links: string) => `netsplit: 1\ncluster: { nodes: 3 }\nsteps:\n  - limit_data: { links: ${links}, bytes: 4096 }\n  - heal: all\nchecks:\n  - cluster.mesh: { within: 5s }\n`;
    const loaded = loadScenarioText(text("[[n1, n2]]"), "limit.yaml");
    expect(loaded.ok && loaded.scenario.steps[0]).toMatchObject({ kind: "limit_data", links: [["n1", "n2"]], allLinks: false, bytes: 4096 });
    const all = loadScenarioText(text("all"), "limit.yaml");
    expect(all.ok && all.scenario.steps[0]).toMatchObject({ kind: "limit_data", allLinks: true, bytes: 4096 });
    expect(loadScenarioText(text("[[n1, n9]]"), "limit.yaml").ok).toBe(false);
  });

  it("describes itself for the report", () => {
    expect(FAULT_KINDS.limit_data.describe({ ...step, allLinks: true })).toBe("close connections after 4096 bytes on all links");
  });
});
