/**
 * Image builds leave no container behind. The classic builder runs every Dockerfile step in a
 * container of its own; buildImage asks for them to be removed (rm, forcerm), and the engine
 * cancels a build whose client is gone. Here a harness building a long Dockerfile is SIGKILLed
 * (it cannot clean anything up itself) while a step container exists: none may be left.
 * Skipped, with the reason in the test name, where no Docker engine answers.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../util/paths.js";
import { imageExists } from "./build.js";
import { dockerClient, dockerUnavailableReason, type Dockerode } from "./engine.js";
import { ensureImages } from "./images.js";
import { LABEL } from "./labels.js";

const unavailable = await dockerUnavailableReason();
const dir = mkdtempSync(path.join(tmpdir(), "netsplit-build-int-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let docker: Dockerode;
let base: string;

beforeAll(async () => {
  if (unavailable) return;
  docker = (await dockerClient()).client.container.dockerode;
  base = (await ensureImages()).set.nodeBase;
}, 300_000);

async function stepContainers(label: string): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL.image}=${label}`] }) });
  return list.map((c) => c.Id);
}

async function until(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(unavailable !== null)("an image build whose harness is killed", () => {
  it("leaves no build-step container", async () => {
    const label = `buildtest-${process.pid}-${Date.now().toString(36)}`;
    const context = path.join(dir, "context");
    mkdirSync(context);
    const steps = Array.from({ length: 60 }, (_, i) => `COPY f${i} /f${i}`);
    for (let i = 0; i < steps.length; i++) writeFileSync(path.join(context, `f${i}`), `${i}\n`);
    writeFileSync(path.join(context, "Dockerfile"), `FROM ${base}\nLABEL ${LABEL.image}=${label}\n${steps.join("\n")}\n`);
    const buildModule = fileURLToPath(new URL("./build.ts", import.meta.url));
    const engineModule = fileURLToPath(new URL("./engine.ts", import.meta.url));
    const harness = path.join(dir, "harness.mts");
    writeFileSync(harness, [
      `import { buildImage } from ${JSON.stringify(buildModule)};`,
      `import { dockerClient } from ${JSON.stringify(engineModule)};`,
      "const docker = (await dockerClient()).client.container.dockerode;",
      `await buildImage(docker, ${JSON.stringify(context)}, ["Dockerfile", ...Array.from({ length: ${steps.length} }, (_, i) => "f" + i)], [${JSON.stringify(`netsplit/buildtest:${label}`)}], {}, {});`,
    ].join("\n"));
    const child = spawn(process.execPath, ["--import", "tsx", harness], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      await until("a build-step container", 60_000, async () => (await stepContainers(label)).length > 0);
      child.kill("SIGKILL");
      await exited;
      await until("no build-step container", 15_000, async () => (await stepContainers(label)).length === 0);
      // the engine cancelled the build rather than finishing it for nobody
      await new Promise((r) => setTimeout(r, 3000));
      expect(await imageExists(docker, `netsplit/buildtest:${label}`)).toBe(false);
    } finally {
      child.kill("SIGKILL");
      await docker.getImage(`netsplit/buildtest:${label}`).remove().catch(() => undefined);
    }
    expect(await stepContainers(label)).toEqual([]);
  });
});

if (unavailable) {
  describe("image builds", () => {
    it.skip(`needs a Docker engine: ${unavailable}`, () => undefined);
  });
}
