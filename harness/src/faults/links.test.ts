import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { explicitGrudge, groupsGrudge, halvesGrudge, isolateGrudge, majoritiesRingGrudge } from "./grudge.js";
import {
  allProxies,
  cutDirections,
  cutPairs,
  pairOf,
  parseLinks,
  proxyName,
  streamsForDirection,
  streamsForPair,
  type Pair,
} from "./links.js";

const cluster = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i + 1}`);
const N3 = cluster(3);
const N5 = cluster(5);
const arbCluster = fc.integer({ min: 2, max: 10 }).map(cluster);

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

/** Every unordered pair of `nodes` for which `cut` holds, normalised and sorted. */
function pairsWhere(nodes: readonly string[], cut: (a: string, b: string) => boolean): Pair[] {
  const pairs = nodes.flatMap((a, i) => nodes.slice(i + 1).filter((b) => cut(a, b)).map((b) => pairOf(a, b)));
  return pairs.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
}

describe("proxyName / allProxies", () => {
  it("names the proxy of a directed pair", () => {
    expect(proxyName("n1", "n2")).toBe("n1_to_n2");
    expect(proxyName("b", "a")).toBe("b_to_a");
  });

  it("lists the N·(N−1) proxies of a mesh in cluster order", () => {
    expect(allProxies(N3)).toEqual(["n1_to_n2", "n1_to_n3", "n2_to_n1", "n2_to_n3", "n3_to_n1", "n3_to_n2"]);
    expect(allProxies(["a"])).toEqual([]);
  });

  it("has N·(N−1) distinct names, none to self (property)", () => {
    fc.assert(
      fc.property(arbCluster, (nodes) => {
        const proxies = allProxies(nodes);
        expect(proxies).toHaveLength(nodes.length * (nodes.length - 1));
        expect(new Set(proxies).size).toBe(proxies.length);
        for (const node of nodes) expect(proxies).not.toContain(proxyName(node, node));
      }),
    );
  });
});

describe("pairOf", () => {
  it("sorts the two nodes", () => {
    expect(pairOf("n2", "n1")).toEqual(["n1", "n2"]);
    expect(pairOf("n1", "n2")).toEqual(["n1", "n2"]);
  });
});

describe("cutDirections / cutPairs", () => {
  it("follows Jepsen: grudge[X] contains Y drops bytes from Y to X", () => {
    const oneWay = explicitGrudge(N3, { n1: ["n3"] });
    expect(cutDirections(oneWay)).toEqual([{ from: "n3", to: "n1" }]);
    expect(cutPairs(oneWay)).toEqual([["n1", "n3"]]);
  });

  it("lists both directions of a two-way cut, and the pair once", () => {
    const grudge = halvesGrudge(N3); // n1 | n2 n3
    expect(cutDirections(grudge)).toEqual([
      { from: "n1", to: "n2" },
      { from: "n1", to: "n3" },
      { from: "n2", to: "n1" },
      { from: "n3", to: "n1" },
    ]);
    expect(cutPairs(grudge)).toEqual([
      ["n1", "n2"],
      ["n1", "n3"],
    ]);
  });

  it("cuts the five chords of a 5-node majorities ring", () => {
    expect(cutPairs(majoritiesRingGrudge(N5))).toEqual([
      ["n1", "n3"],
      ["n1", "n4"],
      ["n2", "n4"],
      ["n2", "n5"],
      ["n3", "n5"],
    ]);
  });

  it("cuts nothing for an empty grudge", () => {
    expect(cutDirections(new Map())).toEqual([]);
    expect(cutPairs(new Map([["n1", new Set<string>()]]))).toEqual([]);
  });

  it("isolating k nodes cuts exactly the pairs that touch one of them (property)", () => {
    const arb = arbCluster.chain((nodes) => fc.tuple(fc.constant(nodes), fc.subarray(nodes, { minLength: 1 })));
    fc.assert(
      fc.property(arb, ([nodes, loners]) => {
        const grudge = isolateGrudge(nodes, loners);
        const pairs = cutPairs(grudge);
        const [n, k] = [nodes.length, loners.length];
        expect(pairs).toEqual(pairsWhere(nodes, (a, b) => loners.includes(a) || loners.includes(b)));
        expect(pairs).toHaveLength(k * (n - k) + (k * (k - 1)) / 2);
        expect(cutDirections(grudge)).toHaveLength(2 * pairs.length);
      }),
    );
  });

  it("groups cut exactly the pairs in different groups, both ways (property)", () => {
    const arb = arbCluster.chain((nodes) =>
      fc.tuple(fc.constant(nodes), fc.array(fc.nat(2), { minLength: nodes.length, maxLength: nodes.length })),
    );
    fc.assert(
      fc.property(arb, ([nodes, side]) => {
        const groups = [0, 1, 2].map((g) => nodes.filter((_, i) => side[i] === g)).filter((group) => group.length > 0);
        fc.pre(groups.length >= 2);
        const grudge = groupsGrudge(nodes, groups);
        const sideOf = (node: string): number | undefined => side[nodes.indexOf(node)];
        expect(cutPairs(grudge)).toEqual(pairsWhere(nodes, (a, b) => sideOf(a) !== sideOf(b)));
        for (const { from, to } of cutDirections(grudge)) {
          expect(cutDirections(grudge)).toContainEqual({ from: to, to: from });
        }
      }),
    );
  });
});

describe("streamsForDirection / streamsForPair", () => {
  it("finds the two streams that carry bytes from -> to", () => {
    expect(streamsForDirection("n1", "n2")).toEqual([
      { proxy: "n1_to_n2", stream: "upstream" },
      { proxy: "n2_to_n1", stream: "downstream" },
    ]);
  });

  it("finds all four streams of a pair", () => {
    expect(streamsForPair("a", "b")).toEqual([
      { proxy: "a_to_b", stream: "upstream" },
      { proxy: "b_to_a", stream: "downstream" },
      { proxy: "b_to_a", stream: "upstream" },
      { proxy: "a_to_b", stream: "downstream" },
    ]);
  });

  it("for a one-way grudge, targets only the streams of the dropped direction", () => {
    const [link] = cutDirections(explicitGrudge(N3, { n1: ["n3"] }));
    expect(link).toBeDefined();
    if (link) {
      expect(streamsForDirection(link.from, link.to)).toEqual([
        { proxy: "n3_to_n1", stream: "upstream" },
        { proxy: "n1_to_n3", stream: "downstream" },
      ]);
    }
  });

  it("the two directions of a pair never share a stream, and cover both proxies fully (property)", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
    fc.assert(
      fc.property(name, name, (a, b) => {
        fc.pre(a !== b);
        const key = (t: { proxy: string; stream: string }): string => `${t.proxy}/${t.stream}`;
        const there = streamsForDirection(a, b).map(key);
        const back = streamsForDirection(b, a).map(key);
        expect(there.filter((t) => back.includes(t))).toEqual([]);
        const everything = [proxyName(a, b), proxyName(b, a)].flatMap((p) => [`${p}/upstream`, `${p}/downstream`]);
        expect(streamsForPair(a, b).map(key).sort()).toEqual(everything.sort());
      }),
    );
  });
});

describe("parseLinks", () => {
  it('expands "all" to every pair of the cluster', () => {
    expect(parseLinks(N3, "all")).toEqual([
      ["n1", "n2"],
      ["n1", "n3"],
      ["n2", "n3"],
    ]);
    expect(parseLinks(cluster(7), "all")).toHaveLength(21);
  });

  it("normalises, de-duplicates and sorts listed pairs", () => {
    expect(
      parseLinks(N5, [
        ["n5", "n1"],
        ["n2", "n1"],
        ["n1", "n2"],
        ["n1", "n5"],
      ]),
    ).toEqual([
      ["n1", "n2"],
      ["n1", "n5"],
    ]);
  });

  it("rejects unknown nodes, self links, non-pairs and an empty list", () => {
    expectUsageError(
      () => parseLinks(N3, [["n1", "n9"]]),
      "unknown_node",
      'unknown node "n9" in links; the cluster has n1, n2, n3',
    );
    expectUsageError(
      () => parseLinks(N3, [["n2", "n2"]]),
      "bad_link",
      "link [n2, n2] joins a node to itself; name two different nodes",
    );
    expectUsageError(
      () => parseLinks(N3, [["n1", "n2", "n3"]]),
      "bad_link",
      "link [n1, n2, n3] must name exactly two nodes, like [n1, n2]",
    );
    expectUsageError(() => parseLinks(N3, [["n1"]]), "bad_link");
    expectUsageError(
      () => parseLinks(N3, []),
      "empty_links",
      "links is an empty list; write links: all, or list pairs like [[n1, n2]]",
    );
    expectUsageError(() => parseLinks(["n1"], "all"), "cluster_too_small", "links needs at least 2 nodes, the cluster has 1 (n1)");
  });

  it('"all" gives n(n-1)/2 unique normalised pairs (property)', () => {
    fc.assert(
      fc.property(arbCluster, (nodes) => {
        const pairs = parseLinks(nodes, "all");
        expect(pairs).toHaveLength((nodes.length * (nodes.length - 1)) / 2);
        for (const [a, b] of pairs) expect(a < b).toBe(true);
        expect(new Set(pairs.map((p) => p.join())).size).toBe(pairs.length);
      }),
    );
  });
});
