/**
 * Labels on everything the docker runtime creates, so that it can always be found again:
 *
 *   netsplit=1                     every container and network of a run
 *   netsplit.run=<runId>           which run (the end of a run removes exactly these)
 *   netsplit.owner=<host>/<pid>/<start>   the harness process that made it: a sweep removes
 *                                  only what belongs to a harness that is no longer alive, so
 *                                  two runs on one engine never remove each other's containers
 *   netsplit.role=toxiproxy|node, netsplit.node=<name>
 *
 * Images carry `netsplit.image=<kind>` (and no `netsplit=1`, which every container made from
 * them would inherit: the containers of docker-compose.yml are not a run's and are never swept).
 */
import { readFileSync } from "node:fs";
import os from "node:os";

export const LABEL = {
  netsplit: "netsplit",
  run: "netsplit.run",
  owner: "netsplit.owner",
  role: "netsplit.role",
  node: "netsplit.node",
  image: "netsplit.image",
  source: "netsplit.source",
} as const;

/** The start time of a process in clock ticks since boot (/proc/<pid>/stat field 22), or null. */
export function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/** This harness process, as `netsplit.owner` records it. */
export function ownerToken(pid = process.pid, host = os.hostname()): string {
  return `${host}/${pid}/${processStartTicks(pid) ?? "?"}`;
}

export type OwnerState = "alive" | "dead" | "elsewhere";

/**
 * Whether the harness that created a resource still runs. "elsewhere" means another machine
 * (a shared engine): we cannot tell, so a sweep leaves it alone. A pid that now belongs to a
 * different process (other start time) counts as dead.
 */
export function ownerState(token: string | undefined, host = os.hostname()): OwnerState {
  const m = /^(.*)\/(\d+)\/([^/]+)$/.exec(token ?? "");
  if (!m) return "dead";
  const [, tokenHost, pid, start] = m;
  if (tokenHost !== host) return "elsewhere";
  const now = processStartTicks(Number(pid));
  return now !== null && now === start ? "alive" : "dead";
}

/** The labels of a run's containers and network. */
export function runLabels(runId: string, owner = ownerToken()): Record<string, string> {
  return { [LABEL.netsplit]: "1", [LABEL.run]: runId, [LABEL.owner]: owner };
}
