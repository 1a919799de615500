/** What the semantic rules (semantic-*.ts) share about the scenario being checked. */
import type { RawIssue } from "./issues.js";

/** What the rules need to know about the scenario as a whole. */
export interface SemanticContext {
  readonly nodes: readonly string[] | undefined;
  readonly hasPg: boolean;
  readonly hasHorde: boolean;
  readonly hasProbe: boolean;
  /** The scenario has `cluster.app` (checks may observe the app's own pg scope or Horde). */
  readonly hasApp: boolean;
  /** The client op names (`f`) of `workload.clients`; undefined when the scenario has no clients. */
  readonly clientOps: readonly string[] | undefined;
  /** Global names from the workload and from `global_register` steps. */
  readonly globalNames: readonly string[];
  readonly report: (issue: RawIssue) => void;
}
