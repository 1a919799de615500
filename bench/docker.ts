/**
 * The docker runtime's cluster ready for small N: `startCluster("docker", { nodes: N })` from the
 * call until it resolves (network, Toxiproxy container, one container per node, full mesh),
 * then the time to remove everything. An untimed 2-node cluster first makes sure the images
 * exist (building them, as `node bin/netsplit.js images --local` would, if the agent changed);
 * when no Docker engine answers, the figures are recorded as skipped with the reason.
 */
import { startCluster } from "../harness/src/index.js";
import { figure, type Figure, type Skipped } from "./lib/results.js";
import { median } from "./lib/stats.js";
import { dockerVersion } from "./lib/machine.js";
import { now, sleep } from "./lib/procs.js";
import type { Log } from "./lib/log.js";

export async function measureDocker(sizes: readonly number[], reps: number, log: Log): Promise<{ figures: Figure[]; skipped: Skipped[] }> {
  const skip = (reason: string) => ({
    figures: [],
    skipped: sizes.map((n) => ({ id: `docker.cluster_ready.n${n}`, group: "docker runtime", label: `docker runtime: cluster ready, N = ${n}`, reason })),
  });
  if (dockerVersion() === undefined) return skip("no Docker engine answers `docker version` on this machine");
  // one untimed cluster first: it builds the images if the agent changed since the last build
  try {
    const t0 = now();
    const warm = await startCluster("docker", { nodes: 2, bootTimeoutMs: 120_000, progress: (line) => log(`docker warm-up: ${line}`) });
    await warm.stop();
    log(`docker warm-up (images checked or built): ${Math.round(now() - t0)} ms`);
  } catch (err) {
    return skip(`the docker runtime could not start a cluster: ${(err as Error).message.split("\n")[0]}`);
  }
  const figures: Figure[] = [];
  for (const n of sizes) {
    const ready: number[] = [];
    const stops: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const t0 = now();
      const cluster = await startCluster("docker", { nodes: n, bootTimeoutMs: 120_000 });
      ready.push(now() - t0);
      const t1 = now();
      await cluster.stop();
      stops.push(now() - t1);
      log(`docker N=${n} rep ${rep + 1}/${reps}: ready ${Math.round(ready.at(-1)!)} ms (bootMs ${Math.round(cluster.bootMs)}), removed in ${Math.round(stops.at(-1)!)} ms`);
      await sleep(500);
    }
    figures.push(figure({
      id: `docker.cluster_ready.n${n}`, group: "docker runtime", unit: "ms",
      label: `docker runtime: cluster ready, N = ${n}`,
      samples: ready,
      detail: { stop_ms: Math.round(median(stops)) },
      note: "network + Toxiproxy container + one container per node + full mesh; images already built",
    }));
  }
  return { figures, skipped: [] };
}
