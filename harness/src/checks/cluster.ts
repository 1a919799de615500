/** `cluster.mesh` and `cluster.sees`: what each node's Node.list() holds. */
import type { ClusterSeesCheck, WithinCheck } from "../scenario/model.js";
import { runningNodes } from "../run/context.js";
import { askAll, list, short, silentDetail } from "./ask.js";
import type { Checker } from "./types.js";

async function views(ctx: Parameters<Checker["attempt"]>[0], nodes?: string[]) {
  const { answers, silent } = await askAll<{ nodes: string[] }>(ctx, "view", {}, nodes);
  return { silent, views: new Map([...answers].map(([n, v]) => [n, new Set(v.nodes.map(short))])) };
}

export const clusterMesh: Checker<WithinCheck<"cluster.mesh">> = {
  name: "cluster.mesh",
  converges: true,
  async attempt(ctx) {
    const up = runningNodes(ctx);
    const { silent, views: seen } = await views(ctx);
    if (silent.size > 0) return { verdict: "unknown", detail: silentDetail(silent) };
    const data = Object.fromEntries([...seen].map(([n, v]) => [n, [...v].sort()]));
    const missing = up.flatMap((n) => {
      const lacks = up.filter((m) => m !== n && !seen.get(n)!.has(m));
      return lacks.length ? [`${n} does not see ${lacks.join(", ")}`] : [];
    });
    if (missing.length === 0) return { verdict: "pass", detail: `all ${up.length} running nodes see each other`, data };
    return { verdict: "fail", detail: `the cluster is not a full mesh: ${missing.join("; ")}`, data };
  },
};

export const clusterSees: Checker<ClusterSeesCheck> = {
  name: "cluster.sees",
  converges: true,
  async attempt(ctx, check) {
    const nodes = [...check.expected.keys()];
    const down = nodes.filter((n) => ctx.cluster.node(n).state !== "running");
    if (down.length) return { verdict: "unknown", final: true, detail: `${down.join(", ")} not running, so its view cannot be read` };
    const { silent, views: seen } = await views(ctx, nodes);
    if (silent.size > 0) return { verdict: "unknown", detail: silentDetail(silent) };
    const data = Object.fromEntries([...seen].map(([n, v]) => [n, [...v].sort()]));
    const wrong = nodes.flatMap((n) => {
      const want = new Set(check.expected.get(n));
      const got = seen.get(n)!;
      const same = want.size === got.size && [...want].every((x) => got.has(x));
      return same ? [] : [`${n} sees ${list(got)}, expected ${list(want)}`];
    });
    if (wrong.length === 0) return { verdict: "pass", detail: nodes.map((n) => `${n} sees ${list(seen.get(n)!)}`).join("; "), data };
    return { verdict: "fail", detail: wrong.join("; "), data };
  },
};
