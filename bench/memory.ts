/**
 * Resident memory (VmRSS) of a ready, idle cluster: every node's beam.smp, toxiproxy-server with
 * its N·(N−1) proxies, and the harness process itself (this Node.js process, which holds the
 * agent connections and the cluster's views; it also runs the benchmark). Read one second after
 * the cluster is ready, with the open file descriptors (and Toxiproxy's OS threads) next to it.
 */
import { startLocalCluster } from "../harness/src/index.js";
import { figure, type Figure } from "./lib/results.js";
import { comm, fdCount, rssMiB, sleep, threadCount } from "./lib/procs.js";
import { median } from "./lib/stats.js";
import type { Log } from "./lib/log.js";

interface Snapshot {
  nodes: number[];
  toxiproxy: number;
  harness: number;
  nodeFds: number[];
  toxiproxyFds: number;
  toxiproxyThreads: number;
  harnessFds: number;
}

async function snapshot(n: number): Promise<Snapshot> {
  await using cluster = await startLocalCluster({ nodes: n, bootTimeoutMs: 120_000 });
  await sleep(1000);
  const nodes = cluster.nodes.map((node) => {
    const kind = comm(node.pid);
    if (kind !== "beam.smp") throw new Error(`node ${node.name}: pid ${node.pid} is "${kind}", not beam.smp; bench/memory.ts must find the BEAM another way`);
    return rssMiB(node.pid)!;
  });
  const tp = cluster.toxiproxy.pid;
  return {
    nodes, toxiproxy: rssMiB(tp) ?? Number.NaN, harness: rssMiB(process.pid) ?? Number.NaN,
    nodeFds: cluster.nodes.map((node) => fdCount(node.pid) ?? Number.NaN),
    toxiproxyFds: fdCount(tp) ?? Number.NaN, toxiproxyThreads: threadCount(tp) ?? Number.NaN, harnessFds: fdCount(process.pid) ?? Number.NaN,
  };
}

export async function measureMemory(sizes: readonly number[], reps: number, log: Log): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const n of sizes) {
    const shots: Snapshot[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const s = await snapshot(n);
      shots.push(s);
      log(`memory N=${n} rep ${rep + 1}/${reps}: node RSS ${Math.min(...s.nodes).toFixed(1)}–${Math.max(...s.nodes).toFixed(1)} MiB, toxiproxy ${s.toxiproxy.toFixed(1)} MiB (${s.toxiproxyFds} fds, ${s.toxiproxyThreads} threads), harness ${s.harness.toFixed(1)} MiB (${s.harnessFds} fds)`);
      await sleep(300);
    }
    const perNode = shots.flatMap((s) => s.nodes);
    const total = median(shots.map((s) => s.nodes.reduce((x, y) => x + y, 0)));
    figures.push(
      figure({ id: `memory.n${n}.node`, group: "memory", unit: "MiB", label: `RSS per node (beam.smp), N = ${n}`, samples: perNode, detail: { max_mib: Math.max(...perNode), all_nodes_total_mib: Math.round(total), fds_per_node: median(shots.flatMap((s) => s.nodeFds)) } }),
      figure({ id: `memory.n${n}.toxiproxy`, group: "memory", unit: "MiB", label: `RSS of toxiproxy-server (${n * (n - 1)} proxies), N = ${n}`, samples: shots.map((s) => s.toxiproxy), detail: { fds: median(shots.map((s) => s.toxiproxyFds)), threads: median(shots.map((s) => s.toxiproxyThreads)) } }),
      figure({ id: `memory.n${n}.harness`, group: "memory", unit: "MiB", label: `RSS of the harness (this Node.js process), N = ${n}`, samples: shots.map((s) => s.harness), detail: { fds: median(shots.map((s) => s.harnessFds)) } }),
    );
  }
  return figures;
}
