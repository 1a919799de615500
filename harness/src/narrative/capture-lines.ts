/**
 * Captures real log events for the recognisers' fixtures (testdata/otp25-log-lines.json was made
 * this way, together with runs of the shipped scenarios): on a 3-node local cluster, through
 * the agent's `call` op, it makes a Task crash, a supervised Agent crash and restart, a
 * proc_lib exit, a supervised pg scope killed and restarted, mnesia's inconsistent_database
 * after a partition, and a cookie mismatch; then prints every forwarded `log` event as JSON.
 *
 *   npx tsx harness/src/narrative/capture-lines.ts > /tmp/lines.json
 */
import { isolateGrudge } from "../faults/grudge.js";
import { startLocalCluster } from "../runtime/local.js";

const out: unknown[] = [];
const cluster = await startLocalCluster({ nodes: 3, reconnect: { intervalMs: 300 } });
cluster.on((e) => {
  if (e.type === "node_event" && String(e.event.event).startsWith("log")) out.push({ node: e.node, ...e.event });
});
const ev = (node: string, code: string) => cluster.agent(node).call("call", { module: "Code", function: "eval_string", args: [code], timeout_ms: 30_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const n1 = `:"${cluster.nodes[0]!.fullName}"`;
const n2 = `:"${cluster.nodes[1]!.fullName}"`;
try {
  await ev("n1", `Task.start(fn -> raise "boom in a task" end)`);
  await ev("n2", `spawn(fn -> Supervisor.start_link([%{id: :worker, start: {Agent, :start_link, [fn -> 1 end, [name: :demo_worker]]}}], strategy: :one_for_one, name: :demo_sup); Process.sleep(:infinity) end); Process.sleep(200); Agent.cast(:demo_worker, fn _ -> raise ArgumentError, "kaboom" end)`);
  await ev("n2", `:proc_lib.spawn(fn -> exit({:shutdown_badly, [1, 2, 3]}) end)`);
  await ev("n1", `spawn(fn -> Supervisor.start_link([%{id: :my_scope, start: {:pg, :start_link, [:my_scope]}}], strategy: :one_for_one, name: :my_app_sup); Process.sleep(:infinity) end); Process.sleep(200); Process.exit(Process.whereis(:my_scope), :kill)`);
  await sleep(500);
  for (const n of cluster.names) await ev(n, ":mnesia.start()");
  for (const n of ["n2", "n3"]) await ev(n, `:mnesia.change_config(:extra_db_nodes, [${n1}])`);
  await cluster.faults.partition(isolateGrudge(cluster.names, "n3"), "reset");
  await sleep(2000);
  await cluster.faults.heal();
  await cluster.waitForMesh(10_000);
  await sleep(1000);
  await ev("n1", `:erlang.set_cookie(${n2}, :wrong_cookie); :erlang.disconnect_node(${n2}); Node.connect(${n2})`);
  await sleep(1500);
  await ev("n1", `:erlang.set_cookie(${n2}, :erlang.get_cookie())`);
  await cluster.waitForMesh(10_000);
  await sleep(500);
} finally {
  await cluster.stop();
  process.stdout.write(JSON.stringify(out, null, 1) + "\n");
}
