/**
 * The docker runtime against a real Docker engine: nodes and Toxiproxy in containers built by
 * `netsplit images`, all distribution traffic through the Toxiproxy container, process faults
 * acting on the containers, everything removed by label afterwards. Skipped, with the reason in
 * the test name, where no engine answers.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explicitGrudge } from "../../faults/grudge.js";
import { proxyName } from "../../faults/links.js";
import type { ClusterEvent, StartedCluster } from "../cluster.js";
import { clusterSetup } from "../cluster-options.js";
import { startCluster } from "../registry.js";
import { DockerBackend } from "./cluster.js";
import { dockerClient, dockerUnavailableReason, type Dockerode } from "./engine.js";
import { ensureImages } from "./images.js";
import { LABEL, ownerToken } from "./labels.js";
import { sweepDockerLeftovers } from "./sweep.js";

const unavailable = await dockerUnavailableReason();
if (unavailable) console.warn(`docker runtime tests skipped: ${unavailable}`);
const describeDocker = describe.skipIf(unavailable !== null);

let docker: Dockerode;
beforeAll(async () => {
  if (unavailable) return;
  docker = (await dockerClient()).client.container.dockerode;
  await ensureImages({ progress: (l) => console.log(l) });
}, 300_000);

/** Names of the containers and networks carrying `label`. */
async function labelled(label: string): Promise<{ containers: string[]; networks: string[] }> {
  const filters = JSON.stringify({ label: [label] });
  const containers = (await docker.listContainers({ all: true, filters })).map((c) => c.Names[0]!.replace(/^\//, ""));
  const networks = (await docker.listNetworks({ filters })).map((n) => n.Name);
  return { containers, networks };
}

async function toxiproxyIp(cluster: StartedCluster): Promise<string> {
  const [tp] = await docker.listContainers({ filters: JSON.stringify({ label: [`${LABEL.run}=${cluster.runId}`, `${LABEL.role}=toxiproxy`] }) });
  return tp!.NetworkSettings.Networks[cluster.runId]!.IPAddress;
}

function nodedowns(events: ClusterEvent[], since: number) {
  return events.flatMap((e) => (e.type === "node_event" && e.event.event === "nodedown" && e.at >= since ? [{ on: e.node, peer: e.event.node!.split("@")[0]!, reason: e.event.reason!, at: e.at }] : []));
}

describeDocker.each([3, 5])("every distribution connection of a %i-node docker cluster crosses the Toxiproxy container", (n) => {
  it("connections come from the Toxiproxy container, one side dialled through its own proxy, and cutting a pair's two proxies cuts exactly that pair", async () => {
    await using cluster = await startCluster("docker", { nodes: n, reconnect: { intervalMs: 100 }, kernel: { prevent_overlapping_partitions: false } });
    expect(cluster.runtime).toBe("docker");
    expect(cluster.isMeshed()).toBe(true);
    expect(cluster.nodes.map((x) => x.fullName)).toEqual(cluster.names.map((x) => `${x}@${x}.netsplit`));
    // on the run's network alone (not also on the engine's default bridge, with other runs' containers)
    const own = await docker.listContainers({ filters: JSON.stringify({ label: [`${LABEL.run}=${cluster.runId}`] }) });
    expect(own).toHaveLength(n + 1);
    for (const c of own) expect([c.Names[0], Object.keys(c.NetworkSettings.Networks)]).toEqual([c.Names[0], [cluster.runId]]);
    const proxyIp = await toxiproxyIp(cluster);
    const port = (proxy: string) => Number(cluster.proxyListen.get(proxy)!.split(":")[1]);
    const addr = new Map<string, number>();
    for (const a of cluster.names) {
      const info = await cluster.agent(a).call<{ node: string; address: [string, number] }[]>("node_info");
      expect(info).toHaveLength(n - 1);
      for (const { node, address } of info) {
        // no node ever talks to another node directly: the far end of every connection is Toxiproxy
        expect(address[0], `${a} is connected to ${node} through ${address.join(":")}`).toBe(proxyIp);
        addr.set(`${a}->${node.split("@")[0]}`, address[1]);
      }
    }
    const pairs = cluster.names.flatMap((a, i) => cluster.names.slice(i + 1).map((b) => [a, b] as const));
    for (const [a, b] of pairs) {
      const dialled = addr.get(`${a}->${b}`) === port(proxyName(a, b)) || addr.get(`${b}->${a}`) === port(proxyName(b, a));
      expect(dialled, `${a}<->${b} is not connected through ${proxyName(a, b)} or ${proxyName(b, a)}`).toBe(true);
    }
    for (const [a, b] of pairs) {
      await cluster.faults.partition(explicitGrudge(cluster.names, { [a]: [b], [b]: [a] }), "reset");
      await cluster.waitFor(() => !cluster.view(a).has(b) && !cluster.view(b).has(a), 5000, `${a}<->${b} cut`);
      for (const o of cluster.names.filter((x) => x !== a && x !== b)) expect([o, cluster.view(o).has(a), cluster.view(o).has(b)]).toEqual([o, true, true]);
      await cluster.faults.heal();
      await cluster.waitForMesh(10_000);
    }
  });
});

describeDocker("process faults act on the containers", () => {
  let cluster: StartedCluster;
  const events: ClusterEvent[] = [];
  const logDir = mkdtempSync(path.join(tmpdir(), "netsplit-docker-logs-"));
  const state = async (name: string) => (await docker.getContainer(cluster.node(name).containerId!).inspect()).State;

  beforeAll(async () => {
    cluster = await startCluster("docker", { nodes: 3, reconnect: { intervalMs: 200 }, logDir });
    cluster.on((e) => events.push(e));
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(logDir, { recursive: true, force: true });
  });

  it("each node is a container whose main process is the node's BEAM, reachable only through a mapped control port", async () => {
    for (const node of cluster.nodes) {
      expect(node.containerId).toMatch(/^[0-9a-f]{64}$/);
      expect(readFileSync(`/proc/${node.pid}/cmdline`, "utf8").replaceAll("\0", " ")).toContain(`-name ${node.fullName}`);
      expect(node.controlHost).toBe("127.0.0.1");
    }
    expect(cluster.toxiproxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("kill (docker kill): peers see nodedown at once, the container is exited 137; restart starts the same container again", async () => {
    const t0 = performance.timeOrigin + performance.now();
    await cluster.kill("n2");
    await cluster.waitFor(() => !cluster.view("n1").has("n2") && !cluster.view("n3").has("n2"), 5000, "n2 gone");
    const downs = nodedowns(events, t0);
    expect(downs.length).toBeGreaterThanOrEqual(2);
    for (const d of downs) expect([d.peer, d.at - t0 < 1000]).toEqual(["n2", true]);
    expect(cluster.node("n2").state).toBe("killed");
    expect(await state("n2")).toMatchObject({ Running: false, ExitCode: 137 });
    const id = cluster.node("n2").containerId;
    await cluster.restart("n2");
    await cluster.waitForMesh(15_000);
    expect(cluster.node("n2")).toMatchObject({ state: "running", containerId: id });
    expect((await state("n2")).Running).toBe(true);
  });

  it("pause (docker pause): the container is paused, peers notice only by tick timeout; resume re-meshes", async () => {
    const t0 = performance.timeOrigin + performance.now();
    await cluster.pause("n3");
    expect(await state("n3")).toMatchObject({ Paused: true });
    await cluster.waitFor(() => !cluster.view("n1").has("n3") && !cluster.view("n2").has("n3"), 15_000, "n3 timed out");
    const downs = nodedowns(events, t0).filter((d) => d.on !== "n3");
    expect(downs.map((d) => d.reason)).toEqual(["net_tick_timeout", "net_tick_timeout"]);
    expect(Math.min(...downs.map((d) => d.at - t0))).toBeGreaterThan((cluster.kernel.net_ticktime * 1000) / 2);
    await cluster.resume("n3");
    expect(await state("n3")).toMatchObject({ Paused: false, Running: true });
    await cluster.waitForMesh(15_000);
  });

  it("stop (docker stop): the node shuts down gracefully (exit 0)", async () => {
    await cluster.stopNode("n1");
    expect(cluster.node("n1").state).toBe("stopped");
    expect(await state("n1")).toMatchObject({ Running: false, ExitCode: 0 });
    await cluster.restart("n1");
    await cluster.waitForMesh(15_000);
  });

  it("node logs land in the log folder, every boot of a node in its one file", async () => {
    const n2 = readFileSync(path.join(logDir, "n2.log"), "utf8");
    expect(n2.match(/netsplit-agent ready control_port=7000/g)).toHaveLength(2);
    expect(readFileSync(path.join(logDir, "toxiproxy.log"), "utf8")).toContain("Starting Toxiproxy");
  });

  it("a stopped cluster leaves no container and no network of its run", async () => {
    const label = `${LABEL.run}=${cluster.runId}`;
    expect((await labelled(label)).containers).toHaveLength(4);
    await cluster.stop();
    expect(await labelled(label)).toEqual({ containers: [], networks: [] });
  });
});

describeDocker("a Toxiproxy container that does not start", () => {
  it("fails the start, saying so with its output, and removes the node containers that booted meanwhile and the network", async () => {
    const { set } = await ensureImages();
    const setup = clusterSetup({ nodes: 3, bootTimeoutMs: 60_000 });
    const t0 = Date.now();
    // the node image as Toxiproxy: its release script refuses Toxiproxy's flags and exits
    const err = await DockerBackend.start(setup, { ...set, toxiproxy: set.node }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: "toxiproxy_container_failed", message: expect.stringContaining("did not start") });
    // its own output, though testcontainers gave up (waiting for its ports) before reading any
    expect((err as Error).message).not.toMatch(/Its last output:\n\(nothing\)$/);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(await labelled(`${LABEL.run}=${setup.runId}`)).toEqual({ containers: [], networks: [] });
  });
});

describeDocker("leftovers", () => {
  it("the sweep removes containers and networks whose harness is dead, and keeps those of live ones", async () => {
    const base = (await ensureImages()).set.nodeBase;
    const dead = ownerToken(process.pid).replace(/\/\d+\//, "/999999999/");
    const make = async (runId: string, owner: string) => {
      const labels = { [LABEL.netsplit]: "1", [LABEL.run]: runId, [LABEL.owner]: owner };
      await docker.createNetwork({ Name: runId, Labels: labels });
      const c = await docker.createContainer({ Image: base, name: `${runId}-x`, Cmd: ["sleep", "60"], Labels: labels, HostConfig: { NetworkMode: runId } });
      await c.start();
    };
    const stamp = Date.now().toString(36);
    await make(`netsplit-sweeptest-dead-${stamp}`, dead);
    await make(`netsplit-sweeptest-live-${stamp}`, ownerToken());
    try {
      const swept = await sweepDockerLeftovers(docker); // (a docker run started elsewhere meanwhile may sweep them first)
      expect(swept.containers.join()).not.toContain(`sweeptest-live-${stamp}`);
      expect(await labelled(`${LABEL.run}=netsplit-sweeptest-dead-${stamp}`)).toEqual({ containers: [], networks: [] });
      expect(await labelled(`${LABEL.run}=netsplit-sweeptest-live-${stamp}`)).toEqual({ containers: [`netsplit-sweeptest-live-${stamp}-x`], networks: [`netsplit-sweeptest-live-${stamp}`] });
    } finally {
      await docker.getContainer(`netsplit-sweeptest-live-${stamp}-x`).remove({ force: true }).catch(() => undefined);
      await docker.getNetwork(`netsplit-sweeptest-live-${stamp}`).remove().catch(() => undefined);
    }
  });
});

if (unavailable) {
  describe("docker runtime", () => {
    it.skip(`needs a Docker engine: ${unavailable}`, () => undefined);
  });
}
