/**
 * Partitions as data, the Jepsen way. A *grudge* maps each node to the set of nodes it refuses
 * to hear from: `grudge.get("n1")` contains `"n3"` means n1 drops every byte n3 sends it (see
 * links.ts, which turns grudges into Toxiproxy targets). A symmetric grudge (n1 hates n3 and
 * n3 hates n1) is an ordinary two-way cut; a one-sided grudge is a one-way cut.
 *
 * Named shapes (groups, isolate, halves, bridge, majorities ring, explicit) are built by small
 * pure functions that validate their input and throw a `UsageError` saying how to fix it. Every
 * builder returns a map with one entry per cluster node (possibly an empty set); keys and set
 * members iterate in the order of `nodes`, so output is deterministic and easy to compare.
 */
import { UsageError } from "../errors.js";

/** Each node -> the nodes whose traffic it drops (absent or empty: it hears from everybody). */
export type Grudge = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Nodes in different groups cannot talk, in either direction. Cluster nodes listed in no group
 * form one extra, implicit group of their own, so `[[n1]]` on n1..n3 means n1 | n2 n3.
 * Throws on an unknown node, a node listed twice, an empty group, or fewer than two groups.
 */
export function groupsGrudge(nodes: readonly string[], groups: readonly (readonly string[])[]): Grudge {
  checkCluster(nodes);
  const where = "partition groups";
  const groupOf = new Map<string, number>();
  groups.forEach((group, i) => {
    if (group.length === 0) {
      throw new UsageError(
        "empty_group",
        `group ${i + 1} of the partition groups is empty; remove it or list nodes in it`,
      );
    }
    for (const node of group) {
      checkNode(nodes, node, where);
      const seen = groupOf.get(node);
      if (seen !== undefined) {
        const place = seen === i ? `twice in group ${i + 1}` : `in groups ${seen + 1} and ${i + 1}`;
        throw new UsageError(
          "duplicate_node",
          `node "${node}" is listed ${place} of the partition groups; list each node once`,
        );
      }
      groupOf.set(node, i);
    }
  });
  const rest = nodes.filter((node) => !groupOf.has(node));
  const all = rest.length > 0 ? [...groups, rest] : groups;
  if (all.length < 2) {
    throw new UsageError(
      "too_few_groups",
      `partition groups put every node (${nodes.join(", ")}) on one side; list at least two groups, e.g. [[${nodes[0]}], [${nodes.slice(1).join(", ")}]]`,
    );
  }
  return completeGrudge(nodes, all);
}

/**
 * Cuts each listed node from every other node (Jepsen's split-one). With several nodes, each is
 * isolated on its own: `["n1", "n2"]` on n1..n4 gives n1 | n2 | n3 n4, not n1 n2 | n3 n4 (use
 * `groupsGrudge` for that).
 */
export function isolateGrudge(nodes: readonly string[], one: string | readonly string[]): Grudge {
  checkCluster(nodes);
  const loners = typeof one === "string" ? [one] : one;
  if (loners.length === 0) {
    throw new UsageError("empty_group", `isolate lists no node; name one, e.g. isolate: ${nodes[0]}`);
  }
  const seen = new Set<string>();
  for (const node of loners) {
    checkNode(nodes, node, "isolate");
    if (seen.has(node)) {
      throw new UsageError(
        "duplicate_node",
        `node "${node}" is listed twice in isolate; list each node once`,
      );
    }
    seen.add(node);
  }
  const rest = nodes.filter((node) => !seen.has(node));
  const groups = loners.map((node) => [node]);
  return completeGrudge(nodes, rest.length > 0 ? [...groups, rest] : groups);
}

/**
 * Jepsen's bisect: cuts the cluster into two halves, the first (smaller) one holding the first
 * floor(n/2) nodes, so 5 nodes split 2 | 3. Without `rng` the order of `nodes` is kept; with it
 * (a uniform [0, 1) source, e.g. seeded from the scenario) the nodes are shuffled first.
 */
export function halvesGrudge(nodes: readonly string[], rng?: () => number): Grudge {
  checkCluster(nodes);
  const order = rng ? shuffled(nodes, rng) : nodes;
  return completeGrudge(nodes, bisect(order));
}

/**
 * The other nodes (in the order of `nodes`) are bisected as in `halvesGrudge`, and the halves
 * cannot talk to each other; the bridge node still talks to everybody. Needs 3 or more nodes.
 */
