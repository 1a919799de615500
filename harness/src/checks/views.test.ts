/**
 * cluster.mesh, cluster.sees, pg.converged and pg.partitioned over hand-written node answers:
 * both verdicts, the unknowns, and the exact sentences a person reads.
 */
import { describe, expect, it } from "vitest";
import type { RunContext } from "../run/context.js";
import type { ClusterSeesCheck } from "../scenario/model.js";
import { clusterMesh, clusterSees } from "./cluster.js";
import { pgConverged, pgPartitioned } from "./pg.js";

const at = { file: "t.yaml", line: 1, column: 1, path: "checks[0]" };
const full = (n: string) => `${n}@127.0.0.1`;

interface Fake {
  states?: Record<string, string>;
  views?: Record<string, string[]>;
  pg?: Record<string, { members?: string[]; local?: string[]; error?: string }>;
  silent?: string[];
  groups?: { scope: string; group: string }[];
  sides?: string[][] | null;
}

function ctx(f: Fake): RunContext {
  const states = f.states ?? { n1: "running", n2: "running", n3: "running" };
  const groups = f.groups ?? [{ scope: "demo", group: "workers" }];
  return {
    scenario: { workload: { pg: groups.map((g) => ({ ...g, perNode: 2, nodes: Object.keys(states) })) } },
    sides: f.sides ?? null,
    cluster: {
      running: () => Object.keys(states).filter((n) => states[n] === "running"),
      node: (n: string) => ({ name: n, state: states[n] }),
      agent: (n: string) => ({
        call: async (op: string) => {
          if (f.silent?.includes(n)) throw new Error(`call ${op} to ${n} timed out after 2000 ms`);
          if (op === "view") return { nodes: (f.views?.[n] ?? []).map(full) };
          if (op === "pg_view") return groups.map((g) => ({ ...g, ...f.pg?.[n] }));
          throw new Error(`unexpected op ${op}`);
        },
      }),
    },
  } as unknown as RunContext;
}

const mesh = { name: "cluster.mesh", withinMs: 0, at } as const;
const sees = (expected: Record<string, string[]>): ClusterSeesCheck => ({ name: "cluster.sees", withinMs: 0, expected: new Map(Object.entries(expected)), at });

describe("cluster.mesh", () => {
  it("passes a full mesh of the running nodes, ignoring a killed one", async () => {
    const a = await clusterMesh.attempt(ctx({ states: { n1: "running", n2: "running", n3: "killed" }, views: { n1: ["n2"], n2: ["n1"] } }), mesh);
    expect(a).toMatchObject({ verdict: "pass", detail: "all 2 running nodes see each other", data: { n1: ["n2"], n2: ["n1"] } });
  });

  it("fails naming each node and the nodes it does not see", async () => {
    const a = await clusterMesh.attempt(ctx({ views: { n1: ["n2"], n2: ["n1", "n3"], n3: ["n2"] } }), mesh);
    expect(a.verdict).toBe("fail");
    expect(a.detail).toBe("the cluster is not a full mesh: n1 does not see n3; n3 does not see n1");
  });

  it("is unknown when a node does not answer", async () => {
    const a = await clusterMesh.attempt(ctx({ views: { n1: ["n2", "n3"], n2: ["n1", "n3"] }, silent: ["n3"] }), mesh);
    expect(a).toMatchObject({ verdict: "unknown", detail: "could not ask n3: call view to n3 timed out after 2000 ms" });
  });
});

describe("cluster.sees", () => {
  const split = { n1: ["n2"], n2: ["n1"], n3: [] };
  it("passes when every listed node sees exactly the given set", async () => {
    const a = await clusterSees.attempt(ctx({ views: split }), sees({ n1: ["n2"], n3: [] }));
    expect(a).toMatchObject({ verdict: "pass", detail: "n1 sees [n2]; n3 sees []" });
  });

  it("fails on a missing and on an extra node, quoting what was seen and expected", async () => {
    const a = await clusterSees.attempt(ctx({ views: split }), sees({ n1: ["n2", "n3"], n3: [], n2: [] }));
    expect(a.verdict).toBe("fail");
    expect(a.detail).toBe("n1 sees [n2], expected [n2, n3]; n2 sees [n1], expected []");
  });

  it("is unknown for a listed node that is not running", async () => {
    const a = await clusterSees.attempt(ctx({ states: { n1: "running", n2: "paused", n3: "running" }, views: split }), sees({ n2: ["n1"] }));
    expect(a).toMatchObject({ verdict: "unknown", detail: "n2 not running, so its view cannot be read" });
  });
});

