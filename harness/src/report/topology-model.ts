/** The cluster's topology over time, as the report draws it (derived by topology.ts). */

export type CellState = "up" | "down" | "dead";
export type NodeRunState = "running" | "paused" | "stopped" | "killed";

export interface ViewInterval {
  /** The observer. */
  node: string;
  peer: string;
  state: CellState;
  fromMs: number;
  toMs: number;
  /** Taken from the peer's events (the observer had just restarted and had not said yet). */
  inferred: boolean;
}

export interface NodeMark {
  node: string;
  peer: string;
  kind: "nodeup" | "nodedown";
  atMs: number;
  reason?: string;
}

export interface NodeStateInterval {
  node: string;
  state: Exclude<NodeRunState, "running">;
  fromMs: number;
  toMs: number;
  detail?: string;
}

export interface FaultWindow {
  id: number;
  step: string;
  kind: string;
  label: string;
  startMs: number;
  appliedMs: number;
  /** When the fault was healed, or the end of the run when it never was (`open`). */
  endMs: number;
  open: boolean;
  healedBy?: string;
  /** The lanes the fault touches. */
  nodes: string[];
  pairs: [string, string][];
  directions: string[];
  nemesis: boolean;
}

/** A heal, resume or restart: an instant on the fault row. */
export interface FaultMark {
  step: string;
  kind: string;
  label: string;
  atMs: number;
  appliedMs: number;
  nodes: string[];
}

export interface Observation {
  node: string;
  peer: string;
  /** From the fault's start. */
  ms: number;
  reason: string;
}

export interface Detection {
  faultId: number;
  step: string;
  kind: string;
  label: string;
  atMs: number;
  expected: number;
  observed: Observation[];
  missing: { node: string; peer: string }[];
}

export interface Convergence {
  step: string;
  label: string;
  /** When the heal was applied. */
  atMs: number;
  /** Heal to full mesh (every running node sees every other); null when it never re-meshed before the next fault or the end. */
  meshMs: number | null;
}

export type MatrixCell = CellState | "self";

export interface ViewSnapshot {
  label: string;
  atMs: number;
  /** observer -> peer -> state. */
  matrix: Record<string, Record<string, MatrixCell>>;
}

export interface Topology {
  nodes: string[];
  readyMs: number | null;
  endMs: number;
  faults: FaultWindow[];
  marks: FaultMark[];
  nodeMarks: NodeMark[];
  views: ViewInterval[];
  nodeStates: NodeStateInterval[];
  detections: Detection[];
  convergence: Convergence[];
  snapshots: ViewSnapshot[];
  /** Intervals during which every running node saw every other. */
  mesh: { fromMs: number; toMs: number }[];
}
