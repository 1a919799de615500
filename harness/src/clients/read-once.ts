/**
 * The `readOnce` of the final read phase (`finalRead`), built from the same `call` the clients
 * use: each attempt asks one running node (attempt k asks the k-th running node, cycling, so a
 * node that keeps failing does not decide the verdict alone) and resolves with the result as
 * data (the reply's `value`, else its printed term), or rejects with one sentence when the call
 * did not return ok. Judging the value is the checker's business, not this one's.
 */
import { classifyError, classifyReply } from "./classify.js";
import type { ClientDeps } from "./runner.js";
import type { ClientCall } from "./types.js";

export interface ReadSpec {
  call: ClientCall;
  args?: readonly unknown[];
  timeoutMs: number;
  /** The nodes to ask; default every node of the cluster. */
  nodes?: readonly string[];
}

export function readOnceVia(deps: Pick<ClientDeps, "call" | "nodeState" | "nodes">, spec: ReadSpec): () => Promise<unknown> {
  let attempt = 0;
  return async () => {
    const candidates = (spec.nodes ?? deps.nodes).filter((n) => deps.nodeState(n) === "running");
    if (candidates.length === 0) throw new Error(`no node is running to call ${spec.call.text} on`);
    const node = candidates[attempt++ % candidates.length]!;
    const done = await deps.call(node, spec.call.module, spec.call.function, [...(spec.args ?? [])], spec.timeoutMs)
      .then((r) => classifyReply(r, spec.timeoutMs), classifyError);
    if (done.type !== "ok") throw new Error(`${spec.call.text} on ${node} ${done.error ?? done.type}`);
    return done.value;
  };
}
