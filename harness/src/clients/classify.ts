/**
 * How one reply of the agent's `call` op becomes a completion (Jepsen's ok / fail / info):
 *
 *   returned, class error or false     fail   definitely did not happen (unless the reason is
 *                                             listed in the op's `indeterminate`: then info)
 *   returned, anything else            ok     value = the reply's `value` when the agent could
 *                                             give it as data, else the printed term
 *   timeout                            info   the agent killed the call: it may have had effects
 *   raised                             info   it may have had effects before raising
 *   the request was refused            fail   (no such module or function: nothing ran)
 *   the agent did not answer           info   (connection lost, harness guard): unknown outcome
 */
import type { CallReply } from "../agent/ops.js";

export interface Completion {
  type: "ok" | "fail" | "info";
  /** ok: the result. */
  value?: unknown;
  error?: string;
}

export function classifyReply(reply: CallReply, timeoutMs: number, indeterminate: readonly string[] = []): Completion {
  switch (reply.outcome) {
    case "timeout": return { type: "info", error: `did not return within ${timeoutMs} ms` };
    case "raised": return { type: "info", error: `raised ${firstLine(reply.printed)}` };
    case "returned": {
      if (reply.class === "error" || reply.class === "false") {
        const reason = reply.reason ?? reply.printed;
        const maybe = indeterminate.some((p) => reason.startsWith(p) || reply.printed.startsWith(p));
        return { type: maybe ? "info" : "fail", error: `returned ${firstLine(reply.printed)}` };
      }
      return { type: "ok", value: reply.value !== undefined ? reply.value : reply.printed };
    }
  }
}

/** What a call that threw becomes: a refused request did not run; anything else may have. */
export function classifyError(err: unknown): Completion {
  const message = firstLine((err as Error)?.message ?? String(err));
  const refused = /is not exported|no module|not loaded|no function|must be/.test(message);
  return { type: refused ? "fail" : "info", error: refused ? `refused: ${message}` : `no answer: ${message}` };
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}
