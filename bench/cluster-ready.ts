/**
 * Cluster ready: `startLocalCluster({ nodes: N })` from the call until it resolves, i.e. until
 * Toxiproxy runs with its N·(N−1) proxies, every agent is connected and every node sees every
 * other through Toxiproxy (the full mesh, observed from the agents' nodeup events). Next to it,
 * in the same run and alternating the order, the floor (floor.ts). Where the time goes is
 * measured separately by phases.ts; here, the CPU time every process had used when the cluster
 * was ready (nodes, Toxiproxy, the harness), next to what a bare node of the floor used: on a
 * machine with few cores, cluster ready is CPU time divided by cores.
 *
 * In the same run, in turn with the others, the mesh floor (floor.ts `{ mesh: true }`): the same bare
 * nodes meshed through Toxiproxy's N·(N−1) proxies, no agent, each node dialling every peer once:
 * what putting every distribution link through Toxiproxy costs by itself (with the dial strategy
 * netsplit's agents use; a cleverer one might make the mesh cheaper, untested); its own figures
 * (`cluster_ready.mesh_n<N>`) carry cluster ready against it, i.e. what the agent and the harness
 * cost on top of the mesh itself.
 *
 * In the same run, in turn with the others, the tool to beat: OTP's own `peer` module starting
 * the same N nodes from one controlling node until their full mesh (peer-mesh.ts), without
 * Toxiproxy; its own figures (`cluster_ready.peer_n<N>`) carry the ratio harness / :peer.
 */
import { startLocalCluster } from "../harness/src/index.js";
import { floorSample, type FloorSample } from "./floor.js";
import { peerSample, type PeerSample } from "./peer-mesh.js";
import { figure, type Figure } from "./lib/results.js";
import { median } from "./lib/stats.js";
import { cpuMs, now, selfCpuMs, sleep } from "./lib/procs.js";
import type { Log } from "./lib/log.js";

export interface ClusterSample {
  readyMs: number;
  stopMs: number;
  /** CPU time each node had used when the cluster was ready (ms, 10 ms resolution). */
  nodeCpuMs: number[];
  toxiproxyCpuMs: number;
  /** CPU time this (harness) process used to start the cluster. */
  harnessCpuMs: number;
}

/** One harness sample: start a cluster of `n`, time it, stop it. */
export async function clusterSample(n: number): Promise<ClusterSample> {
  const c0 = selfCpuMs();
  const t0 = now();
  const cluster = await startLocalCluster({ nodes: n, bootTimeoutMs: 120_000 });
  const readyMs = now() - t0;
  const harnessCpuMs = selfCpuMs() - c0;
  const nodeCpuMs = cluster.nodes.map((node) => cpuMs(node.pid)).filter((x): x is number => x !== undefined);
  const toxiproxyCpuMs = cpuMs(cluster.toxiproxy.pid) ?? Number.NaN;
  const t1 = now();
  await cluster.stop();
  return { readyMs, stopMs: now() - t1, nodeCpuMs, toxiproxyCpuMs, harnessCpuMs };
}

export const READY_TARGET = { maxRatio: 1.2, text: "≤ 1.2× floor" };
export const MESH_TARGET = { maxRatio: 1.2, text: "≤ 1.2× mesh floor" };
export const MESH_FLOOR_LABEL = "the same N bare nodes (no agent) meshed through Toxiproxy: its N·(N−1) proxies created in one call, each node given its routes on stdin and dialling every peer at once, until every node sees the N−1 others";
export const FLOOR_LABEL = "the same N bare BEAM nodes (same flags and environment, registered with the run's epmd daemon, no agent) spawned at once, concurrently with the daemon's and toxiproxy-server's own start";

