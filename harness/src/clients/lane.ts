/**
 * A compact picture of the clients' history for the report's ops lane, small enough to keep in
 * the run's history (`clients_stopped`), so `netsplit report` redraws it without ops.jsonl:
 * completions counted per client and per time bucket (at most ~400 buckets per client).
 */
import type { Op } from "./types.js";

export interface OpsLane {
  bucket_ms: number;
  /** One row per client: [bucket index, ok, fail, info] for every bucket with a completion. */
  processes: { process: number; node: string; buckets: [number, number, number, number][] }[];
}

export function opsLane(ops: readonly Op[], bindings: readonly string[], maxBuckets = 400): OpsLane {
  const done = ops.filter((o) => o.type !== "invoke" && o.endMs !== undefined);
  const last = done.reduce((m, o) => Math.max(m, o.endMs!), 0);
  const bucketMs = Math.max(100, Math.ceil(last / maxBuckets / 50) * 50);
  const rows = bindings.map((node, process) => ({ process, node, map: new Map<number, [number, number, number, number]>() }));
  for (const o of done) {
    const row = rows[o.process];
    if (!row) continue;
    const i = Math.floor(o.endMs! / bucketMs);
    const b = row.map.get(i) ?? [i, 0, 0, 0];
    b[o.type === "ok" ? 1 : o.type === "fail" ? 2 : 3]++;
    row.map.set(i, b);
  }
  return { bucket_ms: bucketMs, processes: rows.map((r) => ({ process: r.process, node: r.node, buckets: [...r.map.values()].sort((a, b) => a[0] - b[0]) })) };
}
