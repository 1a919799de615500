/**
 * Interrupted docker runs leave nothing behind: `netsplit run --runtime docker` (the real
 * executable, in its own process) is interrupted mid-run with SIGINT or SIGTERM and must remove
 * its containers and network before it exits; one killed with SIGKILL cannot, and the next run's
 * sweep must; an interrupted `netsplit images --local` build must leave no root file system,
 * mount, process or container. Skipped, with the reason in the test name, without an engine.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allProcesses } from "../../testing/procs.js";
import { REPO_ROOT } from "../../util/paths.js";
import { dockerClient, dockerUnavailableReason, type Dockerode } from "./engine.js";
import { baseImage, ensureImages } from "./images.js";
import { LABEL } from "./labels.js";
import { sweepDockerLeftovers } from "./sweep.js";
import { debianSource } from "./base-image.js";

const unavailable = await dockerUnavailableReason();
const dir = mkdtempSync(path.join(tmpdir(), "netsplit-docker-interrupt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let docker: Dockerode;

beforeAll(async () => {
  if (unavailable) return;
  docker = (await dockerClient()).client.container.dockerode;
  await ensureImages({ progress: (l) => console.log(l) });
}, 300_000);

const LONG_RUN = `netsplit: 1
name: interrupted
cluster: { nodes: 3 }
steps:
  - wait: 60s
`;

interface Spawned {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when stdout matches `pattern`; rejects if the process ends first or after `ms`. */
  until: (pattern: RegExp, ms: number) => Promise<void>;
}

function netsplit(args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, "bin/netsplit.js"), ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const waiters: Array<() => void> = [];
  child.stdout!.on("data", (c: Buffer) => {
    out += c.toString();
    for (const w of waiters) w();
  });
  child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const until = (pattern: RegExp, ms: number) => new Promise<void>((resolve, reject) => {
    const check = () => pattern.test(out) && resolve();
    const timer = setTimeout(() => reject(new Error(`${pattern} not printed within ${ms} ms. stdout:\n${out}\nstderr:\n${err}`)), ms);
    waiters.push(check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited before printing ${pattern}. stdout:\n${out}\nstderr:\n${err}`));
    });
    check();
  });
  return { child, out: () => out, err: () => err, exited, until };
}

/** Containers and networks made by the harness process `pid`. */
async function ownedBy(pid: number): Promise<{ containers: string[]; networks: string[] }> {
  const filters = JSON.stringify({ label: [`${LABEL.netsplit}=1`] });
  const mine = (labels: Record<string, string> | undefined) => labels?.[LABEL.owner]?.split("/")[1] === String(pid);
  const containers = (await docker.listContainers({ all: true, filters })).filter((c) => mine(c.Labels)).map((c) => c.Names[0]!.replace(/^\//, ""));
  const networks = (await docker.listNetworks({ filters })).filter((n) => mine(n.Labels)).map((n) => n.Name);
  return { containers, networks };
}

describe.skipIf(unavailable !== null)("an interrupted `netsplit run --runtime docker`", () => {
  const scenario = path.join(dir, "interrupted.yaml");
  writeFileSync(scenario, LONG_RUN);

  it.each([["SIGINT", 130], ["SIGTERM", 143]] as const)("%s mid-run: every container and the network are removed before it exits %i", async (signal, code) => {
    const run = netsplit(["run", scenario, "--runtime", "docker", "--out", path.join(dir, `runs-${signal}`)]);
    await run.until(/cluster of 3 ready/, 120_000);
    const during = await ownedBy(run.child.pid!);
    expect(during.containers).toHaveLength(4);
    expect(during.networks).toHaveLength(1);
    run.child.kill(signal);
    expect(await run.exited).toEqual({ code, signal: null });
    expect(run.err()).toMatch(/removing the containers and network of netsplit-[0-9a-f]{12}\.\.\./);
    expect(run.err()).toMatch(/everything removed \(\d+ ms\)/);
    expect(await ownedBy(run.child.pid!)).toEqual({ containers: [], networks: [] });
  });

  it("SIGKILL leaves the containers to the next run's sweep, which removes them", async () => {
    const run = netsplit(["run", scenario, "--runtime", "docker", "--out", path.join(dir, "runs-kill")]);
    await run.until(/cluster of 3 ready/, 120_000);
    run.child.kill("SIGKILL");
    await run.exited;
    const left = await ownedBy(run.child.pid!);
    expect(left.containers).toHaveLength(4);
    await sweepDockerLeftovers(docker); // (a docker run started meanwhile elsewhere on this engine may have swept them first)
    expect(await ownedBy(run.child.pid!)).toEqual({ containers: [], networks: [] });
  });
});

const canBuildBase = process.getuid?.() === 0 && !spawnSync("debootstrap", ["--version"]).error;

describe.skipIf(unavailable !== null || !canBuildBase)("an interrupted `netsplit images --local --force`", () => {
  it("SIGINT during debootstrap: no root file system, mount, debootstrap or container is left, the old base image stays", async () => {
    const base = baseImage(debianSource().suite);
    const before = (await docker.getImage(base).inspect()).Id;
    const tmp = mkdtempSync(path.join(dir, "tmp-"));
    const build = netsplit(["images", "--local", "--force"], { TMPDIR: tmp });
    await build.until(/building netsplit\/base/, 30_000);
    const rootfs = await until(() => readdirSync(tmp).find((f) => f.startsWith("netsplit-rootfs-")), 5000);
    await until(() => allProcesses().some((p) => p.cmdline.includes("debootstrap") && p.cmdline.includes(rootfs)), 10_000);
    await new Promise((r) => setTimeout(r, 1500)); // let it download and unpack a little
    build.child.kill("SIGINT");
    expect((await build.exited).code).toBe(130);
    expect(readdirSync(tmp).filter((f) => f.startsWith("netsplit-"))).toEqual([]); // (tsx keeps its cache there too)
    expect(readFileSync("/proc/self/mounts", "utf8")).not.toContain(tmp);
    expect(allProcesses().filter((p) => p.cmdline.includes(tmp))).toEqual([]);
    expect(await ownedBy(build.child.pid!)).toEqual({ containers: [], networks: [] });
    expect((await docker.getImage(base).inspect()).Id).toBe(before);
  });
});

async function until<T>(get: () => T | undefined | false, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

if (unavailable) {
  describe("interrupted docker runs", () => {
    it.skip(`needs a Docker engine: ${unavailable}`, () => undefined);
  });
}
