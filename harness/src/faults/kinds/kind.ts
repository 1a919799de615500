/**
 * A fault kind: one file per kind in this folder, one object behind this interface, one line
 * in the registry (index.ts). Everything that deals with a kind asks the registry:
 *
 *   scenario YAML ─▶ scenario/ (schema, normalize) ─▶ Step { kind: "delay", ... }
 *                                                          │
 *             ┌────────────────────────────────────────────┤
 *             ▼                                            ▼
 *   runner/steps: FAULT_KINDS[kind]          runner/nemesis: kind.nemesis.draw(...)
 *             │      .apply(ctx, step, how)         │ a step of that kind, applied alike
 *             └──────────────┬──────────────────────┘
 *                            ▼
 *                   ┌──────────────────┐   cluster.faults (Toxiproxy toxics on both
 *                   │  FaultKind.apply │ ─▶ proxies of a pair) or cluster node actions
 *                   └──────────────────┘
 *                            │ records one "fault" entry { step, kind, startedAt, appliedAt, ... }
 *                            ▼
 *                      run/history ─▶ report/recorders (Toxiproxy counters around fault steps)
 *                                 ─▶ report/topology  (kind.drawn: a link fault, a cut, a node
 *                                                       fault, a heal, ... on the fault rows)
 *                                 ─▶ report/record    (kind.describe: the step's label)
 *
 * Times: `startedAt` is taken just before the fault is asked for and `appliedAt` when it is in
 * force, by the kind itself, whoever applies it (a step, the nemesis, the nemesis's undo).
 */
import type { RunContext } from "../../run/context.js";
import type { NodeAction, NodeActionStep, Step, StepKind } from "../../scenario/model.js";

/** The step kinds the runner executes itself; every other step kind is a fault kind. */
export type RunnerStepKind = "wait" | "wait_until" | "repeat" | "nemesis" | "check" | "log";
export type FaultStepKind = Exclude<StepKind, RunnerStepKind>;
/** The step of one fault kind (node actions share one step type: narrowed to the one kind). */
export type FaultStep<K extends FaultStepKind = FaultStepKind> = K extends NodeAction ? NodeActionStep & { readonly kind: K } : Extract<Step, { kind: K }>;

/** How a fault kind is applied this time. */
export interface HowApplied {
  /** The history's `step`: the step's path, `<path>#nemesis` or `nemesis` (the nemesis's undo). */
  readonly path: string;
  /** Drawn by a nemesis: its entries say so and its progress lines start with "nemesis". */
  readonly nemesis: boolean;
  /** Starts the scenario's workload on nodes that (re)started. */
  readonly startWorkloadOn: (nodes: readonly string[]) => Promise<void>;
}

/**
 * How the report draws a kind's `fault` entries:
 * - `link`: a window on the lanes of the pairs it touches until a heal; `cut` ones are
 *   expected to be detected (nodedown across them);
 * - `heal`: an instant that ends link windows;
 * - `node_down`: a window on the nodes' lanes until they run again (kill, stop, pause);
 * - `node_bounce`: a window that ends when applied (restart);
 * - `node_up`: an instant that ends node windows (resume);
 * - `none`: not a fault of the network or a node (global_register).
 */
export type Drawn =
  | { readonly as: "link"; readonly cut: boolean }
  | { readonly as: "heal" | "node_down" | "node_bounce" | "node_up" | "none" };

/** Whether and how a nemesis may pick a kind. */
export interface NemesisRule<S> {
  /**
   * A step of this kind aimed at `node` (drawn with the run's RNG), or null when it cannot be
   * applied now (e.g. a kill of a node that is not running). `mode` is the nemesis's cut mode.
   */
  draw(ctx: RunContext, node: string, mode: "blackhole" | "reset", at: Step["at"]): S | null;
  /**
   * How long a drawn fault lasts: `interval` (until the nemesis's next draw, when it is undone)
   * or `instant` (it undoes itself, e.g. a restart).
   */
  readonly lasts: "interval" | "instant";
}

/** A recorded link fault as the report reads it back from the history. */
export interface RecordedFault {
  readonly pairs: readonly (readonly [string, string])[];
  readonly directions: readonly string[];
  readonly mode: string | undefined;
}

/** How the report names a kind's fault windows (default: the step's description, else `<kind> <pairs>`). */
export interface ReportWords {
  /** What it is called before its pairs when the scenario does not describe the step, e.g. "lossless pause on". */
  readonly noun?: string;
  /** The window's whole label from its entry alone; wins over the step's description. */
  label?(fault: RecordedFault, clusterNodes: readonly string[]): string;
}

export interface FaultKind<S extends FaultStep = FaultStep> {
  readonly kind: S["kind"];
  /** The `kind` its history entries carry, when not its own name (pause_link records "pause"). */
  readonly recordedAs?: string;
  readonly drawn: Drawn;
  readonly report?: ReportWords;
  /** Applies the fault, records it in the history and the fault state, and says so in one progress line. */
  apply(ctx: RunContext, step: S, how: HowApplied): Promise<void>;
  /** The step in a few words for the report, e.g. "delay 200±20 ms on all links"; undefined when its entries say it. */
  describe(step: S): string | undefined;
  /** Absent: the nemesis never picks it. */
  readonly nemesis?: NemesisRule<S>;
}
