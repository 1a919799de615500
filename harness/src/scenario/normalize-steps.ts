/** Builds the model's steps and checks from validated file values (see model.ts). */
import { ms } from "./durations.js";
import { callNodes, callSpec, expectText } from "./normalize-app.js";
import type { IssuePath } from "./issues.js";
import type { Check, Link, NodeName, PartitionShape, SourceRef, Step } from "./model.js";
import type { CheckItemFile, CheckName } from "./schema-checks.js";
import { DEFAULTS } from "./schema-common.js";
import { historyCheckFromYaml } from "../clients/yaml.js";
import type { StepFile } from "./schema-steps.js";

export interface BuildContext {
  readonly nodes: readonly NodeName[];
  /** Every global name of the workload and the global_register steps, in order, without repeats. */
  readonly globalNames: readonly string[];
  readonly at: (path: IssuePath) => SourceRef;
}

export { ms } from "./durations.js";

export function nodeList(value: string | readonly string[] | undefined, all: readonly NodeName[]): readonly NodeName[] {
  if (value === undefined) return all;
  return typeof value === "string" ? [value] : [...value];
}

/** Every pair of distinct nodes, in cluster order. */
export function allLinks(nodes: readonly NodeName[]): Link[] {
  return nodes.flatMap((a, i) => nodes.slice(i + 1).map((b): Link => [a, b]));
}

function links(value: "all" | readonly (readonly string[])[], nodes: readonly NodeName[]): { links: readonly Link[]; allLinks: boolean } {
  if (value === "all") return { links: allLinks(nodes), allLinks: true };
  return { links: value.map((pair): Link => [pair[0] ?? "", pair[1] ?? ""]), allLinks: false };
}

type Partition = NonNullable<StepFile["partition"]>;

function partitionShape(p: Partition): PartitionShape {
  if (p.groups !== undefined) return { kind: "groups", groups: p.groups.map((g) => [...g]) };
  if (p.isolate !== undefined) return { kind: "isolate", nodes: nodeList(p.isolate, []) };
  if (p.halves !== undefined) return { kind: "halves" };
  if (p.bridge !== undefined) return { kind: "bridge", node: p.bridge };
  if (p.majorities_ring !== undefined) return { kind: "majorities_ring" };
  const grudge = new Map<NodeName, readonly NodeName[]>();
  for (const [node, targets] of Object.entries((p.grudge ?? {}) as Record<string, string[]>)) grudge.set(node, [...targets]);
  return { kind: "grudge", grudge };
}

export function buildCheck(item: CheckItemFile, path: IssuePath, ctx: BuildContext): Check {
  const [entry] = Object.entries(item) as [CheckName, Record<string, unknown> | null][];
  if (entry === undefined) throw new Error("internal: empty check");
  const [name, raw] = entry;
  const options = raw ?? {};
  const at = ctx.at(path);
  const withinMs = ms(options["within"] as string | number | undefined, DEFAULTS.checkWithin);
  switch (name) {
    case "cluster.sees": {
      const expected = new Map<NodeName, readonly NodeName[]>();
      for (const [node, seen] of Object.entries(options)) if (node !== "within") expected.set(node, [...(seen as string[])]);
      return { name, withinMs, expected, at };
    }
    case "global.names_unique": {
      const names = (options["names"] as "all" | string[] | undefined) ?? ctx.globalNames;
      return { name, withinMs, names: names === "all" ? "all" : [...names], at };
    }
    case "pg.converged": case "pg.partitioned": {
      const scope = options["scope"] as string | undefined;
      const groups = options["groups"] as "all" | string[] | undefined;
      return { name, withinMs, scope, groups: scope === undefined || groups === undefined || groups === "all" ? "all" : [...groups], at };
    }
    case "horde.unique": case "horde.no_loss":
      return { name, withinMs, registry: options["registry"] as string | undefined, supervisor: options["supervisor"] as string | undefined, at };
    case "invariant": {
      const o = options as NonNullable<CheckItemFile["invariant"]>;
      return {
        name, call: callSpec(o.call, o.args), nodes: callNodes(o.on), withinMs: ms(o.within, DEFAULTS.invariantWithin),
        timeoutMs: ms(o.timeout, DEFAULTS.callTimeout), expect: expectText(o.expect), at,
      };
    }
    case "history.set": case "history.counter": case "history.unique_ids": case "history.availability": case "history.exactly_once":
      return { ...historyCheckFromYaml(name, raw), at };
    case "global.blocking":
      return { name, maxMs: options["max_ms"] as number | undefined, minMs: options["min_ms"] as number | undefined, at };
    default:
      return { name, withinMs, at };
  }
}

export function buildSteps(steps: readonly StepFile[], path: IssuePath, ctx: BuildContext): Step[] {
  return steps.map((step, i) => buildStep(step, [...path, i], ctx));
}

function buildStep(step: StepFile, path: IssuePath, ctx: BuildContext): Step {
  const [kind] = Object.keys(step) as (keyof StepFile)[];
  if (kind === undefined) throw new Error("internal: empty step");
  const at = ctx.at(path);
  const { nodes } = ctx;
  const s = step as Required<StepFile>;
  switch (kind) {
    case "partition":
      return { kind, shape: partitionShape(s.partition), mode: s.partition.mode ?? DEFAULTS.partitionMode, at };
    case "oneway":
      return { kind, from: nodeList(s.oneway.from, nodes), to: nodeList(s.oneway.to, nodes), mode: s.oneway.mode ?? DEFAULTS.partitionMode, at };
    case "delay":
      return { kind, ...links(s.delay.links, nodes), latencyMs: s.delay.latency_ms, jitterMs: s.delay.jitter_ms ?? DEFAULTS.jitterMs, at };
    case "bandwidth":
      return { kind, ...links(s.bandwidth.links, nodes), rateKbps: s.bandwidth.rate_kbps, at };
    case "pause_link":
      return { kind, ...links(s.pause_link.links, nodes), at };
    case "limit_data":
      return { kind, ...links(s.limit_data.links, nodes), bytes: s.limit_data.bytes, at };
    case "kill": case "stop": case "restart": case "pause": case "resume":
      return { kind, nodes: nodeList(s[kind], nodes), at };
    case "heal":
      return { kind, links: s.heal === "all" ? "all" : links(s.heal.links, nodes).links, at };
    case "global_register":
      return { kind, name: s.global_register.name, nodes: nodeList(s.global_register.on, nodes), at };
    case "wait": {
      const wait = s.wait;
      if (typeof wait === "object") {
        const { until } = wait;
        return {
          kind: "wait_until",
          until: typeof until === "string" ? until
            : { kind: "call", call: callSpec(until.call, until.args), nodes: callNodes(until.on), expect: expectText(until.expect) },
          timeoutMs: ms(wait.timeout, DEFAULTS.waitTimeout),
          at,
        };
      }
      return { kind, ms: ms(wait, "0ms"), at };
    }
    case "repeat":
      return { kind, times: s.repeat.times, steps: buildSteps(s.repeat.steps as StepFile[], [...path, kind, "steps"], ctx), at };
    case "nemesis":
      return {
        kind, faults: [...s.nemesis.faults], intervalMs: ms(s.nemesis.interval, "0ms"),
        durationMs: ms(s.nemesis.duration, "0ms"), mode: s.nemesis.mode ?? DEFAULTS.partitionMode, at,
      };
    case "check":
      return { kind, check: buildCheck(s.check, [...path, kind], ctx), at };
    case "log":
      return { kind, message: s.log, at };
  }
}
