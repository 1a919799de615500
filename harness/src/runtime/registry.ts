/**
 * The runtimes, named once. Each entry says what it is and how to start a cluster on it; a
 * runtime's code (and its dependencies: testcontainers for docker) loads only when asked for.
 *
 *   runtime/cluster.ts   StartedCluster: the same on every runtime (agents, views, faults)
 *        ▲         ▲
 *   local.ts    docker/cluster.ts     each a ClusterBackend + a start function
 *        ▲         ▲
 *   runtime/registry.ts  (this file) name -> start; the runner, the CLI and the library ask here
 *
 * Adding a runtime: a backend (backend.ts) and its start function in their own folder, plus
 * one entry here. The scenario schema's `cluster.runtime` list is checked against these names
 * by registry.test.ts.
 */
import { UsageError } from "../errors.js";
import type { AnyClusterOptions, StartedCluster } from "./cluster.js";

export interface RuntimeEntry {
  /** One line for `--help` and the docs. */
  readonly summary: string;
  start(options: AnyClusterOptions): Promise<StartedCluster>;
}

export const RUNTIMES = {
  local: {
    summary: "nodes are local OS processes on loopback",
    start: async (options) => (await import("./local.js")).startLocalCluster(options),
  },
  docker: {
    summary: "nodes run in Docker containers (through testcontainers)",
    start: async (options) => {
      if (options.appProcess) {
        throw new UsageError("app_runtime", `app.${options.appProcess.app.kind} runs on the local runtime only (netsplit does not build node images from it yet): use --runtime local`);
      }
      return (await import("./docker/cluster.js")).startDockerCluster(options);
    },
  },
} as const satisfies Record<string, RuntimeEntry>;

export type RuntimeName = keyof typeof RUNTIMES;

export const RUNTIME_NAMES = Object.keys(RUNTIMES) as RuntimeName[];

export function isRuntimeName(name: string): name is RuntimeName {
  return Object.hasOwn(RUNTIMES, name);
}

/** Starts a cluster on the given runtime. */
export function startCluster(runtime: RuntimeName, options: AnyClusterOptions): Promise<StartedCluster> {
  return RUNTIMES[runtime].start(options);
}
