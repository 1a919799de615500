/**
 * The images a docker run needs, and how they come to be. Two image sets:
 *
 *   pull (default)  Toxiproxy: ghcr.io/shopify/toxiproxy:<pinned>, pulled as usual
 *                   node:      netsplit/node:<hash> = the agent's release on
 *                              NETSPLIT_NODE_BASE_IMAGE (default debian:<suite>-slim, pulled)
 *   local           no registry needed, nothing is ever pulled:
 *                   netsplit/base:<suite>        debootstrap + docker import   (base-image.ts)
 *                   netsplit/toxiproxy:<pinned>  the host's toxiproxy-server on that base
 *                   netsplit/node:<hash>         the agent's release on that base
 *
 * NETSPLIT_IMAGES=local|pull chooses; unset, a machine where `netsplit images --local` has built
 * netsplit/base:<suite> uses the local set, any other the public one. `ensureImages` builds or
 * pulls what is missing and says what and how long; the node image's tag is a hash of what it
 * is made of (release.ts), so a changed agent gets a new image. `netsplit/node:latest` and
 * `netsplit/toxiproxy:latest` point at the images of the set last ensured (docker-compose.yml
 * runs those).
 */
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ImageName } from "testcontainers";
import { PrerequisiteError, UsageError } from "../../errors.js";
import { resolveToxiproxyServer } from "../../toxiproxy/binary.js";
import { REPO_ROOT, stateDir } from "../../util/paths.js";
import { onInterruptCleanup, wasInterrupted } from "../reaper.js";
import { buildBaseImage, debianSource } from "./base-image.js";
import { buildImage, imageExists, imageLabels } from "./build.js";
import { dockerClient, type Dockerode } from "./engine.js";
import { LABEL } from "./labels.js";
import { buildRelease, RELEASE_NAME, releaseSourceHash } from "./release.js";
import { now } from "../../util/clock.js";

export type ImageMode = "local" | "pull";

export interface ImageSet {
  mode: ImageMode;
  /** Why this mode was chosen, for the progress line. */
  reason: string;
  /** Only in local mode: netsplit/base:<suite>. */
  base?: string;
  toxiproxy: string;
  /** The node image's FROM. */
  nodeBase: string;
  /** netsplit/node:<hash>. */
  node: string;
}

export interface ImageStep {
  image: string;
  action: "present" | "built" | "pulled";
  ms: number;
  detail: string;
}

export const DOCKER_DIR = path.join(REPO_ROOT, "docker");
export const NODE_REPO = "netsplit/node";
export const TOXIPROXY_REPO = "netsplit/toxiproxy";

/** The pinned Toxiproxy version, without its "v" (scripts/versions.env, the one place it is pinned). */
export function toxiproxyVersion(): string {
  const env = readFileSync(path.join(REPO_ROOT, "scripts", "versions.env"), "utf8");
  const v = /^TOXIPROXY_VERSION=v?(\S+)$/m.exec(env)?.[1];
  if (!v) throw new PrerequisiteError("versions_missing", "scripts/versions.env has no TOXIPROXY_VERSION line");
  return v;
}

export const baseImage = (suite: string) => `netsplit/base:${suite}`;
export const publicToxiproxyImage = () => `ghcr.io/shopify/toxiproxy:${toxiproxyVersion()}`;
export const localToxiproxyImage = () => `${TOXIPROXY_REPO}:${toxiproxyVersion()}`;

/** Which image set to use: the asked one, NETSPLIT_IMAGES, or local if its base exists on the engine. */
export async function resolveImageMode(docker: Dockerode, asked?: ImageMode): Promise<{ mode: ImageMode; reason: string }> {
  if (asked) return { mode: asked, reason: "as asked" };
  const env = process.env.NETSPLIT_IMAGES;
  if (env === "local" || env === "pull") return { mode: env, reason: `NETSPLIT_IMAGES=${env}` };
  if (env) throw new UsageError("bad_env", `NETSPLIT_IMAGES must be local or pull, got "${env}"`);
  const base = baseImage(debianSource().suite);
  if (await imageExists(docker, base)) return { mode: "local", reason: `${base} is on the engine; NETSPLIT_IMAGES=pull uses public images` };
  return { mode: "pull", reason: "default; where no registry is reachable run `netsplit images --local` once" };
}