export async function measureClusterReady(sizes: readonly number[], reps: number, log: Log): Promise<Figure[]> {
  const harness = new Map<number, ClusterSample[]>(sizes.map((n) => [n, []]));
  const floors = new Map<number, FloorSample[]>(sizes.map((n) => [n, []]));
  const meshes = new Map<number, FloorSample[]>(sizes.map((n) => [n, []]));
  const peers = new Map<number, PeerSample[]>(sizes.map((n) => [n, []]));
  const kinds = ["floor", "mesh", "harness", "peer"] as const;
  for (let rep = 0; rep < reps; rep++) {
    for (const n of sizes) {
      // rotate which goes first, so a slow moment of the machine hurts all alike
      const order = kinds.map((_, i) => kinds[(i + rep) % kinds.length]!);
      for (const which of order) {
        if (which === "floor") floors.get(n)!.push(await floorSample(n));
        else if (which === "mesh") meshes.get(n)!.push(await floorSample(n, { mesh: true }));
        else if (which === "harness") harness.get(n)!.push(await clusterSample(n));
        else peers.get(n)!.push(await peerSample(n));
        await sleep(300);
      }
      const h = harness.get(n)!.at(-1)!;
      const f = floors.get(n)!.at(-1)!;
      const p = peers.get(n)!.at(-1)!;
      const m = meshes.get(n)!.at(-1)!;
      log(`cluster ready N=${n} rep ${rep + 1}/${reps}: harness ${Math.round(h.readyMs)} ms, floor ${Math.round(f.totalMs)} ms (nodes ${Math.round(f.nodesMs)}, toxiproxy ${Math.round(f.toxiproxyMs)}), mesh floor ${Math.round(m.totalMs)} ms, :peer ${Math.round(p.meshMs)} ms (all up ${Math.round(p.startedMs)}, controller boot ${Math.round(p.controllerBootMs)})`);
    }
  }
  const ready = sizes.map((n) => {
    const h = harness.get(n)!;
    const f = floors.get(n)!;
    return figure({
      id: `cluster_ready.n${n}`,
      group: "cluster ready",
      label: `cluster ready, N = ${n}`,
      unit: "ms",
      samples: h.map((s) => s.readyMs),
      floor: { label: FLOOR_LABEL, samples: f.map((s) => s.totalMs) },
      target: READY_TARGET,
      detail: {
        proxies: n * (n - 1),
        floor_nodes_only_ms: Math.round(median(f.map((s) => s.nodesMs))),
        floor_toxiproxy_only_ms: Math.round(median(f.map((s) => s.toxiproxyMs))),
        stop_ms: Math.round(median(h.map((s) => s.stopMs))),
        cpu_per_node_ms: Math.round(median(h.flatMap((s) => s.nodeCpuMs))),
        floor_cpu_per_node_ms: Math.round(median(f.flatMap((s) => s.nodeCpuMs))),
        toxiproxy_cpu_ms: Math.round(median(h.map((s) => s.toxiproxyCpuMs))),
        harness_cpu_ms: Math.round(median(h.map((s) => s.harnessCpuMs))),
        mesh_floor_ms: Math.round(median(meshes.get(n)!.map((s) => s.totalMs))),
      },
    });
  });
  const mesh = sizes.map((n) => {
    const h = harness.get(n)!;
    const m = meshes.get(n)!;
    const floorMs = median(floors.get(n)!.map((s) => s.totalMs));
    const meshMs = median(m.map((s) => s.totalMs));
    return figure({
      id: `cluster_ready.mesh_n${n}`,
      group: "cluster ready",
      label: `cluster ready against the mesh floor, N = ${n} (mesh floor / floor ${(meshMs / floorMs).toFixed(2)}×)`,
      unit: "ms",
      samples: h.map((s) => s.readyMs),
      floor: { label: MESH_FLOOR_LABEL, samples: m.map((s) => s.totalMs) },
      target: MESH_TARGET,
      detail: {
        floor_ms: Math.round(floorMs),
        mesh_floor_over_floor: Math.round((meshMs / floorMs) * 100) / 100,
        mesh_toxiproxy_ms: Math.round(median(m.map((s) => s.toxiproxyMs))),
        mesh_cpu_per_node_ms: Math.round(median(m.flatMap((s) => s.nodeCpuMs))),
        cpu_per_node_ms: Math.round(median(h.flatMap((s) => s.nodeCpuMs))),
      },
      note: "the harness against the mesh through Toxiproxy with no agent (each node dialling every peer once, as netsplit's agents do): the difference is what the agent and the harness itself cost",
    });
  });
  const peer = sizes.map((n) => {
    const p = peers.get(n)!;
    const harnessMs = median(harness.get(n)!.map((s) => s.readyMs));
    const peerMs = median(p.map((s) => s.meshMs));
    const over = Math.round((harnessMs / peerMs) * 100) / 100;
    return figure({
      id: `cluster_ready.peer_n${n}`,
      group: "cluster ready",
      label: `OTP :peer, ${n} nodes, full mesh (harness / :peer ${over.toFixed(2)}×)`,
      unit: "ms",
      samples: p.map((s) => s.meshMs),
      detail: {
        harness_ms: Math.round(harnessMs),
        harness_over_peer: over,
        all_started_ms: Math.round(median(p.map((s) => s.startedMs))),
        controller_boot_ms: Math.round(median(p.map((s) => s.controllerBootMs))),
        cpu_per_node_ms: Math.round(median(p.flatMap((s) => s.nodeCpuMs))),
        controller_cpu_ms: Math.round(median(p.map((s) => s.controllerCpuMs))),
      },
      note: "OTP's own peer module: one controlling node (its boot excluded) starts the N nodes at once with peer:start_link (distribution through epmd, no Toxiproxy, no agent, the harness nodes' emulator and kernel flags) until every node sees the N−1 others",
    });
  });
  // each N's mesh-floor and :peer rows right after its cluster-ready row
  return sizes.flatMap((_, i) => [ready[i]!, mesh[i]!, peer[i]!]);
}
