import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentClient } from "../agent/client.js";
import { explicitGrudge, groupsGrudge, isolateGrudge } from "../faults/grudge.js";
import { proxyName } from "../faults/links.js";
import { harnessChildren } from "../testing/procs.js";
import { ephemeralRange } from "../util/ports.js";
import type { ClusterEvent, StartedCluster } from "./cluster.js";
import { startLocalCluster } from "./local.js";

function nodedownTimes(events: ClusterEvent[], since: number) {
  return events.flatMap((e) => (e.type === "node_event" && e.event.event === "nodedown" && e.at >= since ? [{ on: e.node, peer: e.event.node!.split("@")[0]!, reason: e.event.reason!, at: e.at }] : []));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe.each([3, 5])("every distribution connection of a %i-node cluster crosses Toxiproxy", (n) => {
  it("each connection was dialled through the dialler's proxy, and cutting a pair's proxies cuts exactly that pair", async () => {
    // prevent_overlapping_partitions off: with it on, global would make bystanders drop the cut pair too
    await using cluster = await startLocalCluster({ nodes: n, reconnect: { intervalMs: 100 }, kernel: { prevent_overlapping_partitions: false } });
    expect(cluster.isMeshed()).toBe(true);
    const distPorts = new Set(cluster.nodes.map((x) => x.distPort));
    const port = (proxy: string) => Number(cluster.proxyListen.get(proxy)!.split(":")[1]);
    // every proxy listens below the ephemeral range (a reset-mode heal must be able to bind it again)
    const [ephemeralLow] = ephemeralRange();
    expect([...cluster.proxyListen.keys()].filter((p) => port(p) >= ephemeralLow)).toEqual([]);
    const addr = new Map<string, number>();
    for (const a of cluster.names) {
      const info = await cluster.agent(a).call<{ node: string; address: [string, number] }[]>("node_info");
      expect(info).toHaveLength(n - 1);
      for (const { node, address } of info) {
        expect(distPorts.has(address[1]), `${a} is connected to ${node} on a real distribution port`).toBe(false);
        addr.set(`${a}->${node.split("@")[0]}`, address[1]);
      }
    }
    const pairs = cluster.names.flatMap((a, i) => cluster.names.slice(i + 1).map((b) => [a, b] as const));
    for (const [a, b] of pairs) {
      // one side dialled: its end of the connection is its own proxy to the other
      const dialled = addr.get(`${a}->${b}`) === port(proxyName(a, b)) || addr.get(`${b}->${a}`) === port(proxyName(b, a));
      expect(dialled, `${a}<->${b} is not connected through ${proxyName(a, b)} or ${proxyName(b, a)}`).toBe(true);
    }
    for (const [a, b] of pairs) {
      await cluster.faults.partition(explicitGrudge(cluster.names, { [a]: [b], [b]: [a] }), "reset");
      await cluster.waitFor(() => !cluster.view(a).has(b) && !cluster.view(b).has(a), 5000, `${a}<->${b} cut`);
      const others = cluster.names.filter((x) => x !== a && x !== b);
      for (const o of others) expect([o, cluster.view(o).has(a), cluster.view(o).has(b)]).toEqual([o, true, true]);
      await cluster.faults.heal();
      await cluster.waitForMesh(10_000);
    }
  });
});

describe("faults on a 3-node cluster", () => {
  let cluster: StartedCluster;
  const events: ClusterEvent[] = [];
  beforeAll(async () => {
    cluster = await startLocalCluster({ nodes: 3, reconnect: { intervalMs: 200 }, logDir: "/tmp/netsplit-test-logs" });
    cluster.on((e) => events.push(e));
  });
  afterAll(async () => cluster?.stop());

  it("reset partition: both sides see connection_closed at once; heal + reconnect loop re-meshes", async () => {
    const f = await cluster.faults.partition(isolateGrudge(cluster.names, "n3"), "reset");
    await cluster.waitFor(() => cluster.view("n3").size === 0 && !cluster.view("n1").has("n3") && !cluster.view("n2").has("n3"), 5000, "n3 isolated");
    const downs = nodedownTimes(events, f.startedAt);
    expect(downs.map((d) => `${d.on}-${d.peer}`).sort()).toEqual(["n1-n3", "n2-n3", "n3-n1", "n3-n2"]);
    for (const d of downs) {
      expect(d.reason).toBe("connection_closed");
      expect(d.at - f.startedAt).toBeLessThan(1000);
    }
    expect(cluster.view("n1").has("n2")).toBe(true);
    await cluster.faults.heal();
    await cluster.waitForMesh(10_000);
  });

  it("blackhole partition: nodedown only after about net_ticktime, by tick timeout", async () => {
    const f = await cluster.faults.partition(groupsGrudge(cluster.names, [["n1", "n2"], ["n3"]]), "blackhole");
    await cluster.waitFor(() => cluster.view("n3").size === 0 && !cluster.view("n1").has("n3") && !cluster.view("n2").has("n3"), 15_000, "n3 cut off");
    const downs = nodedownTimes(events, f.startedAt);
    expect(downs.length).toBeGreaterThanOrEqual(4);
    const ticktimeMs = cluster.kernel.net_ticktime * 1000;
    for (const d of downs) {
      // the tick protocol cannot notice silence faster than ~3/4 of net_ticktime
      expect(d.at - f.startedAt).toBeGreaterThan(ticktimeMs / 2);
    }
    // the side whose ticks time out first closes its socket, so the far side may see the close
    for (const peer of ["n1", "n2"]) {
      const pair = downs.filter((d) => (d.on === peer && d.peer === "n3") || (d.on === "n3" && d.peer === peer));
      expect(pair.some((d) => d.reason === "net_tick_timeout"), JSON.stringify(pair)).toBe(true);
    }
    await cluster.faults.heal();
    await cluster.waitForMesh(15_000);
  });

  it("latency adds to RPC round trips by about the configured amount, in each direction", async () => {
    const before = median(await cluster.agent("n1").call<number[]>("rpc_rtt", { node: "n2@127.0.0.1", count: 5 }));
    await cluster.faults.delay([["n1", "n2"]], 100);
    const during = median(await cluster.agent("n1").call<number[]>("rpc_rtt", { node: "n2@127.0.0.1", count: 5 }));
    await cluster.faults.heal([["n1", "n2"]]);
    expect(during - before).toBeGreaterThan(190_000); // µs: 100 ms each way
    expect(during - before).toBeLessThan(1_000_000);
    // a heal of a delay is lossless: no nodedown, the mesh is intact
    expect(cluster.isMeshed()).toBe(true);
  });

  it("kill: peers see nodedown at once; restart brings it back into the mesh", async () => {
    const t0 = performance.timeOrigin + performance.now();
    await cluster.kill("n2");
    await cluster.waitFor(() => !cluster.view("n1").has("n2") && !cluster.view("n3").has("n2"), 5000, "n2 gone");
    for (const d of nodedownTimes(events, t0)) {
      expect(d.peer).toBe("n2");
      expect(d.at - t0).toBeLessThan(1000);
    }
    expect(cluster.node("n2").state).toBe("killed");
    await cluster.restart("n2");
    await cluster.waitForMesh(10_000);
    expect(cluster.node("n2").state).toBe("running");
  });

  it("pause (SIGSTOP): peers notice only by tick timeout; resume re-meshes", async () => {
    const t0 = performance.timeOrigin + performance.now();
    cluster.pause("n3");
    await cluster.waitFor(() => !cluster.view("n1").has("n3") && !cluster.view("n2").has("n3"), 15_000, "n3 timed out");
    const downs = nodedownTimes(events, t0).filter((d) => d.on !== "n3");
    expect(downs.every((d) => d.reason === "net_tick_timeout")).toBe(true);
    cluster.resume("n3");
    await cluster.waitForMesh(15_000);
  });

  it("a client without the run's secret is refused", async () => {
    const n1 = cluster.node("n1");
    await expect(AgentClient.connect({ host: "127.0.0.1", port: n1.controlPort, secret: "wrong", name: "n1" })).rejects.toMatchObject({ code: "agent_unauthorized" });
  });

  it("faults naming unknown nodes are refused with the cluster's node list", async () => {
    await expect(cluster.faults.delay([["n1", "n9"]], 10)).rejects.toThrow(/unknown node "n9"; the cluster has n1, n2, n3/);
    expect(() => groupsGrudge(cluster.names, [["n1"], ["n7"]])).toThrow(/n7/);
  });
});

describe("reconnect loop off", () => {
  it("after a heal nothing reconnects by itself", async () => {
    await using cluster = await startLocalCluster({ nodes: 3, reconnect: false });
    await cluster.faults.partition(isolateGrudge(cluster.names, "n1"), "reset");
    await cluster.waitFor(() => cluster.view("n1").size === 0, 5000, "n1 isolated");
    await cluster.faults.heal();
    await new Promise((r) => setTimeout(r, 1500));
    expect(cluster.view("n1").size).toBe(0);
    expect(cluster.isMeshed()).toBe(false);
  });
});

describe("start-up failures leave nothing running", () => {
  it("a Toxiproxy that cannot start gives a clear error", async () => {
    await expect(startLocalCluster({ nodes: 3, toxiproxyServer: "/nonexistent/toxiproxy-server" })).rejects.toThrow(/nonexistent/);
    expect(harnessChildren()).toEqual([]);
  });

  it("bad node names and counts are refused before anything starts", async () => {
    await expect(startLocalCluster({ nodes: 1 })).rejects.toThrow(/2\.\.64 nodes/);
    await expect(startLocalCluster({ nodes: ["a", "B-1"] })).rejects.toThrow(/"B-1" is invalid/);
    expect(harnessChildren()).toEqual([]);
  });

  it("a stopped cluster has no process left", async () => {
    const cluster = await startLocalCluster({ nodes: 3 });
    expect(harnessChildren().length).toBe(4);
    await cluster.stop();
    expect(harnessChildren()).toEqual([]);
  });
});