const M = (n: string, i: number) => `${n}@127.0.0.1/${100 + i}.0`;
const all = ["n1", "n2", "n3"].flatMap((n) => [M(n, 1), M(n, 2)]);
const local = (n: string) => [M(n, 1), M(n, 2)];

describe("pg.converged", () => {
  it("passes when every node sees exactly the live members", async () => {
    const a = await pgConverged.attempt(ctx({ pg: { n1: { members: all, local: local("n1") }, n2: { members: all, local: local("n2") }, n3: { members: all, local: local("n3") } } }), { name: "pg.converged", withinMs: 0, scope: undefined, groups: "all", at });
    expect(a).toMatchObject({ verdict: "pass", detail: "all 3 running nodes see the same live members (demo/workers: 6)" });
  });

  it("fails naming missing members by node and members that are not live", async () => {
    const ghost = "n4@127.0.0.1/1.0";
    const a = await pgConverged.attempt(ctx({ pg: {
      n1: { members: all, local: local("n1") },
      n2: { members: [...all, ghost], local: local("n2") },
      n3: { members: local("n3"), local: local("n3") },
    } }), { name: "pg.converged", withinMs: 0, scope: undefined, groups: "all", at });
    expect(a.verdict).toBe("fail");
    expect(a.detail).toContain("n2 sees 7 of 6 live members of demo/workers (plus 1 that are not live: 1 on n4)");
    expect(a.detail).toContain("n3 sees 2 of 6 live members of demo/workers (missing 2 on n1, 2 on n2)");
    expect(a.detail).not.toContain("n1 sees");
  });

  it("is unknown when a node reports an error for the group, or the scenario has no pg workload", async () => {
    const err = await pgConverged.attempt(ctx({ pg: { n1: { members: all, local: local("n1") }, n2: { error: 'pg scope "demo" is not running on n2@127.0.0.1' }, n3: { members: all } } }), { name: "pg.converged", withinMs: 0, scope: undefined, groups: "all", at });
    expect(err).toMatchObject({ verdict: "unknown", detail: 'n2: pg scope "demo" is not running on n2@127.0.0.1' });
    const none = await pgConverged.attempt(ctx({ groups: [] }), { name: "pg.converged", withinMs: 0, scope: undefined, groups: "all", at });
    expect(none.verdict).toBe("unknown");
    expect(none.detail).toContain("no pg workload");
  });
});

describe("pg.partitioned", () => {
  const check = { name: "pg.partitioned", withinMs: 0, scope: undefined, groups: "all", at } as const;
  const sides = [["n1", "n2"], ["n3"]];
  const own = { n1: { members: [...local("n1"), ...local("n2")], local: local("n1") }, n2: { members: [...local("n1"), ...local("n2")], local: local("n2") }, n3: { members: local("n3"), local: local("n3") } };

  it("passes when each side sees only its own members", async () => {
    const a = await pgPartitioned.attempt(ctx({ sides, pg: own }), check);
    expect(a).toMatchObject({ verdict: "pass", detail: "each side of [n1, n2] | [n3] sees only its own members" });
  });

  it("fails naming the node that still sees the other side's members", async () => {
    const a = await pgPartitioned.attempt(ctx({ sides, pg: { ...own, n3: { members: all, local: local("n3") } } }), check);
    expect(a).toMatchObject({ verdict: "fail", detail: "n3 still sees 4 members of demo/workers from the other side (2 on n1, 2 on n2)" });
  });

  it("is unknown when no partition with clean sides is in force", async () => {
    const a = await pgPartitioned.attempt(ctx({ sides: null, pg: own }), check);
    expect(a.verdict).toBe("unknown");
    expect(a.detail).toContain("no partition with clean sides is in force");
  });
});
