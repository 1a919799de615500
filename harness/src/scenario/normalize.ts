/**
 * Turns a validated scenario file into the normalised model (model.ts): defaults applied,
 * durations in ms, node lists expanded, steps and checks tagged and located. Only called on
 * values that passed validation, so it does not check anything again.
 */
import type { IssuePath } from "./issues.js";
import type { ClusterSpec, NodeName, Scenario, SourceRef, Workload } from "./model.js";
import { buildApp } from "./normalize-app.js";
import { buildCheck, buildSteps, ms, nodeList, type BuildContext } from "./normalize-steps.js";
import type { ScenarioFile } from "./schema.js";
import { DEFAULTS } from "./schema-common.js";
import type { StepFile } from "./schema-steps.js";
import { clientsFromYaml } from "../clients/yaml.js";

export interface BuildOptions {
  /** The scenario name when the file gives none. */
  readonly defaultName: string;
  readonly source: { readonly file: string; readonly text: string };
  readonly at: (path: IssuePath, target?: "key" | "value") => SourceRef;
  /** The directory relative paths are resolved against: the scenario file's (the process cwd for JS objects). */
  readonly baseDir: string;
}

/** `nodes: 3` -> ["n1", "n2", "n3"]; a list is kept as written. */
export function expandNodes(nodes: number | readonly string[]): NodeName[] {
  return typeof nodes === "number" ? Array.from({ length: nodes }, (_, i) => `n${i + 1}`) : [...nodes];
}

function buildCluster(file: ScenarioFile, at: BuildOptions["at"], baseDir: string): ClusterSpec {
  const { cluster } = file;
  const kernel = cluster.kernel ?? {};
  const formation = cluster.formation ?? DEFAULTS.formation;
  const reconnect = formation === "app" ? false : cluster.reconnect ?? true;
  return {
    nodes: expandNodes(cluster.nodes),
    runtime: cluster.runtime ?? DEFAULTS.runtime,
    kernel: {
      netTicktimeSeconds: kernel.net_ticktime ?? DEFAULTS.netTicktimeSeconds,
      netSetuptimeSeconds: kernel.net_setuptime ?? DEFAULTS.netSetuptimeSeconds,
      preventOverlappingPartitions: kernel.prevent_overlapping_partitions ?? DEFAULTS.preventOverlappingPartitions,
      connectAll: kernel.connect_all ?? DEFAULTS.connectAll,
    },
    reconnect: reconnect === false ? false
      : { intervalMs: (reconnect === true ? undefined : reconnect.interval_ms) ?? DEFAULTS.reconnectIntervalMs },
    bootTimeoutMs: ms(cluster.boot_timeout, DEFAULTS.bootTimeout),
    app: buildApp(cluster.app, baseDir, at),
    formation,
    at: at(["cluster"], "key"),
  };
}

function buildWorkload(file: ScenarioFile, nodes: readonly NodeName[], at: BuildOptions["at"]): Workload {
  const workload = file.workload ?? {};
  const globals = (workload.global ?? []).map((item, i) => ({ item, path: ["workload", "global", i] as IssuePath }));
  return {
    pg: (workload.pg ?? []).map((pg, i) => ({
      scope: pg.scope ?? DEFAULTS.pgScope,
      group: pg.group,
      perNode: pg.per_node ?? DEFAULTS.pgPerNode,
      nodes: nodeList(pg.on, nodes),
      at: at(["workload", "pg", i]),
    })),
    globalNames: globals.flatMap(({ item, path }) =>
      "name" in item ? [{ name: item.name, node: item.on ?? nodes[0] ?? "", at: at(path) }] : []),
    globalProbes: globals.flatMap(({ item, path }) =>
      "probe" in item
        ? [{
            op: item.probe,
            everyMs: item.every_ms ?? DEFAULTS.probeEveryMs,
            timeoutMs: item.timeout_ms ?? DEFAULTS.probeTimeoutMs,
            nodes: nodeList(item.on, nodes),
            at: at(path),
          }]
        : []),
    horde: (workload.horde ?? []).map((horde, i) => ({
      keys: horde.keys,
      syncIntervalMs: horde.sync_interval_ms,
      distribution: horde.distribution ?? DEFAULTS.hordeDistribution,
      restart: horde.restart ?? DEFAULTS.hordeRestart,
      trapExit: horde.trap_exit ?? DEFAULTS.hordeTrapExit,
      at: at(["workload", "horde", i]),
    })),
    clients: workload.clients === undefined ? [] : clientsFromYaml(workload.clients),
  };
}

function registeredNames(steps: readonly StepFile[], into: string[]): void {
  for (const step of steps) {
    if (step.global_register !== undefined) into.push(step.global_register.name);
    if (step.repeat !== undefined) registeredNames(step.repeat.steps as StepFile[], into);
  }
}

/** Deep-freezes plain objects and arrays (Maps stay as they are: ReadonlyMap in the types). */
function freeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !(value instanceof Map) && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) freeze(child);
    Object.freeze(value);
  }
  if (value instanceof Map) for (const child of value.values()) freeze(child);
  return value;
}

/** Builds the normalised scenario from a file that passed validation. */
export function buildScenario(file: ScenarioFile, options: BuildOptions): Scenario {
  const cluster = buildCluster(file, options.at, options.baseDir);
  const workload = buildWorkload(file, cluster.nodes, options.at);
  const steps = (file.steps ?? []) as StepFile[];
  const names = workload.globalNames.map((g) => g.name);
  registeredNames(steps, names);
  const ctx: BuildContext = { nodes: cluster.nodes, globalNames: [...new Set(names)], at: options.at };
  return freeze<Scenario>({
    version: 1,
    name: file.name ?? options.defaultName,
    description: file.description?.trim(),
    seed: file.seed,
    source: { file: options.source.file, text: options.source.text },
    cluster,
    workload,
    steps: buildSteps(steps, ["steps"], ctx),
    checks: (file.checks ?? []).map((item, i) => buildCheck(item, ["checks", i], ctx)),
    limits: { runTimeoutMs: ms(file.limits?.run_timeout, DEFAULTS.runTimeout) },
  });
}
