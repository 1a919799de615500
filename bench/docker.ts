/**
 * The docker runtime's cluster ready for small N: `startCluster("docker", { nodes: N })` from the
 * call until it resolves (network, Toxiproxy container, one container per node, full mesh),
 * then the time to remove everything. An untimed 2-node cluster first makes sure the images
 * exist (building them, as `node bin/netsplit.js images --local` would, if the agent changed);
 * when no Docker engine answers, the figures are recorded as skipped with the reason.
 *
 * Where the time went, per rep, from the engine's own records of the run (the engine is on this
 * machine: same clock), in ms after the startCluster call: the network's creation, the last
 * container's creation, Toxiproxy's and the nodes' processes started (State.StartedAt), the
 * nodes' ready lines (log timestamps); the figure's detail and note give the medians, and the
 * 1-minute load average at each rep's start (the machine is shared).
 */
import os from "node:os";
import { startCluster } from "../harness/src/index.js";
import type { StartedCluster } from "../harness/src/runtime/cluster.js";
import { dockerClient } from "../harness/src/runtime/docker/engine.js";
import { LABEL } from "../harness/src/runtime/docker/labels.js";
import { figure, type Figure, type Skipped } from "./lib/results.js";
import { median } from "./lib/stats.js";
import { dockerVersion } from "./lib/machine.js";
import { now, sleep } from "./lib/procs.js";
import type { Log } from "./lib/log.js";

export interface DockerPhases {
  network_created_ms: number;
  last_container_created_ms: number;
  toxiproxy_started_ms: number;
  first_node_started_ms: number;
  last_node_started_ms: number;
  first_node_ready_ms: number;
  last_node_ready_ms: number;
}

/** The phases of a running docker cluster started at `t0` (harness clock, ms since the epoch); see the header. */
export async function dockerPhases(cluster: StartedCluster, t0: number): Promise<DockerPhases> {
  const docker = (await dockerClient()).client.container.dockerode;
  const at = (iso: string) => Date.parse(iso) - t0;
  const network = await docker.getNetwork(cluster.runId).inspect();
  const listed = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL.run}=${cluster.runId}`] }) });
  const containers = await Promise.all(listed.map(async (c) => {
    const info = await docker.getContainer(c.Id).inspect();
    const node = c.Labels[LABEL.role] === "node";
    let ready = NaN;
    if (node) {
      const logs = (await docker.getContainer(c.Id).logs({ stdout: true, stderr: true, timestamps: true })) as unknown as Buffer;
      const line = /(\d{4}-\d\d-\d\dT[\d:.]+Z) netsplit-agent ready/.exec(logs.toString("latin1"));
      ready = line ? at(line[1]!) : NaN;
    }
    return { node, created: at(info.Created), started: at(info.State.StartedAt), ready };
  }));
  const nodes = containers.filter((c) => c.node);
  const r = Math.round;
  return {
    network_created_ms: r(at(network.Created)),
    last_container_created_ms: r(Math.max(...containers.map((c) => c.created))),
    toxiproxy_started_ms: r(containers.find((c) => !c.node)?.started ?? NaN),
    first_node_started_ms: r(Math.min(...nodes.map((c) => c.started))),
    last_node_started_ms: r(Math.max(...nodes.map((c) => c.started))),
    first_node_ready_ms: r(Math.min(...nodes.map((c) => c.ready))),
    last_node_ready_ms: r(Math.max(...nodes.map((c) => c.ready))),
  };
}

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
    const loads: number[] = [];
    const phases: DockerPhases[] = [];
    for (let rep = 0; rep < reps; rep++) {
      loads.push(Math.round(os.loadavg()[0]! * 100) / 100);
      const t0 = now();
      const cluster = await startCluster("docker", { nodes: n, bootTimeoutMs: 120_000 });
      ready.push(now() - t0);
      const p = await dockerPhases(cluster, t0).catch(() => undefined);
      if (p) phases.push(p);
      const t1 = now();
      await cluster.stop();
      stops.push(now() - t1);
      log(`docker N=${n} rep ${rep + 1}/${reps}: ready ${Math.round(ready.at(-1)!)} ms (bootMs ${Math.round(cluster.bootMs)}; ${p ? Object.entries(p).map(([k, v]) => `${k.replace(/_ms$/, "")} ${v}`).join(", ") : "no phases"}), removed in ${Math.round(stops.at(-1)!)} ms, load ${loads.at(-1)}`);
      await sleep(500);
    }
    const med = (k: keyof DockerPhases) => Math.round(median(phases.map((p) => p[k])));
    const phaseDetail = phases.length ? Object.fromEntries((Object.keys(phases[0]!) as (keyof DockerPhases)[]).map((k) => [k, med(k)])) : {};
    const m = phaseDetail as Partial<DockerPhases>;
    figures.push(figure({
      id: `docker.cluster_ready.n${n}`, group: "docker runtime", unit: "ms",
      label: `docker runtime: cluster ready, N = ${n}`,
      samples: ready,
      detail: { stop_ms: Math.round(median(stops)), load_average_1min: loads, ...phaseDetail },
      note: "network + Toxiproxy container + one container per node (all started at once) + full mesh; images already built"
        + (phases.length ? `; median ms after the call: network created ${m.network_created_ms}, last container created ${m.last_container_created_ms}, Toxiproxy started ${m.toxiproxy_started_ms}, nodes started ${m.first_node_started_ms}–${m.last_node_started_ms}, nodes ready ${m.first_node_ready_ms}–${m.last_node_ready_ms} (engine timestamps)` : "")
        + `; 1-minute load average at each rep's start ${loads.join(", ")} on ${os.cpus().length} cores`,
    }));
  }
  return { figures, skipped: [] };
}
