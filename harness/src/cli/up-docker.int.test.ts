/**
 * `netsplit up --runtime docker` against a real Docker engine: the same output as the local
 * runtime (every node, how to reach it, the Toxiproxy API and a cut by hand, then node events),
 * with `docker exec` lines that work as printed, and Ctrl-C removing every container and the
 * network of the run. Skipped, with the reason in the test name, where no engine answers.
 */
import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { dockerClient, dockerUnavailableReason, type Dockerode } from "../runtime/docker/engine.js";
import { ensureImages } from "../runtime/docker/images.js";
import { LABEL } from "../runtime/docker/labels.js";
import { REPO_ROOT } from "../util/paths.js";

const run = promisify(execFile);
const unavailable = await dockerUnavailableReason();
if (unavailable) console.warn(`netsplit up --runtime docker tests skipped: ${unavailable}`);

let docker: Dockerode;
beforeAll(async () => {
  if (unavailable) return;
  docker = (await dockerClient()).client.container.dockerode;
  await ensureImages({ progress: (l) => console.log(l) }); // image builds are not the test's time
}, 300_000);

async function labelled(runId: string): Promise<{ containers: string[]; networks: string[] }> {
  const filters = JSON.stringify({ label: [`${LABEL.run}=${runId}`] });
  const containers = (await docker.listContainers({ all: true, filters })).map((c) => c.Names[0]!.replace(/^\//, ""));
  const networks = (await docker.listNetworks({ filters })).map((n) => n.Name);
  return { containers, networks };
}

describe.skipIf(unavailable !== null)(`netsplit up --runtime docker${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  it("prints every node with its container and a docker exec shell that works, streams events, and Ctrl-C removes the containers and network", async () => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, "bin/netsplit.js"), "up", "--nodes", "3", "--runtime", "docker"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await expect.poll(() => out, { timeout: 90_000, interval: 100 }).toContain("Node events follow");
      console.log(out);
      const runId = /label=netsplit\.run=(netsplit-[0-9a-f]+)/.exec(out)![1]!;
      for (const n of ["n1", "n2", "n3"]) {
        expect(out).toContain(`${n}@${n}.netsplit  container ${runId}-${n}  dist port 9100 (on network ${runId})`);
        expect(out).toContain(`  docker exec -it ${runId}-${n} netsplit_agent remote\n`);
      }
      // the containers printed are this run's, running
      const before = await labelled(runId);
      expect(before.containers.sort()).toEqual([`${runId}-n1`, `${runId}-n2`, `${runId}-n3`, `${runId}-toxiproxy`].sort());
      expect(before.networks).toEqual([runId]);
      // the printed one-expression line works as printed: a hidden node in n1's container asks n1
      const rpcLine = /One expression without a shell: {2}docker exec (\S+) netsplit_agent rpc '(.*)'\n/.exec(out)!;
      expect(rpcLine[1]).toBe(`${runId}-n1`);
      const rpc = await run("docker", ["exec", rpcLine[1]!, "netsplit_agent", "rpc", rpcLine[2]!], { timeout: 30_000 });
      expect(rpc.stdout.trim()).toBe(`[:"n2@n2.netsplit", :"n3@n3.netsplit"]`);
      // the printed cut, as printed (the Toxiproxy API is mapped to this machine), shows up as events
      const api = /Toxiproxy API: (http:\/\/127\.0\.0\.1:\d+) /.exec(out)![1]!;
      const cut = /Cut n1 from n2 by hand: {2}(.*)\n/.exec(out)![1]!;
      expect(cut).toContain(`${api}/proxies/n1_to_n2`);
      await run("sh", ["-c", cut], { timeout: 10_000 });
      await expect.poll(() => out, { timeout: 10_000, interval: 100 }).toMatch(/ n[12]: nodedown n[12]@n[12]\.netsplit connection_closed/);
      const cutAt = out.search(/ n[12]: nodedown n[12]@n[12]\.netsplit/);
      await run("curl", ["-s", "-XPOST", `${api}/reset`], { timeout: 10_000 });
      await expect.poll(() => out.slice(cutAt), { timeout: 10_000, interval: 100 }).toMatch(/ n[12]: nodeup n[12]@n[12]\.netsplit/);
      // Ctrl-C: exit 130 once the containers and the network are gone
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(out).toContain(`netsplit: SIGINT received, removing the containers and network of ${runId}...`);
      expect(out).toMatch(/netsplit: everything removed \(\d+ ms\)/);
      expect(await labelled(runId)).toEqual({ containers: [], networks: [] });
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 180_000);
});

describe("netsplit up --runtime", () => {
  it("refuses a runtime it does not know with exit 254", async () => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, "bin/netsplit.js"), "up", "--runtime", "podman"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(254);
    expect(err).toContain('--runtime must be local or docker, got "podman"');
  });
});
