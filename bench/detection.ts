/**
 * Detection and recovery on a live local cluster (reconnect loop on, default 500 ms):
 *
 *   - reset cut -> nodedown: a `reset` partition into two sides; for each side, the time from
 *     the step's start until the LAST node of that side has recorded nodedown for every node of
 *     the other side (the agents' events, stamped by the harness as they arrive);
 *   - heal -> full mesh: from the heal's end until every node sees every other again (the
 *     reconnect loop dials every interval, so this is about half an interval on average);
 *   - the resolution of convergence times: the `cluster.mesh` checker is run exactly as a
 *     scenario's check runs it (checks/index.ts runCheck, polling every POLL_MS), started at the
 *     heal, and its value_ms is compared with the true re-mesh time taken from the events. The
 *     difference is the measurement error of every convergence time in a report.
 */
import { groupsGrudge, startLocalCluster, type ClusterEvent, type StartedCluster } from "../harness/src/index.js";
import { POLL_MS, runCheck } from "../harness/src/checks/index.js";
import { askAll } from "../harness/src/checks/ask.js";
import type { RunContext } from "../harness/src/run/context.js";
import type { Check } from "../harness/src/scenario/model.js";
import { splitSides } from "./fault-apply.js";
import { figure, type Figure } from "./lib/results.js";
import { median } from "./lib/stats.js";
import { now, sleep } from "./lib/procs.js";
import type { Log } from "./lib/log.js";

const short = (full: string) => full.split("@")[0]!;

/** Just enough of a RunContext for the cluster checkers (they read the cluster and lastChangeAt). */
function checkContext(cluster: StartedCluster, lastChangeAt: number): RunContext {
  const ctx = { cluster, lastChangeAt, sides: null, signal: new AbortController().signal, startedAt: now(), progress: () => undefined };
  return ctx as unknown as RunContext;
}

const MESH_CHECK: Check = { name: "cluster.mesh", withinMs: 20_000, at: { file: "bench", line: 0, column: 0, path: "checks[0]" } } as Check;

/** The time one check attempt takes: asking every running node for its view. */
async function attemptMs(cluster: StartedCluster): Promise<number> {
  const t0 = now();
  await askAll(checkContext(cluster, t0), "view");
  return now() - t0;
}

interface Rep {
  sides: [number, number];
  meshMs: number;
  checkValueMs: number;
  checkAttempts: number;
}

async function oneRep(cluster: StartedCluster, a: readonly string[], b: readonly string[]): Promise<Rep> {
  const downAt = new Map<string, number>();
  const off = cluster.on((e: ClusterEvent) => {
    if (e.type === "node_event" && e.event.event === "nodedown" && e.event.node) downAt.set(`${e.node}>${short(e.event.node)}`, e.at);
  });
  const cut = await cluster.faults.partition(groupsGrudge(cluster.names, [[...a], [...b]]), "reset");
  const separated = (xs: readonly string[], ys: readonly string[]) => xs.every((x) => ys.every((y) => !cluster.view(x).has(y)));
  await cluster.waitFor(() => separated(a, b) && separated(b, a), 20_000, "both sides' nodedown");
  off();
  const sideMs = (xs: readonly string[], ys: readonly string[]) => Math.max(...xs.flatMap((x) => ys.map((y) => (downAt.get(`${x}>${y}`) ?? Number.NaN) - cut.startedAt)));
  const sides: [number, number] = [sideMs(a, b), sideMs(b, a)];
  await sleep(300);

  const heal = await cluster.faults.heal();
  const meshed = cluster.waitForMesh(30_000).then(() => now());
  const check = await runCheck(checkContext(cluster, heal.appliedAt), MESH_CHECK, false);
  const meshAt = await meshed;
  if (check.verdict !== "pass") throw new Error(`cluster.mesh did not pass after the heal: ${check.detail}`);
  await sleep(500);
  return { sides, meshMs: meshAt - heal.appliedAt, checkValueMs: check.value_ms ?? Number.NaN, checkAttempts: check.attempts };
}

export async function measureDetection(n: number, reps: number, log: Log): Promise<Figure[]> {
  await using cluster = await startLocalCluster({ nodes: n, bootTimeoutMs: 120_000, reconnect: { intervalMs: 500 } });
  const [a, b] = splitSides(cluster.names);
  const attempts: number[] = [];
  for (let i = 0; i < 10; i++) attempts.push(await attemptMs(cluster));
  const rs: Rep[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const r = await oneRep(cluster, a, b);
    rs.push(r);
    log(`detection N=${n} rep ${rep + 1}/${reps}: nodedown ${a.length}-side ${Math.round(r.sides[0])} ms, ${b.length}-side ${Math.round(r.sides[1])} ms; heal->mesh ${Math.round(r.meshMs)} ms, cluster.mesh measured ${r.checkValueMs} ms in ${r.checkAttempts} attempts`);
  }
  const split = `${a.length}|${b.length} of ${n}`;
  const attempt = median(attempts);
  return [
    figure({
      id: `detection.reset.side_${a.length}`, group: "detection", unit: "ms",
      label: `reset cut -> nodedown on the ${a.length}-node side (${split})`,
      samples: rs.map((r) => r.sides[0]),
      note: "from the step's start until the last node of the side recorded nodedown for every node of the other side",
    }),
    figure({
      id: `detection.reset.side_${b.length}`, group: "detection", unit: "ms",
      label: `reset cut -> nodedown on the ${b.length}-node side (${split})`,
      samples: rs.map((r) => r.sides[1]),
    }),
    figure({
      id: "detection.heal_to_mesh", group: "detection", unit: "ms",
      label: `heal -> full mesh, reconnect loop every 500 ms (${split})`,
      samples: rs.map((r) => r.meshMs),
      note: "from the heal's end until every node sees every other (events); every node's loop dials at its own next tick and :global's connect_all completes the mesh from the first connection, so at most one interval plus the handshakes",
    }),
    figure({
      id: "detection.convergence_error", group: "detection", unit: "ms",
      label: `convergence-time resolution: cluster.mesh value_ms minus the true re-mesh time (${split})`,
      samples: rs.map((r) => r.checkValueMs - r.meshMs),
      detail: { poll_ms: POLL_MS, attempt_ms: Math.round(attempt * 10) / 10, resolution_ms: Math.round(POLL_MS + attempt), attempts: rs.map((r) => r.checkAttempts) },
      note: `checks poll every ${POLL_MS} ms (checks/index.ts POLL_MS) and one attempt (asking ${n} nodes) takes ${attempt.toFixed(1)} ms: so a convergence time is late by up to ${Math.round(POLL_MS + attempt)} ms`,
    }),
  ];
}
