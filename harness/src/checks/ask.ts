/** Asking every running node the same question, with a short bound per node. */
import type { AgentOpName } from "../agent/ops.js";
import type { RunContext } from "../run/context.js";
import { runningNodes } from "../run/context.js";

export const ASK_TIMEOUT_MS = 2000;

export interface Answers<T> {
  answers: Map<string, T>;
  /** Nodes that did not answer, with why. */
  silent: Map<string, string>;
}

export async function askAll<T>(ctx: RunContext, op: AgentOpName, args: Record<string, unknown> = {}, nodes = runningNodes(ctx)): Promise<Answers<T>> {
  const settled = await Promise.allSettled(nodes.map((n) => ctx.cluster.agent(n).call<T>(op, args, ASK_TIMEOUT_MS)));
  // maps in cluster order, so every sentence built from them is the same from run to run
  const answers = new Map<string, T>();
  const silent = new Map<string, string>();
  settled.forEach((s, i) => {
    if (s.status === "fulfilled") answers.set(nodes[i]!, s.value);
    else silent.set(nodes[i]!, (s.reason as Error)?.message ?? String(s.reason));
  });
  return { answers, silent };
}

export function silentDetail(silent: Map<string, string>): string {
  return `could not ask ${[...silent.keys()].join(", ")}: ${[...silent.values()][0]}`;
}

export { shortName as short } from "../util/names.js";
export const list = (xs: Iterable<string>) => `[${[...xs].sort().join(", ")}]`;