export function bridgeGrudge(nodes: readonly string[], bridge: string): Grudge {
  checkCluster(nodes);
  checkNode(nodes, bridge, "bridge");
  const others = nodes.filter((node) => node !== bridge);
  if (others.length < 2) {
    throw new UsageError(
      "cluster_too_small",
      `bridge needs at least 3 nodes, the cluster has ${nodes.length} (${nodes.join(", ")})`,
    );
  }
  const [small, large] = bisect(others);
  return completeGrudge(nodes, [
    [...small, bridge],
    [...large, bridge],
  ]);
}

/**
 * Jepsen's majorities ring, made symmetric. The nodes sit on a ring (in the order of `nodes`,
 * or shuffled with `rng`); with d = floor(n/2) (the number of OTHER nodes in a majority):
 * - d even (n = 4, 5, 8, 9, ...): each node sees the d/2 nearest nodes on each side;
 * - d odd, n even (n = 6, 10, 14, ...): the (d-1)/2 nearest on each side plus the opposite node.
 * So every node sees exactly a majority (itself included), visibility is two-way, and no two
 * nodes see the same majority. For n = 3, 7, 11, ... (n mod 4 = 3) no such ring exists: n nodes
 * with an odd number d of two-way links each would need n*d link ends, an odd number. Throws
 * then, and for fewer than 4 nodes.
 */
export function majoritiesRingGrudge(nodes: readonly string[], rng?: () => number): Grudge {
  checkCluster(nodes);
  const ring = rng ? shuffled(nodes, rng) : nodes;
  const offsets = ringOffsets(ring.length);
  const sees = new Map<string, ReadonlySet<string>>();
  ring.forEach((node, i) => {
    sees.set(node, new Set([node, ...offsets.map((k) => ring[(i + k) % ring.length] as string)]));
  });
  const hated = (node: string): Set<string> => new Set(nodes.filter((other) => !sees.get(node)?.has(other)));
  return new Map(nodes.map((node) => [node, hated(node)]));
}

/**
 * A grudge as written by hand (`grudge: { n1: [n3], n3: [n1] }`), validated and given an entry
 * for every node. NOT made symmetric: `{ n1: [n3] }` alone is a one-way cut (n1 drops what n3
 * sends). Use `symmetric()` for a two-way cut.
 */
export function explicitGrudge(nodes: readonly string[], spec: Readonly<Record<string, readonly string[]>>): Grudge {
  checkCluster(nodes);
  const grudge = new Map<string, Set<string>>();
  for (const [node, hated] of Object.entries(spec)) {
    checkNode(nodes, node, "grudge");
    if (!Array.isArray(hated)) {
      throw new UsageError(
        "bad_grudge",
        `the grudge of "${node}" must be a list of nodes, like ${node}: [${nodes.find((n) => n !== node)}]`,
      );
    }
    const set = new Set<string>();
    for (const other of hated) {
      checkNode(nodes, other, `the grudge of "${node}"`);
      if (other === node) {
        throw new UsageError(
          "self_grudge",
          `node "${node}" holds a grudge against itself; a node cannot be cut from itself`,
        );
      }
      if (set.has(other)) {
        throw new UsageError(
          "duplicate_node",
          `node "${other}" is listed twice in the grudge of "${node}"; list each node once`,
        );
      }
      set.add(other);
    }
    grudge.set(node, set);
  }
  if ([...grudge.values()].every((set) => set.size === 0)) {
    throw new UsageError(
      "empty_grudge",
      `the grudge cuts nothing; list who cannot hear from whom, e.g. { ${nodes[0]}: [${nodes[1]}], ${nodes[1]}: [${nodes[0]}] }`,
    );
  }
  return inClusterOrder(nodes, grudge);
}

/** The two-way closure: Y is in the result's set of X iff X hates Y or Y hates X. */
export function symmetric(grudge: Grudge): Grudge {
  const out = new Map<string, Set<string>>();
  const entry = (node: string): Set<string> => {
    let set = out.get(node);
    if (!set) out.set(node, (set = new Set()));
    return set;
  };
  for (const [node, hated] of grudge) {
    entry(node);
    for (const other of hated) {
      entry(node).add(other);
      entry(other).add(node);
    }
  }
  return out;
}

/** True when every cut in the grudge goes both ways. */
export function isSymmetric(grudge: Grudge): boolean {
  for (const [node, hated] of grudge) {
    for (const other of hated) if (!grudge.get(other)?.has(node)) return false;
  }
  return true;
}

