/**
 * The `cluster_ready` entry's kernel fields: what the scenario asked and what every node runs
 * with, read inside the node by its agent (`hello.flags`). report/kernel-flags.ts turns them
 * into results.json's `kernel_nodes`/`kernel_overrides` and the reports' warning line.
 */
import { kernelOverrides, kernelOverridesText } from "../report/kernel-flags.js";
import type { StartedCluster } from "../runtime/cluster.js";
import type { Scenario } from "../scenario/model.js";

/** The scenario's kernel flags, named as the agent names them. */
export function askedKernel(scenario: Scenario): Record<string, unknown> {
  const k = scenario.cluster.kernel;
  return {
    net_ticktime: k.netTicktimeSeconds,
    prevent_overlapping_partitions: k.preventOverlappingPartitions,
    net_setuptime: k.netSetuptimeSeconds,
    connect_all: k.connectAll,
  };
}

/** `kernel_asked` and `node_kernel_flags` for the `cluster_ready` entry. */
export function kernelReadyFields(c: StartedCluster, scenario: Scenario): { kernel_asked: Record<string, unknown>; node_kernel_flags: Record<string, Record<string, unknown>> } {
  return {
    kernel_asked: askedKernel(scenario),
    node_kernel_flags: Object.fromEntries(c.names.map((n) => [n, c.agent(n).hello.flags])),
  };
}

/** For the progress line: "" or "; <the differences>". */
export function kernelReadyNote(fields: ReturnType<typeof kernelReadyFields>): string {
  const text = kernelOverridesText(kernelOverrides(fields.kernel_asked, fields.node_kernel_flags));
  return text ? `; ${text}` : "";
}
