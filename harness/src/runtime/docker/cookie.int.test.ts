/**
 * The docker runtime never exposes the run's cookie: not in any container's environment
 * (Config.Env), entrypoint, command or arguments, nor on the command line or in the environment
 * of any process in the containers. The nodes get it from a read-only bind-mounted file
 * (NETSPLIT_COOKIE_FILE) and mesh with it. Skipped, with the reason, where no engine answers.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { startCluster } from "../registry.js";
import { COOKIE_TARGET } from "./cluster.js";
import { dockerClient, dockerUnavailableReason } from "./engine.js";
import { ensureImages } from "./images.js";
import { LABEL } from "./labels.js";

const unavailable = await dockerUnavailableReason();
if (unavailable) console.warn(`docker cookie test skipped: ${unavailable}`);

describe.skipIf(unavailable !== null)("the run's cookie on the docker runtime", () => {
  it("is in no container's Config.Env, Entrypoint, Cmd or Args, nor in any process's command line or environment; the nodes mesh with it", async () => {
    const docker = (await dockerClient()).client.container.dockerode;
    await ensureImages({ progress: (l) => console.log(l) });
    await using cluster = await startCluster("docker", { nodes: 3, reconnect: { intervalMs: 200 } });
    expect(cluster.isMeshed()).toBe(true);
    const cookie = cluster.cookie;
    expect(cookie.length).toBeGreaterThan(20);

    const containers = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL.run}=${cluster.runId}`] }) });
    expect(containers.length).toBe(4); // 3 nodes and Toxiproxy
    let processes = 0;
    for (const c of containers) {
      const info = await docker.getContainer(c.Id).inspect();
      const config = { env: info.Config.Env, entrypoint: info.Config.Entrypoint, cmd: info.Config.Cmd, path: info.Path, args: info.Args };
      expect(JSON.stringify(config), `container ${info.Name}`).not.toContain(cookie);
      expect(JSON.stringify(config)).not.toMatch(/RELEASE_COOKIE/);
      // every process of the container: its command line, and its environment where readable
      const top = await docker.getContainer(c.Id).top({ ps_args: "-eo pid,args" }) as { Titles: string[]; Processes: string[][] };
      for (const row of top.Processes) {
        processes++;
        expect(row.join(" "), `a process of ${info.Name}`).not.toContain(cookie);
        const pid = Number(row[top.Titles.indexOf("PID")] ?? row[0]);
        let environ = "";
        try {
          environ = readFileSync(`/proc/${pid}/environ`, "latin1");
        } catch {
          // another pid namespace or not allowed: the container's Config.Env was checked above
        }
        expect(environ).not.toContain(cookie);
      }
      if (c.Labels[LABEL.role] === "node") {
        const mount = info.Mounts.find((m) => m.Destination === COOKIE_TARGET);
        expect(mount?.RW).toBe(false);
      }
    }
    expect(processes).toBeGreaterThanOrEqual(4);
    // and the nodes do run with the run's cookie
    const got = await cluster.agent("n1").call<{ printed: string }>("call", { module: "Node", function: "get_cookie", args: [] });
    // a cookie that starts with a digit prints quoted (:"5c4b..."), one that starts with a letter does not
    expect(got.printed.replace(/^:"(.*)"$/, ":$1")).toBe(`:${cookie}`);
  }, 600_000);
});
