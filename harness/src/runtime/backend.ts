/**
 * What a runtime provides to a StartedCluster. The cluster itself (agents, views, events,
 * waits, fault bookkeeping) is the same everywhere; a backend only knows how to run Toxiproxy
 * and the node instances:
 *
 *   local:  toxiproxy-server + `erl` child processes on loopback      (runtime/local.ts)
 *   docker: a network, a Toxiproxy container, one container per node  (runtime/docker/)
 *
 * A remote Docker host or Kubernetes would be one more backend.
 */
import type { StartedToxiproxyServer } from "../toxiproxy/server.js";

export interface NodeExit {
  code: number | null;
  signal: string | null;
}

/** One boot of a node: a process, or one start of its container. A restart makes a new one. */
export interface NodeInstance {
  /** Host PID of the node's BEAM (a container's main process as the host sees it). */
  readonly pid: number;
  /** Where the harness reaches the agent's control server. */
  readonly controlHost: string;
  readonly controlPort: number;
  /** The container, for runtimes that have one. */
  readonly containerId?: string;
  /** Resolves when this instance has ended, however it ended. */
  readonly exited: Promise<NodeExit>;
  /** SIGKILL (docker kill); resolves once it is gone. */
  kill(): Promise<void>;
  /** Graceful stop (SIGTERM: OTP runs init:stop), SIGKILL after `graceMs`; resolves once gone. */
  stop(graceMs: number): Promise<void>;
  /** SIGSTOP (docker pause). */
  pause(): Promise<void>;
  /** SIGCONT (docker unpause). */
  resume(): Promise<void>;
}

export interface ClusterBackend {
  /** Its name in runtime/registry.ts. */
  readonly runtime: string;
  /** docker: the engine the run's containers are on (DOCKER_HOST, or unix:///var/run/docker.sock). */
  readonly engine?: string;
  /** The Toxiproxy every distribution connection crosses, and its API. */
  readonly toxiproxy: StartedToxiproxyServer;
  /** Proxy name -> "host:port" it listens on (as the nodes see it). */
  readonly proxyListen: ReadonlyMap<string, string>;
  /** `n1` -> `n1@127.0.0.1` (local) or `n1@n1.netsplit` (docker). */
  fullName(name: string): string;
  /** The node's real distribution port (where its proxies forward to). */
  distPort(name: string): number;
  /** Starts node `name` (again, after a stop) and resolves when its agent printed ready. */
  startNode(name: string): Promise<NodeInstance>;
  /** Best effort, synchronous (signal handlers): kill what can be killed right now. */
  abortSync(): void;
  /** Stops every node instance, Toxiproxy and whatever else it created. Idempotent; never throws. */
  stop(): Promise<void>;
}

/** Who a node is in its cluster: what its environment and its application's templates are made from. */
export interface NodeIdentity {
  readonly name: string;
  readonly fullName: string;
  /** 1-based position in the cluster. */
  readonly index: number;
  readonly distPort: number;
  /** Every node of the cluster, short names in cluster order. */
  readonly names: readonly string[];
  readonly fullNameOf: (name: string) => string;
}
