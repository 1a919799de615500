import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import {
  bridgeGrudge,
  components,
  explicitGrudge,
  groupsGrudge,
  halvesGrudge,
  isolateGrudge,
  isSymmetric,
  majoritiesRingGrudge,
  symmetric,
  type Grudge,
} from "./grudge.js";

const cluster = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i + 1}`);
const N3 = cluster(3);
const N4 = cluster(4);
const N5 = cluster(5);
const N7 = cluster(7);

/** A grudge as a plain object with arrays, for exact comparisons. */
function plain(grudge: Grudge): Record<string, string[]> {
  return Object.fromEntries([...grudge].map(([node, hated]) => [node, [...hated]]));
}

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

function expectUsageError(f: () => unknown, code: string, message?: string): void {
  const error = caught(f);
  expect(error).toBeInstanceOf(UsageError);
  expect(error).toMatchObject(message === undefined ? { code } : { code, message });
}

/** Visible set of each node (itself included), as sorted strings, for ring checks. */
function views(nodes: readonly string[], grudge: Grudge): string[] {
  return nodes.map((node) => nodes.filter((other) => !grudge.get(node)?.has(other)).join(","));
}

/** A [0, 1) source cycling through the given values. */
function cycling(values: readonly number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

const arbCluster = fc.integer({ min: 2, max: 12 }).map(cluster);
const arbRng = fc
  .array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 16 })
  .map(cycling);
/** A cluster plus a group index per node (groups may come out empty; they are filtered). */
const arbGroups = arbCluster.chain((nodes) =>
  fc
    .array(fc.nat(nodes.length - 1), { minLength: nodes.length, maxLength: nodes.length })
    .map((index) => {
      const groups = nodes.map((_, g) => nodes.filter((__, i) => index[i] === g)).filter((group) => group.length > 0);
      return { nodes, groups };
    })
    .filter(({ groups }) => groups.length >= 2),
);

function expectWellFormed(nodes: readonly string[], grudge: Grudge): void {
  expect([...grudge.keys()]).toEqual(nodes);
  for (const [node, hated] of grudge) {
    expect(hated.has(node)).toBe(false);
    expect([...hated]).toEqual(nodes.filter((other) => hated.has(other))); // cluster order, known nodes
  }
}

describe("groupsGrudge", () => {
  it("cuts every pair of nodes in different groups (3, 4, 5, 7 nodes)", () => {
    expect(plain(groupsGrudge(N3, [["n1"], ["n2", "n3"]]))).toEqual({ n1: ["n2", "n3"], n2: ["n1"], n3: ["n1"] });
    expect(plain(groupsGrudge(N4, [["n1", "n2"], ["n3", "n4"]]))).toEqual({
      n1: ["n3", "n4"],
      n2: ["n3", "n4"],
      n3: ["n1", "n2"],
      n4: ["n1", "n2"],
    });
    expect(plain(groupsGrudge(N5, [["n1", "n2", "n3"], ["n4", "n5"]]))).toEqual({
      n1: ["n4", "n5"],
      n2: ["n4", "n5"],
      n3: ["n4", "n5"],
      n4: ["n1", "n2", "n3"],
      n5: ["n1", "n2", "n3"],
    });
    expect(plain(groupsGrudge(N7, [["n1", "n2"], ["n3", "n4"], ["n5", "n6", "n7"]]))).toEqual({
      n1: ["n3", "n4", "n5", "n6", "n7"],
      n2: ["n3", "n4", "n5", "n6", "n7"],
      n3: ["n1", "n2", "n5", "n6", "n7"],
      n4: ["n1", "n2", "n5", "n6", "n7"],
      n5: ["n1", "n2", "n3", "n4"],
      n6: ["n1", "n2", "n3", "n4"],
      n7: ["n1", "n2", "n3", "n4"],
    });
  });

  it("puts unlisted nodes in one implicit group of their own", () => {
    expect(groupsGrudge(N3, [["n1"]])).toEqual(groupsGrudge(N3, [["n1"], ["n2", "n3"]]));
    expect(groupsGrudge(N7, [["n1", "n2"], ["n3", "n4"]])).toEqual(
      groupsGrudge(N7, [["n1", "n2"], ["n3", "n4"], ["n5", "n6", "n7"]]),
    );
  });

  it("iterates in cluster order whatever the order of the groups", () => {
    const grudge = groupsGrudge(N5, [["n5", "n4"], ["n3", "n1", "n2"]]);
    expect([...grudge.keys()]).toEqual(N5);
    expect([...(grudge.get("n4") ?? [])]).toEqual(["n1", "n2", "n3"]);
  });

  it("rejects unknown nodes, nodes listed twice, empty groups and a single group", () => {
    expectUsageError(
      () => groupsGrudge(N3, [["n1"], ["n9"]]),
      "unknown_node",
      'unknown node "n9" in partition groups; the cluster has n1, n2, n3',
    );
    expectUsageError(
      () => groupsGrudge(N3, [["n1", "n2"], ["n2", "n3"]]),
      "duplicate_node",
      'node "n2" is listed in groups 1 and 2 of the partition groups; list each node once',
    );
    expectUsageError(
      () => groupsGrudge(N3, [["n1", "n1"], ["n2"]]),
      "duplicate_node",
      'node "n1" is listed twice in group 1 of the partition groups; list each node once',
    );
    expectUsageError(
      () => groupsGrudge(N3, [["n1"], []]),
      "empty_group",
      "group 2 of the partition groups is empty; remove it or list nodes in it",
    );
    expectUsageError(
      () => groupsGrudge(N3, [["n1", "n2", "n3"]]),
      "too_few_groups",
      "partition groups put every node (n1, n2, n3) on one side; list at least two groups, e.g. [[n1], [n2, n3]]",
    );
    expectUsageError(() => groupsGrudge(N3, []), "too_few_groups");
  });

  it("rejects a cluster that is too small or names a node twice", () => {
    expectUsageError(
      () => groupsGrudge(["n1"], [["n1"]]),
      "cluster_too_small",
      "a partition needs at least 2 nodes, the cluster has 1 (n1)",
    );
    expectUsageError(
      () => groupsGrudge(["n1", "n2", "n1"], [["n1"]]),
      "duplicate_node",
      'node "n1" appears twice in the cluster (n1, n2, n1); node names must be unique',
    );
  });

  it("is well formed, symmetric, and its components are the groups (property)", () => {
    fc.assert(
      fc.property(arbGroups, ({ nodes, groups }) => {
        const grudge = groupsGrudge(nodes, groups);
        expectWellFormed(nodes, grudge);
        expect(isSymmetric(grudge)).toBe(true);
        expect(components(nodes, grudge)).toEqual(
          [...groups].sort((a, b) => nodes.indexOf(a[0] ?? "") - nodes.indexOf(b[0] ?? "")),
        );
      }),
    );
  });
});

describe("isolateGrudge", () => {
  it("cuts one node from all others (3, 5 nodes)", () => {
    expect(plain(isolateGrudge(N3, "n2"))).toEqual({ n1: ["n2"], n2: ["n1", "n3"], n3: ["n2"] });
    expect(plain(isolateGrudge(N5, "n5"))).toEqual({
      n1: ["n5"],
      n2: ["n5"],
      n3: ["n5"],
      n4: ["n5"],
      n5: ["n1", "n2", "n3", "n4"],
    });
  });

  it("isolates each listed node on its own, also from the other listed nodes (4, 7 nodes)", () => {
    expect(plain(isolateGrudge(N4, ["n1", "n2"]))).toEqual({
      n1: ["n2", "n3", "n4"],
      n2: ["n1", "n3", "n4"],
      n3: ["n1", "n2"],
      n4: ["n1", "n2"],
    });
    expect(plain(isolateGrudge(N7, ["n7", "n3"]))).toEqual({
      n1: ["n3", "n7"],
      n2: ["n3", "n7"],
      n3: ["n1", "n2", "n4", "n5", "n6", "n7"],
      n4: ["n3", "n7"],
      n5: ["n3", "n7"],
      n6: ["n3", "n7"],
      n7: ["n1", "n2", "n3", "n4", "n5", "n6"],
    });
    expect(components(N4, isolateGrudge(N4, ["n1", "n2"]))).toEqual([["n1"], ["n2"], ["n3", "n4"]]);
  });

  it("isolating every node cuts every pair", () => {
    expect(plain(isolateGrudge(N3, N3))).toEqual({ n1: ["n2", "n3"], n2: ["n1", "n3"], n3: ["n1", "n2"] });
  });

  it("rejects unknown, repeated or missing nodes", () => {
    expectUsageError(() => isolateGrudge(N3, "n4"), "unknown_node", 'unknown node "n4" in isolate; the cluster has n1, n2, n3');
    expectUsageError(
      () => isolateGrudge(N3, ["n1", "n1"]),
      "duplicate_node",
      'node "n1" is listed twice in isolate; list each node once',
    );
    expectUsageError(() => isolateGrudge(N3, []), "empty_group", "isolate lists no node; name one, e.g. isolate: n1");
  });

  it("is well formed and symmetric (property)", () => {
    const arb = arbCluster.chain((nodes) => fc.tuple(fc.constant(nodes), fc.subarray(nodes, { minLength: 1 })));
    fc.assert(
      fc.property(arb, ([nodes, loners]) => {
        const grudge = isolateGrudge(nodes, loners);
        expectWellFormed(nodes, grudge);
        expect(isSymmetric(grudge)).toBe(true);
        for (const loner of loners) expect(grudge.get(loner)?.size).toBe(nodes.length - 1);
      }),
    );
  });
});

describe("halvesGrudge", () => {
  it("puts the smaller half first, keeping cluster order (3, 4, 5, 7 nodes)", () => {
    expect(plain(halvesGrudge(N3))).toEqual({ n1: ["n2", "n3"], n2: ["n1"], n3: ["n1"] });
    expect(halvesGrudge(N4)).toEqual(groupsGrudge(N4, [["n1", "n2"], ["n3", "n4"]]));
    expect(plain(halvesGrudge(N5))).toEqual({
      n1: ["n3", "n4", "n5"],
      n2: ["n3", "n4", "n5"],
      n3: ["n1", "n2"],
      n4: ["n1", "n2"],
      n5: ["n1", "n2"],
    });
    expect(components(N7, halvesGrudge(N7))).toEqual([
      ["n1", "n2", "n3"],
      ["n4", "n5", "n6", "n7"],
    ]);
  });

  it("shuffles with the given rng (Fisher-Yates)", () => {
    // rng 0 swaps each position with the first: n1..n5 -> n2 n3 n4 n5 n1 -> n2 n3 | n4 n5 n1.
    expect(halvesGrudge(N5, () => 0)).toEqual(groupsGrudge(N5, [["n2", "n3"], ["n4", "n5", "n1"]]));
    // rng just below 1 swaps each position with itself: order kept.
    expect(halvesGrudge(N5, () => 0.999)).toEqual(halvesGrudge(N5));
  });

  it("needs 2 nodes", () => {
    expect(plain(halvesGrudge(["a", "b"]))).toEqual({ a: ["b"], b: ["a"] });
    expectUsageError(() => halvesGrudge(["a"]), "cluster_too_small");
  });

  it("always splits floor(n/2) | ceil(n/2), symmetric (property)", () => {
    fc.assert(
      fc.property(arbCluster, arbRng, (nodes, rng) => {
        const grudge = halvesGrudge(nodes, rng);
        expectWellFormed(nodes, grudge);
        expect(isSymmetric(grudge)).toBe(true);
        const sizes = (components(nodes, grudge) ?? []).map((side) => side.length).sort((a, b) => a - b);
        expect(sizes).toEqual([Math.floor(nodes.length / 2), Math.ceil(nodes.length / 2)]);
      }),
    );
  });
});

describe("bridgeGrudge", () => {
  it("lets the bridge see both halves, which do not see each other (3, 4, 5, 7 nodes)", () => {
    expect(plain(bridgeGrudge(N3, "n2"))).toEqual({ n1: ["n3"], n2: [], n3: ["n1"] });
    expect(plain(bridgeGrudge(N4, "n1"))).toEqual({ n1: [], n2: ["n3", "n4"], n3: ["n2"], n4: ["n2"] });
    // Same map as Jepsen's (bridge ["n1" .. "n5"]), which picks n3.
    expect(plain(bridgeGrudge(N5, "n3"))).toEqual({
      n1: ["n4", "n5"],
      n2: ["n4", "n5"],
      n3: [],
      n4: ["n1", "n2"],
      n5: ["n1", "n2"],
    });
    expect(plain(bridgeGrudge(N7, "n4"))).toEqual({
      n1: ["n5", "n6", "n7"],
      n2: ["n5", "n6", "n7"],
      n3: ["n5", "n6", "n7"],
      n4: [],
      n5: ["n1", "n2", "n3"],
      n6: ["n1", "n2", "n3"],
      n7: ["n1", "n2", "n3"],
    });
  });

  it("has no clean components", () => {
    expect(components(N5, bridgeGrudge(N5, "n3"))).toBeNull();
  });

  it("rejects an unknown bridge and a cluster of 2", () => {
    expectUsageError(() => bridgeGrudge(N3, "n0"), "unknown_node", 'unknown node "n0" in bridge; the cluster has n1, n2, n3');
    expectUsageError(
      () => bridgeGrudge(["a", "b"], "a"),
      "cluster_too_small",
      "bridge needs at least 3 nodes, the cluster has 2 (a, b)",
    );
  });

  it("is symmetric, nobody hates the bridge, and it hates nobody (property)", () => {
    const arb = fc.integer({ min: 3, max: 12 }).chain((n) => fc.tuple(fc.constant(cluster(n)), fc.nat(n - 1)));
    fc.assert(
      fc.property(arb, ([nodes, i]) => {
        const bridge = nodes[i] ?? "";
        const grudge = bridgeGrudge(nodes, bridge);
        expectWellFormed(nodes, grudge);
        expect(isSymmetric(grudge)).toBe(true);
        expect(grudge.get(bridge)?.size).toBe(0);
        const others = nodes.filter((node) => node !== bridge);
        const cut = Math.floor(others.length / 2);
        const [small, large] = [others.slice(0, cut), others.slice(cut)];
        for (const node of small) expect([...(grudge.get(node) ?? [])]).toEqual(large);
        for (const node of large) expect([...(grudge.get(node) ?? [])]).toEqual(small);
      }),
    );
  });
});

describe("majoritiesRingGrudge", () => {
  it("4 nodes: each sees its two ring neighbours (the diagonals are cut)", () => {
    expect(plain(majoritiesRingGrudge(N4))).toEqual({ n1: ["n3"], n2: ["n4"], n3: ["n1"], n4: ["n2"] });
  });

  it("5 nodes: each sees one neighbour on each side", () => {
    expect(plain(majoritiesRingGrudge(N5))).toEqual({
      n1: ["n3", "n4"],
      n2: ["n4", "n5"],
      n3: ["n1", "n5"],
      n4: ["n1", "n2"],
      n5: ["n2", "n3"],
    });
  });

  it("6 nodes: one neighbour on each side plus the opposite node", () => {
    expect(plain(majoritiesRingGrudge(cluster(6)))).toEqual({
      n1: ["n3", "n5"],
      n2: ["n4", "n6"],
      n3: ["n1", "n5"],
      n4: ["n2", "n6"],
      n5: ["n1", "n3"],
      n6: ["n2", "n4"],
    });
  });

  it("9 nodes: two neighbours on each side", () => {
    expect(majoritiesRingGrudge(cluster(9)).get("n1")).toEqual(new Set(["n4", "n5", "n6", "n7"]));
  });

  it("shuffles the ring with the given rng", () => {
    // rng 0.5 orders the ring n1 n4 n2 n5 n3: each node now hates its old ring neighbours.
    expect(plain(majoritiesRingGrudge(N5, () => 0.5))).toEqual({
      n1: ["n2", "n5"],
      n2: ["n1", "n3"],
      n3: ["n2", "n4"],
      n4: ["n3", "n5"],
      n5: ["n1", "n4"],
    });
    // rng 0 only rotates the ring, which changes nothing.
    expect(majoritiesRingGrudge(N4, () => 0)).toEqual(majoritiesRingGrudge(N4));
  });

  it("3 nodes: too small, points to bridge", () => {
    expectUsageError(
      () => majoritiesRingGrudge(N3),
      "cluster_too_small",
      "majorities_ring needs at least 4 nodes, the cluster has 3; with 3 nodes use bridge (the bridge node sees both others, who do not see each other)",
    );
  });

  it("7 nodes: impossible, says why and which sizes work", () => {
    expectUsageError(
      () => majoritiesRingGrudge(N7),
      "impossible_partition",
      "majorities_ring cannot be built for 7 nodes: each node must see exactly 3 others (a majority is 4 of 7) " +
        "over two-way links, and 7 × 3 is odd; it exists for 4, 5, 6, 8, 9, 10, ... nodes (not 3, 7, 11, ...). " +
        "Write an explicit grudge instead, or use bridge",
    );
    expectUsageError(() => majoritiesRingGrudge(cluster(11)), "impossible_partition");
  });

  it("every node sees exactly a majority, two-way, and no two see the same one (property)", () => {
    const arbSize = fc.integer({ min: 4, max: 24 }).filter((n) => n % 4 !== 3);
    fc.assert(
      fc.property(arbSize, fc.option(arbRng, { nil: undefined }), (n, rng) => {
        const nodes = cluster(n);
        const grudge = majoritiesRingGrudge(nodes, rng);
        expectWellFormed(nodes, grudge);
        expect(isSymmetric(grudge)).toBe(true);
        const seen = views(nodes, grudge);
        for (const view of seen) expect(view.split(",")).toHaveLength(Math.floor(n / 2) + 1);
        expect(new Set(seen).size).toBe(n);
        expect(components(nodes, grudge)).toBeNull();
      }),
    );
  });
});

describe("explicitGrudge", () => {
  it("keeps the grudge as written and adds empty entries", () => {
    expect(plain(explicitGrudge(N3, { n1: ["n3"], n3: ["n1"] }))).toEqual({ n1: ["n3"], n2: [], n3: ["n1"] });
    expect(plain(explicitGrudge(N4, { n4: ["n2", "n1"] }))).toEqual({ n1: [], n2: [], n3: [], n4: ["n1", "n2"] });
    expect([...explicitGrudge(N5, { n5: ["n1"], n2: ["n1"] }).keys()]).toEqual(N5);
  });

  it("does not symmetrise a one-way grudge", () => {
    const oneWay = explicitGrudge(N3, { n1: ["n2"] });
    expect(plain(oneWay)).toEqual({ n1: ["n2"], n2: [], n3: [] });
    expect(isSymmetric(oneWay)).toBe(false);
    expect(components(N3, oneWay)).toBeNull();
  });

  it("rejects unknown nodes, self grudges, repeats, non-lists and empty grudges", () => {
    expectUsageError(
      () => explicitGrudge(N3, { n7: ["n1"] }),
      "unknown_node",
      'unknown node "n7" in grudge; the cluster has n1, n2, n3',
    );
    expectUsageError(
      () => explicitGrudge(N3, { n1: ["n7"] }),
      "unknown_node",
      'unknown node "n7" in the grudge of "n1"; the cluster has n1, n2, n3',
    );
    expectUsageError(
      () => explicitGrudge(N3, { n1: ["n1"] }),
      "self_grudge",
      'node "n1" holds a grudge against itself; a node cannot be cut from itself',
    );
    expectUsageError(
      () => explicitGrudge(N3, { n1: ["n2", "n2"] }),
      "duplicate_node",
      'node "n2" is listed twice in the grudge of "n1"; list each node once',
    );
    expectUsageError(
      () => explicitGrudge(N3, { n1: "n2" as unknown as string[] }),
      "bad_grudge",
      'the grudge of "n1" must be a list of nodes, like n1: [n2]',
    );
    expectUsageError(
      () => explicitGrudge(N3, { n1: [] }),
      "empty_grudge",
      "the grudge cuts nothing; list who cannot hear from whom, e.g. { n1: [n2], n2: [n1] }",
    );
    expectUsageError(() => explicitGrudge(N3, {}), "empty_grudge");
  });
});

describe("symmetric / isSymmetric", () => {
  it("adds the reverse of every cut", () => {
    const grudge = symmetric(explicitGrudge(N4, { n1: ["n2", "n3"], n4: ["n3"] }));
    expect(plain(grudge)).toEqual({ n1: ["n2", "n3"], n2: ["n1"], n3: ["n1", "n4"], n4: ["n3"] });
    expect(isSymmetric(grudge)).toBe(true);
  });

  it("covers nodes that appear only as targets", () => {
    expect(plain(symmetric(new Map([["a", new Set(["b"])]])))).toEqual({ a: ["b"], b: ["a"] });
  });

  it("is idempotent and leaves symmetric grudges unchanged (property)", () => {
    fc.assert(
      fc.property(arbGroups, ({ nodes, groups }) => {
        const grudge = groupsGrudge(nodes, groups);
        expect(symmetric(grudge)).toEqual(grudge);
        expect(symmetric(symmetric(grudge))).toEqual(symmetric(grudge));
      }),
    );
  });
});

describe("components", () => {
  it("returns the sides of a clean partition in cluster order", () => {
    expect(components(N5, groupsGrudge(N5, [["n4", "n5"], ["n1", "n2", "n3"]]))).toEqual([
      ["n1", "n2", "n3"],
      ["n4", "n5"],
    ]);
    expect(components(N3, isolateGrudge(N3, "n2"))).toEqual([["n1", "n3"], ["n2"]]);
  });

  it("treats an empty or missing grudge as one side", () => {
    expect(components(N3, new Map())).toEqual([N3]);
    expect(components(N3, new Map([["n1", new Set<string>()]]))).toEqual([N3]);
  });

  it("returns null for non-transitive visibility and one-way cuts", () => {
    expect(components(N5, majoritiesRingGrudge(N5))).toBeNull();
    expect(components(N3, bridgeGrudge(N3, "n1"))).toBeNull();
    expect(components(N3, explicitGrudge(N3, { n1: ["n2"] }))).toBeNull();
  });

  it("rejects nodes outside the cluster", () => {
    expectUsageError(() => components(N3, new Map([["n1", new Set(["x"])]])), "unknown_node");
  });
});
