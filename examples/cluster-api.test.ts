/**
 * The library by hand: three real BEAM nodes behind Toxiproxy, n3 cut off, every node's view
 * observed through its events, then a heal and the mesh back. `await using` stops every node
 * and Toxiproxy when the test ends, whether it passed or failed.
 */
import { expect, it } from "vitest";
import { isolateGrudge, startLocalCluster } from "netsplit";

it("isolating n3 (reset) drops its connections at once; after a heal the reconnect loop re-meshes", async () => {
  await using cluster = await startLocalCluster({ nodes: 3, reconnect: { intervalMs: 200 } });
  const nodedowns: string[] = [];
  cluster.on((e) => {
    if (e.type === "node_event" && e.event.event === "nodedown") nodedowns.push(`${e.node} lost ${e.event.node?.split("@")[0]} (${e.event.reason})`);
  });

  await cluster.faults.partition(isolateGrudge(cluster.names, "n3"), "reset");
  await cluster.waitFor(() => cluster.view("n3").size === 0 && !cluster.view("n1").has("n3") && !cluster.view("n2").has("n3"), 5_000, "n3 isolated");
  expect(cluster.view("n1")).toEqual(new Set(["n2"]));
  expect(nodedowns.sort()).toEqual([
    "n1 lost n3 (connection_closed)", "n2 lost n3 (connection_closed)",
    "n3 lost n1 (connection_closed)", "n3 lost n2 (connection_closed)",
  ]);

  await cluster.faults.heal();
  const meshMs = await cluster.waitForMesh(10_000);
  expect(cluster.isMeshed()).toBe(true);
  expect(meshMs).toBeLessThan(10_000);
}, 30_000);
