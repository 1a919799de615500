/**
 * What a cluster is asked for and what it reports, before any node runs: the options of
 * `startCluster` and their validation (`clusterSetup` draws the run's id, cookie and control
 * secret), the nodes' states and the events a started cluster emits. cluster.ts re-exports all
 * of it.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { AgentEvent } from "../agent/client.js";
import { UsageError } from "../errors.js";
import type { NodeIdentity } from "./backend.js";
import type { AppProcessOptions } from "./app-process.js";
import type { KernelFlags } from "./node-process.js";

export const NODE_NAME = /^[a-z][a-z0-9_]{0,30}$/;

export interface ClusterOptions {
  /** A count (names n1..nN) or the short names. 2..64 nodes. */
  nodes: number | readonly string[];
  /** Kernel flags for every node. Defaults: net_ticktime 4, prevent_overlapping_partitions true, net_setuptime 2, connect_all true. */
  kernel: Partial<KernelFlags>;
  /** The agents' reconnect loop: `{ intervalMs }` (default 500) or `false` for none. */
  reconnect: false | { intervalMs: number };
  /** Max time for every node to boot and the full mesh to form, in ms. Default 30000. */
  bootTimeoutMs: number;
  /** Where node logs and Toxiproxy's log go. Default: not kept. */
  logDir: string;
  /** Extra code paths for every node (e.g. Horde's ebins). */
  extraCodePaths: readonly string[];
  /** Path of toxiproxy-server. Default: `TOXIPROXY_SERVER`, then `.netsplit/tools/bin`, then PATH. */
  toxiproxyServer: string;
  /**
   * Extra environment of a node's BEAM (an application under test's `env:`), called right
   * before each boot of the node. netsplit's own variables (NETSPLIT_*, HOME) always win.
   */
  nodeEnv: (node: NodeIdentity) => Record<string, string>;
  /** Host folders every node reaches at the same path (docker: bind mounts; local: nothing to do). */
  mounts: readonly { path: string; writable: boolean }[];
  /**
   * Who forms the cluster: "netsplit" (default: the agents dial their peers at boot and the boot
   * waits for the full mesh) or "app" (nobody dials for the app; the boot does not wait for a mesh).
   */
  formation: "netsplit" | "app";
  /**
   * The nodes are an application that starts itself (local runtime only): `{ app: { kind:
   * "release", releaseDir } }` runs the release's own `bin/<name> start` per node, `{ app: { kind:
   * "command", command, cwd } }` runs that command per node (`render` fills its placeholders).
   * netsplit's agent and routing go in through ERL_AFLAGS and NETSPLIT_* variables
   * (runtime/app-process.ts). Default: netsplit's own `erl` nodes.
   */
  appProcess: AppProcessOptions;
}

/** Who a node is, for `nodeEnv`. */
export type { NodeIdentity } from "./backend.js";

export type NodeState = "running" | "paused" | "stopped" | "killed";

export interface ClusterNode {
  readonly name: string;
  readonly fullName: string;
  readonly distPort: number;
  state: NodeState;
  /** Host PID of the node's BEAM (docker: of the container's main process). */
  pid: number;
  /** Where the harness reaches the agent (docker: a port mapped to the container's control port). */
  controlHost: string;
  controlPort: number;
  /** docker runtime: the node's container. */
  readonly containerId?: string;
}

/** Everything the cluster observes, as it happens. `at` is harness time, ms since the epoch. */
export type ClusterEvent =
  | { type: "node_event"; node: string; at: number; event: AgentEvent }
  | { type: "node_state"; node: string; at: number; state: NodeState; detail?: string }
  | { type: "agent_lost"; node: string; at: number; reason: string }
  /** Toxiproxy ended while the cluster was running: every link through it is gone. */
  | { type: "toxiproxy_lost"; at: number; reason: string };

export const DEFAULT_KERNEL: KernelFlags = { net_ticktime: 4, prevent_overlapping_partitions: true, net_setuptime: 2, connect_all: true };

export function expandNodes(nodes: number | readonly string[]): string[] {
  const names = typeof nodes === "number" ? Array.from({ length: nodes }, (_, i) => `n${i + 1}`) : [...nodes];
  if (names.length < 2 || names.length > 64) throw new UsageError("bad_node_count", `a cluster needs 2..64 nodes, got ${names.length}`);
  for (const n of names) {
    if (!NODE_NAME.test(n)) throw new UsageError("bad_node_name", `node name "${n}" is invalid: use lowercase letters, digits and _ (starting with a letter, at most 31 characters)`);
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError("duplicate_node", `node "${dup}" is listed twice`);
  return names;
}

export interface ClusterSetup {
  names: string[];
  kernel: KernelFlags;
  reconnectMs: number | null;
  bootTimeoutMs: number;
  logDir: string | undefined;
  extraCodePaths: string[];
  /** Marks everything this run starts (process command lines, container labels). */
  runId: string;
  cookie: string;
  secret: string;
  nodeEnv: ((node: NodeIdentity) => Record<string, string>) | undefined;
  mounts: readonly { path: string; writable: boolean }[];
  formation: "netsplit" | "app";
  appProcess: AppProcessOptions | undefined;
}

/** Validates the options and draws the run's id, cookie and control secret. */
export function clusterSetup(options: Partial<ClusterOptions> & Pick<ClusterOptions, "nodes">): ClusterSetup {
  const names = expandNodes(options.nodes);
  const logDir = options.logDir;
  if (logDir) mkdirSync(logDir, { recursive: true });
  return {
    names,
    kernel: { ...DEFAULT_KERNEL, ...options.kernel },
    reconnectMs: options.reconnect === false ? null : (options.reconnect?.intervalMs ?? 500),
    bootTimeoutMs: options.bootTimeoutMs ?? 30_000,
    logDir,
    extraCodePaths: [...(options.extraCodePaths ?? [])],
    runId: `netsplit-${randomBytes(6).toString("hex")}`,
    cookie: randomBytes(24).toString("hex"),
    secret: randomBytes(32).toString("hex"),
    nodeEnv: options.nodeEnv,
    mounts: [...(options.mounts ?? [])],
    formation: options.formation ?? "netsplit",
    appProcess: options.appProcess,
  };
}

/** Options of `startCluster`: the cluster's, plus the docker runtime's (ignored by the local one). */
export type AnyClusterOptions = Partial<ClusterOptions> & Pick<ClusterOptions, "nodes"> & {
  /** Progress lines (image builds, sweeps) of the docker runtime. */
  progress?: (line: string) => void;
};