async function nodeImageName(docker: Dockerode, nodeBase: string, mode: ImageMode): Promise<string> {
  const dockerfile = readFileSync(path.join(DOCKER_DIR, "node", "Dockerfile"), "utf8");
  let baseId = nodeBase;
  try {
    baseId = (await docker.getImage(nodeBase).inspect()).Id;
  } catch {
    // not there yet (pulled or built in a moment): hash its name
  }
  return `${NODE_REPO}:${releaseSourceHash([dockerfile, mode === "local" ? baseId : nodeBase])}`;
}

/** The images of `mode`, named (the node image's hash needs the base image, if present). */
export async function imageSet(docker: Dockerode, mode: ImageMode, reason: string): Promise<ImageSet> {
  const { suite } = debianSource();
  if (mode === "local") {
    const base = baseImage(suite);
    return { mode, reason, base, toxiproxy: localToxiproxyImage(), nodeBase: base, node: await nodeImageName(docker, base, mode) };
  }
  const nodeBase = process.env.NETSPLIT_NODE_BASE_IMAGE || `debian:${suite}-slim`;
  return { mode, reason, toxiproxy: publicToxiproxyImage(), nodeBase, node: await nodeImageName(docker, nodeBase, mode) };
}

export interface EnsureOptions {
  /** Default: resolveImageMode. */
  mode: ImageMode;
  /** Rebuild (local) or re-pull (pull) even what exists. */
  force: boolean;
  progress: (line: string) => void;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;

/** A temp folder for `use`, removed afterwards and on SIGINT/SIGTERM. */
async function withTempDir<T>(prefix: string, what: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const unregister = onInterruptCleanup(async () => rmSync(dir, { recursive: true, force: true }), `${what} ${dir}`);
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    unregister();
  }
}

/** A temp build context holding `files` (name -> source path). */
function withContext<T>(files: Record<string, string>, use: (dir: string, names: string[]) => Promise<T>): Promise<T> {
  return withTempDir("netsplit-build-", "the build context", (dir) => {
    for (const [name, source] of Object.entries(files)) cpSync(source, path.join(dir, name), { recursive: true });
    return use(dir, Object.keys(files));
  });
}

const fileHashes = new Map<string, string>();

/**
 * A short sha256 of `file` (the toxiproxy-server binary: 16 MB, 40-110 ms to hash on a busy
 * machine, on every run's way to its cluster). Remembered, in this process and in the state
 * folder, under the file's identity: path, inode, size, mtime and ctime (which only the kernel
 * sets), so a changed or replaced file is hashed again.
 */
function sha256File(file: string): string {
  const st = statSync(file);
  const key = [path.resolve(file), st.dev, st.ino, st.size, st.mtimeMs, st.ctimeMs].join(":");
  const known = fileHashes.get(key);
  if (known) return known;
  const cacheFile = path.join(stateDir(), "docker", "file-hash.json");
  try {
    const cached = JSON.parse(readFileSync(cacheFile, "utf8")) as { key?: string; hash?: string };
    if (cached.key === key && typeof cached.hash === "string") {
      fileHashes.set(key, cached.hash);
      return cached.hash;
    }
  } catch {
    // none yet, or unreadable: hash
  }
  const hash = createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
  fileHashes.set(key, hash);
  try {
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileSync(`${cacheFile}.${process.pid}`, JSON.stringify({ key, hash }));
    renameSync(`${cacheFile}.${process.pid}`, cacheFile); // whole, for a run reading it meanwhile
  } catch {
    // a read-only state folder: hashed again next time
  }
  return hash;
}