/**
 * The sides of a clean partition: groups of nodes that all see each other and see nobody else,
 * in the order of `nodes` (an uncut cluster is one group). Returns null when the grudge is not
 * a clean partition: one-way cuts, or non-transitive visibility such as a bridge or a ring.
 */
export function components(nodes: readonly string[], grudge: Grudge): string[][] | null {
  for (const [node, hated] of grudge) {
    checkNode(nodes, node, "grudge");
    for (const other of hated) checkNode(nodes, other, `the grudge of "${node}"`);
  }
  if (!isSymmetric(grudge)) return null;
  const sees = (node: string): string[] => nodes.filter((other) => !grudge.get(node)?.has(other));
  const groups: string[][] = [];
  const placed = new Set<string>();
  for (const node of nodes) {
    if (placed.has(node)) continue;
    const group = sees(node);
    if (group.some((member) => placed.has(member) || !sameMembers(sees(member), group))) return null;
    group.forEach((member) => placed.add(member));
    groups.push(group);
  }
  return groups;
}

/**
 * Throws `unknown_node` unless `node` is one of `nodes`; `where` names the place in the input
 * (e.g. "partition groups"). Shared with links.ts.
 */
export function checkNode(nodes: readonly string[], node: string, where: string): void {
  if (!nodes.includes(node)) {
    throw new UsageError(
      "unknown_node",
      `unknown node "${node}" in ${where}; the cluster has ${nodes.join(", ")}`,
    );
  }
}

/** Throws unless `nodes` names two or more distinct nodes. Shared with links.ts. */
export function checkCluster(nodes: readonly string[], what = "a partition"): void {
  if (nodes.length < 2) {
    throw new UsageError(
      "cluster_too_small",
      `${what} needs at least 2 nodes, the cluster has ${nodes.length} (${nodes.join(", ") || "none"})`,
    );
  }
  const dup = nodes.find((node, i) => nodes.indexOf(node) !== i);
  if (dup !== undefined) {
    throw new UsageError(
      "duplicate_node",
      `node "${dup}" appears twice in the cluster (${nodes.join(", ")}); node names must be unique`,
    );
  }
}

/**
 * Two nodes can talk iff some group holds both (groups may overlap, as in a bridge); every other
 * pair is cut both ways. Entries and members follow the order of `nodes`.
 */
function completeGrudge(nodes: readonly string[], groups: readonly (readonly string[])[]): Grudge {
  const talksTo = (node: string, other: string): boolean =>
    node === other || groups.some((group) => group.includes(node) && group.includes(other));
  return new Map(nodes.map((node) => [node, new Set(nodes.filter((other) => !talksTo(node, other)))]));
}

function inClusterOrder(nodes: readonly string[], grudge: ReadonlyMap<string, ReadonlySet<string>>): Grudge {
  return new Map(nodes.map((node) => [node, new Set(nodes.filter((other) => grudge.get(node)?.has(other)))]));
}

function bisect(order: readonly string[]): [string[], string[]] {
  const cut = Math.floor(order.length / 2);
  return [order.slice(0, cut), order.slice(cut)];
}

/** Ring offsets a node sees (excluding itself); see majoritiesRingGrudge. */
function ringOffsets(n: number): number[] {
  if (n < 4) {
    throw new UsageError(
      "cluster_too_small",
      `majorities_ring needs at least 4 nodes, the cluster has ${n}; with 3 nodes use bridge (the bridge node sees both others, who do not see each other)`,
    );
  }
  const d = Math.floor(n / 2);
  const near = (reach: number): number[] => Array.from({ length: reach }, (_, k) => [k + 1, n - k - 1]).flat();
  if (d % 2 === 0) return near(d / 2);
  if (n % 2 === 0) return [...near((d - 1) / 2), n / 2];
  throw new UsageError(
    "impossible_partition",
    `majorities_ring cannot be built for ${n} nodes: each node must see exactly ${d} others (a majority is ${d + 1} of ${n}) ` +
      `over two-way links, and ${n} × ${d} is odd; it exists for 4, 5, 6, 8, 9, 10, ... nodes (not 3, 7, 11, ...). ` +
      `Write an explicit grudge instead, or use bridge`,
  );
}

/** Fisher–Yates with an injected [0, 1) source, so a seeded rng gives a reproducible order. */
function shuffled(items: readonly string[], rng: () => number): string[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(rng() * (i + 1)));
    [out[i], out[j]] = [out[j] as string, out[i] as string];
  }
  return out;
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
