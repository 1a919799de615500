/**
 * removeRun against a real engine: a run's network that a container is still attached to (its
 * removal not finished, or a container that joined late) is removed anyway, the container with
 * it, instead of failing the run's stop with the engine's 403 "has active endpoints". Skipped,
 * with the reason, where no engine answers.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { dockerClient, dockerUnavailableReason } from "./engine.js";
import { ensureImages } from "./images.js";
import { LABEL, runLabels } from "./labels.js";
import { removeRun } from "./sweep.js";

const unavailable = await dockerUnavailableReason();
if (unavailable) console.warn(`docker sweep test skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)("removeRun on a real engine", () => {
  it("removes a network that still has a container attached: the container goes first, no 403", async () => {
    const docker = (await dockerClient()).client.container.dockerode;
    const { set } = await ensureImages({ progress: (l) => console.log(l) });
    const runId = `netsplit-sweeptest-${randomBytes(4).toString("hex")}`;
    const labels = runLabels(runId);
    const network = await docker.createNetwork({ Name: runId, Labels: labels });
    // attached, running, and NOT labelled with the run: only the network ties it to the run, as
    // for a container whose removal is still in progress when the run's list was taken
    const container = await docker.createContainer({ Image: set.toxiproxy, HostConfig: { NetworkMode: runId }, Labels: { [LABEL.netsplit]: "1" } });
    try {
      await container.start();
      // what the engine says without the retry: the network has an active endpoint
      await expect(network.remove()).rejects.toThrow(/active endpoints/);
      const removed = await removeRun(docker, runId);
      expect(removed.networks).toEqual([runId]);
      expect(removed.stuck).toEqual([]);
      expect((await docker.listNetworks({ filters: JSON.stringify({ label: [`${LABEL.run}=${runId}`] }) })).length).toBe(0);
      await expect(container.inspect()).rejects.toThrow(/no such container/i);
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
      await network.remove().catch(() => undefined);
    }
  });
});
