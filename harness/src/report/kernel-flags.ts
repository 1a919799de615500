/**
 * Each node's effective kernel flags, as read inside the node (the agent's `hello`), next to what
 * the scenario asked. A server started by its own script may override them: RabbitMQ's script
 * appends `-kernel prevent_overlapping_partitions false` after netsplit's flags, and the last
 * flag wins. The runner records both in the `cluster_ready` entry (`node_kernel_flags`,
 * `kernel_asked`); results.json, report.md and report.html say where they differ.
 */

/** One flag whose effective value differs from the scenario's, and on which nodes. */
export interface KernelOverride {
  flag: string;
  asked: unknown;
  effective: unknown;
  nodes: string[];
}

const isMap = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** The effective flags of every node (from the `cluster_ready` entry), or undefined when not recorded. */
export function nodeKernelFlags(ready: Record<string, unknown> | undefined): Record<string, Record<string, unknown>> | undefined {
  const byNode = ready?.node_kernel_flags;
  if (!isMap(byNode)) return undefined;
  return Object.fromEntries(Object.entries(byNode).filter((e): e is [string, Record<string, unknown>] => isMap(e[1])));
}

/** The flags that differ from the scenario's, grouped by flag and values, nodes in cluster order. */
export function kernelOverrides(asked: unknown, byNode: Record<string, Record<string, unknown>> | undefined): KernelOverride[] {
  if (!isMap(asked) || !byNode) return [];
  const out: KernelOverride[] = [];
  for (const [node, flags] of Object.entries(byNode)) {
    for (const [flag, want] of Object.entries(asked)) {
      if (!(flag in flags) || flags[flag] === want) continue;
      const same = out.find((o) => o.flag === flag && o.asked === want && o.effective === flags[flag]);
      if (same) same.nodes.push(node);
      else out.push({ flag, asked: want, effective: flags[flag], nodes: [node] });
    }
  }
  return out;
}

/** The `cluster_ready` fields for results.json: `kernel_nodes` and `kernel_overrides` (when recorded). */
export function kernelResults(ready: Record<string, unknown> | undefined): { kernel_nodes?: Record<string, Record<string, unknown>>; kernel_overrides?: KernelOverride[] } {
  const byNode = nodeKernelFlags(ready);
  if (!byNode) return {};
  return { kernel_nodes: byNode, kernel_overrides: kernelOverrides(ready?.kernel_asked, byNode) };
}

/**
 * One sentence for a report header, or "" when every node runs what the scenario asked:
 * `prevent_overlapping_partitions false on n1, n2, n3 (the scenario asked true)`.
 */
export function kernelOverridesText(overrides: readonly KernelOverride[] | undefined): string {
  if (!overrides?.length) return "";
  const parts = overrides.map((o) => `${o.flag} ${String(o.effective)} on ${o.nodes.join(", ")} (the scenario asked ${String(o.asked)})`);
  return `effective kernel flags, read inside the nodes, differ from the scenario's: ${parts.join("; ")}`;
}
