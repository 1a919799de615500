/**
 * The client runner against REAL nodes (no app needed: Erlang's own functions stand in for it):
 * 3 BEAM nodes behind Toxiproxy, 3 clients (one per node) and one in a long call on n3 calling through the agent's `call`
 * op, n3 killed mid-run. Asserts what only reality can show: the agent's replies classify as
 * expected, a client whose node dies records info for the call in flight (or fail, not called),
 * never hangs, and the streamed ops.jsonl reads back complete (invokes == completions).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import type { CallReply } from "../agent/ops.js";
import { seededRng } from "../run/rng.js";
import { startLocalCluster } from "../runtime/local.js";
import { readOps } from "./history.js";
import { startClients } from "./runner.js";
import { clientsFromYaml } from "./yaml.js";

const dir = mkdtempSync(join(tmpdir(), "netsplit-clients-int-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("clients on real nodes: ok, fail and info as the agent replies; a killed node never hangs them", async () => {
  await using cluster = await startLocalCluster({ nodes: 3 });
  const file = join(dir, "ops.jsonl");
  const t0 = performance.now();
  const workload = clientsFromYaml([{
    count: 3, nodes: "round_robin", rate: 20, timeout: "300ms",
    ops: [
      { f: "abs", call: ":erlang.abs/1", value: { random_int: { min: -5, max: -1 } }, weight: 3 },
      { f: "member", call: ":lists.member/2", args: ["{value}", []], value: "unique_int" },
      { f: "sleep", call: ":timer.sleep/1", args: [1000], weight: 1 },
    ],
  }, {
    // process 3: in a 3 s call on n3 when n3 is killed
    count: 1, nodes: ["n3"], think: 0, timeout: "5s", ops: [{ f: "long", call: ":timer.sleep/1", args: [3000] }],
  }]);
  const clients = startClients({
    nodes: cluster.names, rng: seededRng(3), runStartedAt: Date.now(), file, now: () => performance.now() - t0,
    nodeState: (n) => cluster.node(n).state,
    call: (node, module, fn, args, timeoutMs) =>
      cluster.agent(node).call("call", { module, function: fn, args, timeout_ms: timeoutMs }, timeoutMs + 5000) as Promise<CallReply>,
  }, workload);
  await new Promise((r) => setTimeout(r, 1500));
  await cluster.kill("n3");
  await new Promise((r) => setTimeout(r, 1000));
  const summary = await clients.stop();

  const { ops, truncated } = readOps(file);
  expect(truncated).toBe(false);
  expect(ops.filter((o) => o.type === "invoke")).toHaveLength(summary.invokes);
  expect(summary.ok + summary.fail + summary.info).toBe(summary.invokes);
  const done = ops.filter((o) => o.type !== "invoke");
  expect(done.filter((o) => o.f === "abs" && o.type === "ok").every((o) => typeof o.value === "number" && (o.value as number) > 0)).toBe(true);
  expect(done.find((o) => o.f === "member" && o.node !== "n3")).toMatchObject({ type: "fail", error: "returned false" });
  expect(done.find((o) => o.f === "sleep" && o.node !== "n3")).toMatchObject({ type: "info", error: "did not return within 300 ms" });
  expect(done.find((o) => o.f === "long")).toMatchObject({ type: "info", error: expect.stringMatching(/^n3 went killed with the call in flight \(no answer: .+\)$/) });
  const n3After = done.filter((o) => o.node === "n3" && o.startMs > 1700);
  expect(n3After.length).toBeGreaterThan(0);
  expect(n3After.every((o) => o.type === "fail" && o.error === "not called: n3 is killed")).toBe(true);
  expect(performance.now() - t0).toBeLessThan(10_000);
}, 60_000);
