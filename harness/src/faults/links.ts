/**
 * Link arithmetic: which Toxiproxy proxies and streams carry the bytes a fault must touch.
 *
 * Toxiproxy cannot filter by source, so every directed pair (X, Y) has its own proxy
 * `X_to_Y`: X dials it and it forwards to Y. One TCP connection carries both directions of a
 * pair, and which proxy carries it depends on who dialled:
 *
 *             X_to_Y                              Y_to_X
 *   X ──upstream (X→Y)──▶ Y            Y ──upstream (Y→X)──▶ X
 *   X ◀─downstream (Y→X)── Y           Y ◀─downstream (X→Y)── X
 *
 * so bytes X→Y flow on `X_to_Y` upstream OR on `Y_to_X` downstream, and a fault on a direction
 * must act on both. Grudges follow Jepsen's meaning: `grudge[X]` contains Y means X drops what
 * Y sends, i.e. the directed link Y→X is cut; X→Y still flows unless `grudge[Y]` contains X.
 */
import { UsageError } from "../errors.js";
import { checkCluster, checkNode, type Grudge } from "./grudge.js";

/** An unordered node pair, normalised so that `pair[0] < pair[1]` (code-unit order). */
export type Pair = readonly [string, string];

/** Bytes flowing from `from` to `to`. */
export type DirectedLink = { readonly from: string; readonly to: string };

/** A Toxiproxy stream: `upstream` is client -> server (dialler -> listener), `downstream` back. */
export type Stream = "upstream" | "downstream";

/** One place a toxic can sit: a stream of a proxy. */
export type StreamTarget = { readonly proxy: string; readonly stream: Stream };

/** The name of the proxy that carries connections `from` dials to `to`: `${from}_to_${to}`. */
export function proxyName(from: string, to: string): string {
  return `${from}_to_${to}`;
}

/** The N·(N−1) directed proxy names of a mesh, in the order of `nodes`. */
export function allProxies(nodes: readonly string[]): string[] {
  return nodes.flatMap((from) => nodes.filter((to) => to !== from).map((to) => proxyName(from, to)));
}

/** The pair {a, b} in normal (sorted) order. */
export function pairOf(a: string, b: string): Pair {
  return a < b ? [a, b] : [b, a];
}

/** Directed links whose bytes must be dropped: Y→X for every Y in `grudge[X]`, sorted. */
export function cutDirections(grudge: Grudge): DirectedLink[] {
  const links: DirectedLink[] = [];
  for (const [to, hated] of grudge) for (const from of hated) links.push({ from, to });
  return links.sort((x, y) => compare(x.from, y.from) || compare(x.to, y.to));
}

/** Unordered pairs cut in at least one direction, sorted and unique. */
export function cutPairs(grudge: Grudge): Pair[] {
  return uniquePairs(cutDirections(grudge).map(({ from, to }) => pairOf(from, to)));
}

/** The two stream targets that carry bytes `from` -> `to`. */
export function streamsForDirection(from: string, to: string): [StreamTarget, StreamTarget] {
  return [
    { proxy: proxyName(from, to), stream: "upstream" },
    { proxy: proxyName(to, from), stream: "downstream" },
  ];
}

/** All four stream targets of the pair {a, b}: both directions, on both proxies. */
export function streamsForPair(a: string, b: string): StreamTarget[] {
  return [...streamsForDirection(a, b), ...streamsForDirection(b, a)];
}

/**
 * Validates a `links:` value (delay, bandwidth, heal): `"all"` is every pair of the cluster,
 * otherwise a list of two-node lists like `[["n1", "n2"]]`. Returns sorted unique pairs, so
 * `[n2, n1]` and `[n1, n2]` count once. Throws on unknown nodes, a node paired with itself, a
 * list that is not a pair, or an empty list.
 */
export function parseLinks(nodes: readonly string[], spec: "all" | readonly (readonly string[])[]): Pair[] {
  checkCluster(nodes, "links");
  if (spec === "all") {
    return uniquePairs(nodes.flatMap((a, i) => nodes.slice(i + 1).map((b) => pairOf(a, b))));
  }
  if (spec.length === 0) {
    throw new UsageError(
      "empty_links",
      `links is an empty list; write links: all, or list pairs like [[${nodes[0]}, ${nodes[1]}]]`,
    );
  }
  return uniquePairs(spec.map((link) => parseLink(nodes, link)));
}

function parseLink(nodes: readonly string[], link: readonly string[]): Pair {
  const [a, b] = link;
  if (link.length !== 2 || a === undefined || b === undefined) {
    throw new UsageError(
      "bad_link",
      `link [${link.join(", ")}] must name exactly two nodes, like [${nodes[0]}, ${nodes[1]}]`,
    );
  }
  checkNode(nodes, a, "links");
  checkNode(nodes, b, "links");
  if (a === b) {
    throw new UsageError("bad_link", `link [${a}, ${b}] joins a node to itself; name two different nodes`);
  }
  return pairOf(a, b);
}

function uniquePairs(pairs: readonly Pair[]): Pair[] {
  const byKey = new Map(pairs.map((p) => [`${p[0]}\u0000${p[1]}`, p]));
  return [...byKey.values()].sort((x, y) => compare(x[0], y[0]) || compare(x[1], y[1]));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The sides of a cut: nodes still linked (directly or not) by pairs that are not cut. */
export function sidesOfCut(nodes: readonly string[], cut: readonly (readonly [string, string])[]): string[][] {
  const cutSet = new Set(cut.map(([a, b]) => unorderedKey(a, b)));
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const n of nodes) {
    if (seen.has(n)) continue;
    const side: string[] = [];
    const stack = [n];
    seen.add(n);
    while (stack.length) {
      const x = stack.pop()!;
      side.push(x);
      for (const y of nodes) if (!seen.has(y) && !cutSet.has(unorderedKey(x, y))) { seen.add(y); stack.push(y); }
    }
    out.push(side.sort((a, b) => nodes.indexOf(a) - nodes.indexOf(b)));
  }
  return out;
}

const unorderedKey = (a: string, b: string) => (a < b ? `${a}-${b}` : `${b}-${a}`);
