/**
 * Where cluster-ready time goes: the steps of startLocalCluster (runtime/cluster.ts) made one by
 * one with a clock around each, on the same internals (LocalBackend, StartedCluster.launch):
 *
 *   backend      toxiproxy-server started and its N·(N−1) proxies created (the local runtime
 *                spawns the nodes meanwhile)
 *   first/last   when the first and the last node printed its agent's ready line
 *   launched     every agent connected and its initial view read
 *   connect_all  every agent asked to dial every peer
 *   mesh         every node sees every other (often already true: the agents dial at boot)
 *
 * All times count from the start. This is a diagnostic next to the cluster-ready figure, not a
 * second copy of it: startLocalCluster also sweeps leftovers of dead runs, which is left out here.
 */
import { clusterSetup, StartedCluster } from "../harness/src/runtime/cluster.js";
import { LocalBackend } from "../harness/src/runtime/local.js";
import { figure, type Figure } from "./lib/results.js";
import { median } from "./lib/stats.js";
import { now, sleep } from "./lib/procs.js";
import type { Log } from "./lib/log.js";

export interface Phases {
  backend: number;
  firstNode: number;
  lastNode: number;
  launched: number;
  connectAll: number;
  mesh: number;
}

export async function phaseSample(n: number): Promise<Phases> {
  const setup = clusterSetup({ nodes: n, bootTimeoutMs: 120_000 });
  const t0 = now();
  const backend = await LocalBackend.start(setup);
  const backendAt = now() - t0;
  const cluster = new StartedCluster(backend, setup);
  try {
    const ready: number[] = [];
    const startNode = backend.startNode.bind(backend);
    backend.startNode = async (name: string) => {
      const instance = await startNode(name);
      ready.push(now() - t0);
      return instance;
    };
    await Promise.all(setup.names.map((name) => cluster.launch(name)));
    const launched = now() - t0;
    await Promise.all(setup.names.map((name) => cluster.agent(name).call("connect_all")));
    const connectAll = now() - t0;
    await cluster.waitForMesh(60_000);
    const mesh = now() - t0;
    return { backend: backendAt, firstNode: Math.min(...ready), lastNode: Math.max(...ready), launched, connectAll, mesh };
  } finally {
    await cluster.stop();
  }
}

export async function measurePhases(sizes: readonly number[], reps: number, log: Log): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const n of sizes) {
    const samples: Phases[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const p = await phaseSample(n);
      samples.push(p);
      log(`phases N=${n} rep ${rep + 1}/${reps}: ${Object.entries(p).map(([k, v]) => `${k} ${Math.round(v)}`).join(", ")} ms`);
      await sleep(300);
    }
    const med = (k: keyof Phases) => Math.round(median(samples.map((s) => s[k])));
    figures.push(figure({
      id: `cluster_phases.n${n}`, group: "cluster phases", unit: "ms",
      label: `where cluster-ready time goes, N = ${n} (ms from the start, medians)`,
      samples: samples.map((s) => s.mesh),
      detail: { backend: med("backend"), first_node_ready: med("firstNode"), last_node_ready: med("lastNode"), agents_connected: med("launched"), connect_all_done: med("connectAll"), full_mesh: med("mesh") },
    }));
  }
  return figures;
}