/** Makes sure every image of the chosen set is on the engine; builds or pulls what is missing. */
export async function ensureImages(options: Partial<EnsureOptions> = {}): Promise<{ set: ImageSet; steps: ImageStep[] }> {
  const progress = options.progress ?? (() => undefined);
  const { client } = await dockerClient();
  const docker = client.container.dockerode;
  const { mode, reason } = await resolveImageMode(docker, options.mode);
  progress(`images: ${mode} set (${reason})`);
  const steps: ImageStep[] = [];
  const step = async (image: string, need: () => Promise<boolean>, make: () => Promise<{ action: "built" | "pulled"; detail: string }>, announce: string) => {
    if (!options.force && !(await need())) {
      steps.push({ image, action: "present", ms: 0, detail: "already on the engine" });
      return;
    }
    progress(`images: ${announce}`);
    const t0 = now();
    const { action, detail } = await make().catch(async (err: unknown) => {
      if (wasInterrupted()) await new Promise(() => undefined); // the reaper exits; no failure to report
      throw err;
    });
    const ms = now() - t0;
    steps.push({ image, action, ms, detail });
    progress(`images: ${image} ${action} in ${seconds(ms)}${detail ? ` (${detail})` : ""}`);
  };
  const missing = (image: string) => async () => !(await imageExists(docker, image));

  if (mode === "local") {
    const source = debianSource();
    const base = baseImage(source.suite);
    await step(base, missing(base), async () => ({ action: "built", detail: mb(await buildBaseImage(docker, base, source)) }),
      `building ${base}: debootstrap --variant=minbase ${source.suite} from ${source.mirror}, then docker import (about 40 s, once per machine)...`);
    const binary = resolveToxiproxyServer();
    const binaryHash = sha256File(binary);
    const toxiproxy = localToxiproxyImage();
    await step(toxiproxy, async () => (await imageLabels(docker, toxiproxy))?.[LABEL.source] !== binaryHash, async () => {
      await withContext({ Dockerfile: path.join(DOCKER_DIR, "toxiproxy", "Dockerfile"), "toxiproxy-server": binary }, (dir, files) =>
        buildImage(docker, dir, files, [toxiproxy], { BASE_IMAGE: base }, { [LABEL.source]: binaryHash }));
      return { action: "built", detail: `from ${binary}` };
    }, `building ${toxiproxy} from the host's ${binary} on ${base}...`);
  } else {
    for (const image of [publicToxiproxyImage(), process.env.NETSPLIT_NODE_BASE_IMAGE || `debian:${debianSource().suite}-slim`]) {
      await step(image, missing(image), async () => {
        const failed = (why: string) => new PrerequisiteError("image_pull_failed", `could not pull ${image} (${why}): where no registry is reachable, build every image here with \`netsplit images --local\` (debootstrap, no registry needed) or set NETSPLIT_IMAGES=local`);
        try {
          await client.image.pull(ImageName.fromString(image), { force: true, platform: undefined });
        } catch (err) {
          throw failed((err as Error).message.replace(/\s+/g, " ").trim());
        }
        if (!(await imageExists(docker, image))) throw failed("the engine reported no error, but the image is not there");
        return { action: "pulled", detail: "" };
      }, `pulling ${image} (public images; NETSPLIT_IMAGES=local builds everything here instead)...`);
    }
  }

  const set = await imageSet(docker, mode, reason);
  await step(set.node, missing(set.node), () => withTempDir("netsplit-release-", "the release", async (releaseDir) => {
    const t0 = now();
    await buildRelease(path.join(releaseDir, RELEASE_NAME));
    const releaseMs = now() - t0;
    await withContext({ Dockerfile: path.join(DOCKER_DIR, "node", "Dockerfile"), [RELEASE_NAME]: path.join(releaseDir, RELEASE_NAME) }, (dir, files) =>
      buildImage(docker, dir, files, [set.node, `${NODE_REPO}:latest`], { BASE_IMAGE: set.nodeBase }, {}));
    return { action: "built" as const, detail: `mix release ${seconds(releaseMs)} + docker build ${seconds(now() - t0 - releaseMs)}, on ${set.nodeBase}` };
  }), `building ${set.node}: the node agent's mix release (MIX_ENV=prod, ERTS included) on ${set.nodeBase}...`);
  // docker-compose.yml runs netsplit/node:latest and netsplit/toxiproxy:latest: the images of the set last ensured
  await docker.getImage(set.node).tag({ repo: NODE_REPO, tag: "latest" });
  await docker.getImage(set.toxiproxy).tag({ repo: TOXIPROXY_REPO, tag: "latest" });
  return { set, steps };
}

/**
 * Removes netsplit's images (label netsplit.image) other than those of `keep`: node images of
 * older agent sources, and images a rebuild replaced. An image a container still uses stays (the
 * engine refuses), so a run in progress keeps its images. Returns what was removed.
 */
export async function pruneImages(docker: Dockerode, keep: ImageSet): Promise<string[]> {
  const kept = new Set<string>();
  for (const name of [keep.node, keep.toxiproxy, keep.nodeBase, ...(keep.base ? [keep.base] : [])]) {
    const id = await docker.getImage(name).inspect().then((i) => i.Id, () => undefined);
    if (id) kept.add(id);
  }
  const ours = await docker.listImages({ all: false, filters: JSON.stringify({ label: [LABEL.image] }) });
  const removed: string[] = [];
  for (const image of ours.filter((i) => !kept.has(i.Id))) {
    const tags = (image.RepoTags ?? []).filter((t) => t !== "<none>:<none>");
    for (const ref of tags.length > 0 ? tags : [image.Id]) {
      await docker.getImage(ref).remove().then(() => removed.push(ref), () => undefined);
    }
  }
  return removed;
}

