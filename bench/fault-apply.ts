/**
 * Fault apply time: from the step's start (the grudge is built, as a scenario step does) until
 * `cluster.faults.partition(...)` resolves, i.e. until every affected stream is silenced and, in
 * `reset` mode, every affected proxy is disabled. Floor, on the same cluster in the same run: the
 * very same Toxiproxy HTTP calls that LinkFaults makes (faults/link-faults.ts: one
 * `POST /proxies/{p}/toxics` per stream, all at once; then in reset mode one
 * `POST /proxies/{p}` `{"enabled": false}` per proxy of a cut pair, all at once), sent directly
 * with fetch. Harness and floor alternate; every sample is healed and re-meshed before the next.
 *
 * A second floor, for a fair reading of the first: the same calls over a keep-alive node:http
 * pool of 16 connections (what the harness's own transport does, toxiproxy/pooled-http.ts).
 * Against fetch the ratio shows what a user gains; against the pool, what netsplit's own
 * bookkeeping costs on top of the bare calls.
 */
import http from "node:http";
import { groupsGrudge, startLocalCluster, type CutMode, type StartedCluster } from "../harness/src/index.js";
import { cutDirections, cutPairs, proxyName, streamsForDirection } from "../harness/src/faults/links.js";
import { figure, type Figure } from "./lib/results.js";
import { median, ratio } from "./lib/stats.js";
import { now, sleep } from "./lib/procs.js";
import type { Log } from "./lib/log.js";

/** Two sides of (nearly) equal size: n1..n⌈N/2⌉ | the rest (5 → 3|2, 16 → 8|8). */
export function splitSides(names: readonly string[]): [string[], string[]] {
  const cut = Math.ceil(names.length / 2);
  return [names.slice(0, cut), names.slice(cut)];
}

/** POST over a keep-alive pool (the second floor). */
function pooledPost(agent: http.Agent, url: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(url, { method: "POST", agent, headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) } }, (res) => {
      res.resume();
      res.on("end", () => ((res.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`POST ${url} answered ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end(data);
  });
}

async function post(url: string, body?: unknown): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${text.slice(0, 200)}`);
}

/**
 * The floor: LinkFaults' calls for this partition, made directly (with fetch, or over `pool`).
 * Returns the ms they took.
 */
export async function directPartition(baseUrl: string, sides: readonly (readonly string[])[], names: readonly string[], mode: CutMode, pool?: http.Agent): Promise<number> {
  const send = (url: string, body: unknown) => (pool ? pooledPost(pool, url, body) : post(url, body));
  const t0 = now();
  const grudge = groupsGrudge(names, sides.map((s) => [...s]));
  const targets = cutDirections(grudge).flatMap((d) => streamsForDirection(d.from, d.to));
  await Promise.all(targets.map(({ proxy, stream }) =>
    send(`${baseUrl}/proxies/${proxy}/toxics`, { name: `cut_${stream}`, type: "timeout", stream, toxicity: 1, attributes: { timeout: 0 } })));
  if (mode === "reset") {
    const proxies = cutPairs(grudge).flatMap(([a, b]) => [proxyName(a, b), proxyName(b, a)]);
    await Promise.all(proxies.map((p) => send(`${baseUrl}/proxies/${p}`, { enabled: false })));
  }
  return now() - t0;
}

/** The harness: a partition step as the runner makes it. Returns the ms it took. */
export async function harnessPartition(cluster: StartedCluster, sides: readonly (readonly string[])[], mode: CutMode): Promise<number> {
  const t0 = now();
  const grudge = groupsGrudge(cluster.names, sides.map((s) => [...s]));
  await cluster.faults.partition(grudge, mode);
  return now() - t0;
}

async function settle(cluster: StartedCluster, mode: CutMode): Promise<void> {
  // a reset cut closed the connections: the reconnect loop re-meshes after the heal
  if (mode === "reset") await cluster.waitForMesh(60_000);
  await sleep(mode === "reset" ? 500 : 100);
}

export const FAULT_TARGET = { maxRatio: 1.5, text: "≤ 1.5× floor" };

export async function measureFaultApply(sizes: readonly number[], modes: readonly CutMode[], reps: number, log: Log): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const n of sizes) {
    await using cluster = await startLocalCluster({ nodes: n, bootTimeoutMs: 120_000 });
    const sides = splitSides(cluster.names);
    const pool = new http.Agent({ keepAlive: true, maxSockets: 16 });
    for (const mode of modes) {
      const harness: number[] = [];
      const floor: number[] = [];
      const pooled: number[] = [];
      for (let rep = 0; rep < reps; rep++) {
        const order = rep % 3 === 0 ? ["harness", "floor", "pooled"] : rep % 3 === 1 ? ["floor", "pooled", "harness"] : ["pooled", "harness", "floor"];
        for (const which of order) {
          if (which === "harness") {
            harness.push(await harnessPartition(cluster, sides, mode));
            await cluster.faults.heal();
          } else {
            (which === "floor" ? floor : pooled).push(await directPartition(cluster.toxiproxy.url, sides, cluster.names, mode, which === "pooled" ? pool : undefined));
            await post(`${cluster.toxiproxy.url}/reset`);
          }
          await settle(cluster, mode);
        }
      }
      const directions = cutDirections(groupsGrudge(cluster.names, sides)).length;
      const calls = directions * 2 + (mode === "reset" ? directions : 0);
      log(`fault apply N=${n} ${mode}: harness ${harness.map(Math.round).join(" ")} ms; floor (fetch) ${floor.map(Math.round).join(" ")} ms; keep-alive pool ${pooled.map(Math.round).join(" ")} ms`);
      figures.push(figure({
        id: `fault_apply.n${n}.${mode}`,
        group: "fault apply",
        label: `partition ${sides.map((s) => s.length).join("|")} of ${n} nodes, ${mode}`,
        unit: "ms",
        samples: harness,
        floor: { label: `the same ${calls} Toxiproxy API calls made directly with fetch`, samples: floor },
        target: FAULT_TARGET,
        detail: {
          directed_links: directions,
          api_calls: calls,
          pooled_floor_samples: pooled.map((x) => Math.round(x * 10) / 10),
          pooled_floor_median: Math.round(median(pooled) * 10) / 10,
          pooled_ratio: ratio(median(harness), median(pooled)),
        },
      }));
    }
    pool.destroy();
  }
  return figures;
}
