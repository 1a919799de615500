/**
 * Removing containers and networks by label. `removeRun` is how a run ends (and what SIGINT or
 * SIGTERM does): everything labelled with its run id. `sweepDockerLeftovers` runs at the start of
 * every docker run and removes what runs whose harness died (SIGKILL, crash, power loss) left
 * behind: resources labelled `netsplit=1` whose `netsplit.owner` is no longer alive (and build-step
 * containers an engine failed to remove, see staleBuildSteps).
 */
import { LABEL, ownerState } from "./labels.js";
import type { Dockerode } from "./engine.js";

export interface Removed {
  containers: string[];
  networks: string[];
  /** Networks the engine would not remove although no container is attached (stuckNetworksText). */
  stuck: string[];
}

interface Listed {
  id: string;
  name: string;
  labels: Record<string, string>;
}

async function listContainers(docker: Dockerode, label: string): Promise<Listed[]> {
  const list = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [label] }) });
  return list.map((c) => ({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ""), labels: c.Labels ?? {} }));
}

async function listNetworks(docker: Dockerode, label: string): Promise<Listed[]> {
  const list = await docker.listNetworks({ filters: JSON.stringify({ label: [label] }) });
  return list.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} }));
}

function isGone(err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode;
  return status === 404 || status === 409 && /already in progress/.test(String((err as Error).message));
}

async function removeContainers(docker: Dockerode, items: Listed[]): Promise<string[]> {
  await Promise.all(items.map((c) => docker.getContainer(c.id).remove({ force: true, v: true }).catch((err: unknown) => {
    if (!isGone(err)) throw err;
  })));
  return items.map((c) => c.name);
}

/** The engine refused to remove a network that a container is still attached to. */
function hasActiveEndpoints(err: unknown): boolean {
  return (err as { statusCode?: number }).statusCode === 403 && /active endpoints/.test(String((err as Error).message));
}

/** A run's own stop waits this long for its containers' endpoints to go. */
const ACTIVE_ENDPOINTS_WAIT_MS = 3_000;
/** However it goes, a network's removal gives up (and fails) after this. */
const NETWORK_REMOVAL_LIMIT_MS = 20_000;

/**
 * Removes a network of ours. A container whose removal is still in progress (another remover's
 * "already in progress" counts as gone above) holds its endpoint for a moment, and the engine
 * answers 403 "has active endpoints": the containers still attached, which are the run's own
 * (nothing else joins its network), are removed again and the removal retried. An engine can also
 * leak an endpoint (seen once with Docker 20.10 in a CI run: 403 with no container attached, until
 * the engine restarted): after `waitMs` such a network is "stuck", kept and reported, not an error.
 */
async function removeNetwork(docker: Dockerode, id: string, waitMs: number): Promise<"removed" | "stuck"> {
  const start = Date.now();
  for (;;) {
    try {
      await docker.getNetwork(id).remove();
      return "removed";
    } catch (err) {
      if (isGone(err)) return "removed";
      if (!hasActiveEndpoints(err) || Date.now() - start > NETWORK_REMOVAL_LIMIT_MS) throw err;
    }
    const info = (await docker.getNetwork(id).inspect().catch(() => ({}))) as { Containers?: Record<string, unknown> };
    const attached = Object.keys(info.Containers ?? {});
    if (attached.length === 0 && Date.now() - start >= waitMs) return "stuck";
    await removeContainers(docker, attached.map((c) => ({ id: c, name: c, labels: {} })));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function removeNetworks(docker: Dockerode, items: Listed[], waitMs: number): Promise<{ networks: string[]; stuck: string[] }> {
  const outcomes = await Promise.all(items.map(async (n) => ({ name: n.name, outcome: await removeNetwork(docker, n.id, waitMs) })));
  return {
    networks: outcomes.filter((o) => o.outcome === "removed").map((o) => o.name),
    stuck: outcomes.filter((o) => o.outcome === "stuck").map((o) => o.name),
  };
}

/** What to say about networks the engine kept with a leaked endpoint. */
export function stuckNetworksText(stuck: readonly string[]): string {
  return `the Docker engine keeps network${stuck.length > 1 ? "s" : ""} ${stuck.join(", ")} with an endpoint it leaked (no container is attached): restarting the engine frees ${stuck.length > 1 ? "them" : "it"}, and the next run's sweep removes ${stuck.length > 1 ? "them" : "it"} then`;
}

/** Removes every container, then every network, labelled with this run id. */
export async function removeRun(docker: Dockerode, runId: string): Promise<Removed> {
  const selector = `${LABEL.run}=${runId}`;
  const containers = await removeContainers(docker, await listContainers(docker, selector));
  const { networks, stuck } = await removeNetworks(docker, await listNetworks(docker, selector), ACTIVE_ENDPOINTS_WAIT_MS);
  return { containers, networks, stuck };
}

/** Build-step containers older than this are no build's any more (a step takes seconds). */
const STALE_BUILD_STEP_S = 600;

/**
 * The classic builder makes a container per Dockerfile step and removes it (we build with rm and
 * forcerm, and a cancelled build is removed too: build.int.test.ts). Should an engine fail to,
 * what is left is never started, runs a "#(nop)" step and carries our images' netsplit.image label.
 */
async function staleBuildSteps(docker: Dockerode): Promise<Listed[]> {
  const list = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [LABEL.image], status: ["created"] }) });
  return list
    .filter((c) => c.Command.includes("#(nop)") && Date.now() / 1000 - c.Created > STALE_BUILD_STEP_S)
    .map((c) => ({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ""), labels: c.Labels ?? {} }));
}

/** Removes what dead harnesses left behind; resources of live harnesses (and other machines') stay. */
export async function sweepDockerLeftovers(docker: Dockerode): Promise<Removed & { kept: number }> {
  const selector = `${LABEL.netsplit}=1`;
  const [containers, networks, buildSteps] = await Promise.all([listContainers(docker, selector), listNetworks(docker, selector), staleBuildSteps(docker)]);
  const orphan = (x: Listed) => x.labels[LABEL.run] !== undefined && ownerState(x.labels[LABEL.owner]) === "dead";
  const removedContainers = await removeContainers(docker, [...containers.filter(orphan), ...buildSteps]);
  // a dead harness's network: nothing of ours is being removed there any more, so no wait
  const { networks: removedNetworks, stuck } = await removeNetworks(docker, networks.filter(orphan), 0);
  const kept = containers.length + buildSteps.length - removedContainers.length + networks.length - removedNetworks.length;
  return { containers: removedContainers, networks: removedNetworks, stuck, kept };
}
