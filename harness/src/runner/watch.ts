/**
 * What the runner does with the cluster's events: one progress line for a person (nodeup,
 * nodedown, blocked global ops, ...), and stopping the run when a part of the harness fails.
 */
import path from "node:path";
import type { ClusterEvent, StartedCluster } from "../runtime/cluster.js";
import { shortName } from "../util/names.js";

/** One progress line for a cluster event, or null when it is not worth one. */
export function describeEvent(e: ClusterEvent): string | null {
  if (e.type === "node_state") return `${e.node} is ${e.state}${e.detail ? ` (${e.detail})` : ""}`;
  if (e.type === "agent_lost" || e.type === "toxiproxy_lost") return null;
  const ev = e.event;
  const peer = ev.node === undefined ? undefined : shortName(ev.node);
  switch (ev.event) {
    case "nodedown": return `${e.node}: nodedown ${peer} (${ev.reason})`;
    case "nodeup": return `${e.node}: nodeup ${peer}`;
    case "holder_exit": return `${e.node}: holder of "${String(ev.name)}" exited (${String(ev.reason)})`;
    case "global_op": return ev.status === "blocked" ? `${e.node}: global ${String(ev.op)} #${String(ev.seq)} is blocked` : null;
    case "op_late": return `${e.node}: a blocked global op finished after ${Math.round((Number(ev.ended_us) - Number(ev.started_us)) / 1000)} ms`;
    default: return null;
  }
}

/**
 * Stops the run, naming the cause, when a part of the harness fails on its own: Toxiproxy ends,
 * a node exits without a step asking for it, or an agent closes its control connection while
 * its node keeps running. Whatever the checks would say after that is not evidence.
 */
export function watchHarnessParts(c: StartedCluster, e: ClusterEvent, runDir: string, stopRun: (cause: string, fields: Record<string, unknown>) => void): void {
  const log = (file: string) => path.join(runDir, "logs", file);
  if (e.type === "toxiproxy_lost") {
    stopRun(`Toxiproxy died mid-run: ${e.reason}; every link through it is gone and no fault or heal can be applied (its log: ${log("toxiproxy.log")})`, { part: "toxiproxy" });
  } else if (e.type === "node_state" && e.state === "killed" && e.detail?.startsWith("exited unexpectedly")) {
    stopRun(`node ${e.node} ${e.detail} while no step stopped it (its log: ${log(`${e.node}.log`)})`, { part: "node", node: e.node });
  } else if (e.type === "agent_lost") {
    const node = c.nodes.find((n) => n.name === e.node);
    if (!node || (node.state !== "running" && node.state !== "paused")) return;
    // a node that died takes its agent with it: give its exit a moment to be the named cause
    setTimeout(() => {
      if (node.state === "running" || node.state === "paused") {
        stopRun(`the agent of ${e.node} closed its control connection (${e.reason}) while the node kept running; the harness cannot observe ${e.node} any more (its log: ${log(`${e.node}.log`)})`, { part: "agent", node: e.node });
      }
    }, 500).unref();
  }
}

/**
 * `NETSPLIT_FAULT_INJECT` entries for the harness itself (`action:harness:ms`), used by
 * netsplit's own tests to hold a phase open; the node agents read the same variable
 * (nodes/lib/netsplit/agent/fault_inject.ex). Returns the entry's ms, if any.
 */
export function injectedHarnessFault(action: string): number | undefined {
  for (const entry of (process.env.NETSPLIT_FAULT_INJECT ?? "").split(",")) {
    const [a, who, ms] = entry.split(":");
    if (a === action && who === "harness" && ms !== undefined && /^\d+$/.test(ms)) return Number(ms);
  }
  return undefined;
}
