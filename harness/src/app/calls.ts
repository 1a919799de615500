/**
 * Calls into the application under test: a user function (`MyApp.Check.no_duplicates/0`,
 * `:rabbit.is_running/0`) run inside a node by the agent's bounded `call` op, so it sees the
 * node's own view of the cluster (a partitioned node answers from its side). The outcome is
 * judged the same way everywhere (invariant checks, `wait: { until: { call } }`, `ready`):
 *
 *   returned :ok | {:ok, _} | true            pass
 *   returned {:error, r} | :error | false     fail, with r
 *   returned anything else                    fail (unless `expect:` names the printed value)
 *   raised, exited or timed out               unknown: the property could not be decided
 */
import type { CallReply } from "../agent/ops.js";
import type { CallSpec } from "../scenario/model.js";
import type { RunContext } from "../run/context.js";

export type CallVerdict = "pass" | "fail" | "unknown";

export interface CallOutcome {
  node: string;
  verdict: CallVerdict;
  /** What happened, for a sentence: `returned :ok`, `returned {:error, "x"}`, `timed out after 5000 ms`. */
  what: string;
  printed?: string;
  ms?: number;
  /** True when asking again cannot change it (the function does not exist, the node is down). */
  final?: boolean;
}

/** Judges one reply of the agent against the rules in the header (and `expect`, when given). */
export function judgeReply(node: string, reply: CallReply, timeoutMs: number, expect: string | undefined): CallOutcome {
  const base = { node, ms: Math.round(reply.us / 1000) };
  if (reply.outcome === "timeout") return { ...base, verdict: "unknown", what: `did not return within ${timeoutMs} ms` };
  if (reply.outcome === "raised") return { ...base, verdict: "unknown", what: `raised ${reply.printed}`, printed: reply.printed };
  const printed = reply.printed;
  const returned = `returned ${printed}`;
  if (expect !== undefined) {
    return printed.trim() === expect.trim()
      ? { ...base, verdict: "pass", what: returned, printed }
      : { ...base, verdict: "fail", what: `${returned}, expected ${expect}`, printed };
  }
  switch (reply.class) {
    case "ok": case "true": return { ...base, verdict: "pass", what: returned, printed };
    case "false": case "error": return { ...base, verdict: "fail", what: returned, printed };
    default: return { ...base, verdict: "fail", what: `${returned} (a check passes on :ok or true and fails on {:error, reason} or false; use \`expect:\` for other values)`, printed };
  }
}

/** Runs `call` on `node` and judges it. Never throws: an unreachable agent or a bad call is `unknown`. */
export async function callOn(ctx: RunContext, node: string, call: CallSpec, timeoutMs: number, expect: string | undefined): Promise<CallOutcome> {
  const state = ctx.cluster.node(node).state;
  if (state !== "running") return { node, verdict: "unknown", what: `cannot be asked: ${node} is ${state}`, final: true };
  try {
    const reply = await ctx.cluster.agent(node).call<CallReply>("call", { module: call.module, function: call.function, args: [...call.args], timeout_ms: timeoutMs }, timeoutMs + 5000);
    return judgeReply(node, reply, timeoutMs, expect);
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    // the agent refused the call itself (no such module or function): asking again cannot help
    const refused = /is not exported|no module|not loaded|no function/.test(message);
    return { node, verdict: "unknown", what: `could not be called: ${message}`, ...(refused ? { final: true } : {}) };
  }
}

/** The nodes a call goes to: `all` = every running node, in cluster order. */
export function callNodes(ctx: RunContext, nodes: "all" | readonly string[]): string[] {
  return nodes === "all" ? ctx.cluster.running() : [...nodes];
}

/** One verdict for several nodes: any fail fails, else any unknown is unknown, else pass. */
export function combine(outcomes: readonly CallOutcome[]): CallVerdict {
  if (outcomes.some((o) => o.verdict === "fail")) return "fail";
  if (outcomes.length === 0 || outcomes.some((o) => o.verdict === "unknown")) return "unknown";
  return "pass";
}

/** `n1, n2: returned :ok; n3: returned {:error, "2 coordinators"}` — nodes with the same outcome grouped. */
export function describeOutcomes(call: CallSpec, outcomes: readonly CallOutcome[]): string {
  const groups = new Map<string, string[]>();
  for (const o of outcomes) groups.set(o.what, [...(groups.get(o.what) ?? []), o.node]);
  const parts = [...groups].map(([what, nodes]) => `${nodes.join(", ")}: ${what}`);
  return `${call.text} ${parts.length === 1 && outcomes.length > 1 ? `on all ${outcomes.length} nodes ${[...groups.keys()][0]}` : `— ${parts.join("; ")}`}`;
}
