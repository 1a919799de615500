/**
 * The one registry of fault kinds (see kind.ts for the interface and the pipeline). The
 * runner's step executor, the nemesis, the report's recorders and its topology all read it;
 * adding a kind is one file in this folder plus one line here (and, for a new step, its
 * entry in the scenario schema).
 */
import type { FaultKind, FaultStep, FaultStepKind, NemesisRule } from "./kind.js";
import { bandwidth } from "./bandwidth.js";
import { delay } from "./delay.js";
import { globalRegister } from "./global-register.js";
import { heal } from "./heal.js";
import { kill } from "./kill.js";
import { limitData } from "./limit-data.js";
import { oneway } from "./oneway.js";
import { partition } from "./partition.js";
import { pause } from "./pause.js";
import { pauseLink } from "./pause-link.js";
import { restart } from "./restart.js";
import { resume } from "./resume.js";
import { stop } from "./stop.js";

export type { Drawn, FaultKind, FaultStep, FaultStepKind, HowApplied, NemesisRule, RecordedFault, ReportWords, RunnerStepKind } from "./kind.js";

/** Every fault kind by its step name. The type makes a step kind without an entry a compile error. */
export const FAULT_KINDS: { readonly [K in FaultStepKind]: FaultKind<FaultStep<K>> } = {
  partition,
  oneway,
  delay,
  bandwidth,
  pause_link: pauseLink,
  heal,
  kill,
  stop,
  restart,
  pause,
  resume,
  global_register: globalRegister,
  limit_data: limitData,
};

const ALL = Object.values(FAULT_KINDS) as FaultKind[];

export function isFaultStep<S extends { kind: string }>(step: S): step is Extract<S, FaultStep> {
  return Object.hasOwn(FAULT_KINDS, step.kind);
}

/** The kind of a fault step, typed for applying it. */
export function faultKindOf(step: FaultStep): FaultKind {
  return FAULT_KINDS[step.kind] as FaultKind;
}

/** The kinds a nemesis may draw, by name, with their rules. */
export function nemesisRule(kind: string): NemesisRule<FaultStep> | undefined {
  return (FAULT_KINDS as Record<string, FaultKind | undefined>)[kind]?.nemesis as NemesisRule<FaultStep> | undefined;
}

/** Step kinds that change the network or a node (the report's recorders snapshot Toxiproxy around them). */
export const CHANGING_STEP_KINDS: ReadonlySet<string> = new Set(ALL.filter((k) => k.drawn.as !== "none").map((k) => k.kind));

/**
 * How the report draws a `fault` entry of the history: by the kind it records and whether it
 * names nodes (a node `pause` and a link pause both record "pause"). undefined: unknown kind.
 */
export function drawnOf(entry: { readonly [field: string]: unknown }): FaultKind["drawn"] | undefined {
  return faultKindOfEntry(entry)?.drawn;
}

/** The fault kind that recorded a `fault` entry of the history, if known. */
export function faultKindOfEntry(entry: { readonly [field: string]: unknown }): FaultKind | undefined {
  const onNodes = Array.isArray(entry.nodes) && entry.nodes.length > 0;
  return ALL.find((k) => (k.recordedAs ?? k.kind) === entry.kind && isNodeDrawn(k.drawn) === onNodes);
}

function isNodeDrawn(d: FaultKind["drawn"]): boolean {
  return d.as === "node_down" || d.as === "node_bounce" || d.as === "node_up";
}
