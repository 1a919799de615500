/**
 * limit_data on a REAL 3-node cluster behind a real Toxiproxy: with a little traffic on the
 * links (a global probe), every distribution connection is closed after a few hundred bytes, so
 * the nodes see nodedowns; after a heal the cluster re-meshes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { History } from "../../run/history.js";
import { runScenario } from "../../runner/run.js";
import { normalizeScenarioObject, unwrapScenario } from "../../scenario/load.js";
import { harnessChildren } from "../../testing/procs.js";

const outDir = mkdtempSync(path.join(tmpdir(), "netsplit-limit-data-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

it("closes the connections after the byte limit, and the cluster re-meshes once healed", async () => {
  const obj = {
    netsplit: 1, name: "limit-data", seed: 3,
    cluster: { nodes: 3, kernel: { net_ticktime: 2 }, reconnect: { interval_ms: 200 } },
    workload: { global: [{ name: "leader", on: "n1" }, { probe: "register_name", every_ms: 100 }] },
    steps: [{ limit_data: { links: "all", bytes: 300 } }, { wait: "3s" }, { heal: "all" }],
    checks: [{ "cluster.mesh": { within: "20s" } }],
  };
  const { results, runDir } = await runScenario(unwrapScenario(normalizeScenarioObject(obj, "limit-data")), { outDir });
  expect(harnessChildren()).toEqual([]);
  expect(results.verdict).toBe("pass");
  const entries = History.read(path.join(runDir, "history.msgpack")).entries;
  const fault = entries.find((e) => e.type === "fault" && e.kind === "limit_data")!;
  expect(fault).toMatchObject({ step: "steps[0]", directions: expect.arrayContaining(["n1->n2", "n2->n1"]) });
  const heal = entries.find((e) => e.type === "fault" && e.kind === "heal")!;
  const downs = entries.filter((e) => e.type === "node_event" && (e.event as { event: string }).event === "nodedown" && e.t > fault.t && e.t < heal.t);
  expect(downs.length).toBeGreaterThan(0);
});
