/**
 * The base image of the local image set, for machines that reach no container registry:
 * `debootstrap --variant=minbase <suite>` from the host's Debian mirror (apt works where
 * registries do not), trimmed (no apt caches, docs, man pages, locales), then imported as an
 * image with `docker import`. About 35 s and 85 MB here.
 *
 * The node image runs a release whose ERTS was built on the host, so the suite defaults to the
 * host's own Debian release (same glibc and OpenSSL). An interrupted build kills debootstrap,
 * unmounts what it mounted inside the root file system and deletes it.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PrerequisiteError, ProcessError } from "../../errors.js";
import { alive, onInterruptCleanup, wasInterrupted } from "../reaper.js";
import { importImage } from "./build.js";
import type { Dockerode } from "./engine.js";
import { LABEL } from "./labels.js";

/** The OpenSSL library the agent's `crypto` needs, per suite (minbase lacks it). */
const LIBSSL: Record<string, string> = { bullseye: "libssl1.1", bookworm: "libssl3", trixie: "libssl3t64" };

export interface DebianSource {
  suite: string;
  mirror: string;
}

/** NETSPLIT_DEBIAN_SUITE / NETSPLIT_DEBIAN_MIRROR, else the host's Debian release and apt mirror. */
export function debianSource(env: NodeJS.ProcessEnv = process.env): DebianSource {
  let suite = env.NETSPLIT_DEBIAN_SUITE;
  if (!suite) {
    const osRelease = existsSync("/etc/os-release") ? readFileSync("/etc/os-release", "utf8") : "";
    const isDebian = /^ID=debian$/m.test(osRelease);
    suite = (isDebian && /^VERSION_CODENAME=(\w+)$/m.exec(osRelease)?.[1]) || "bookworm";
  }
  return { suite, mirror: env.NETSPLIT_DEBIAN_MIRROR || aptMirror() || "http://deb.debian.org/debian" };
}

/** The first Debian (not security) mirror in the host's apt sources. */
function aptMirror(): string | undefined {
  const candidates = ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"];
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    const urls = [...text.matchAll(/^(?:URIs:\s*|deb\s+(?:\[[^\]]*\]\s+)?)(\S+)/gm)].map((m) => m[1]!);
    const url = urls.find((u) => /^https?:\/\//.test(u) && !/security/.test(u));
    if (url) return url.replace(/\/+$/, "");
  }
  return undefined;
}

function mountsUnder(dir: string): string[] {
  try {
    return readFileSync("/proc/self/mounts", "utf8")
      .split("\n")
      .map((l) => l.split(" ")[1] ?? "")
      .filter((m) => m.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length);
  } catch {
    return [];
  }
}

/** Unmounts what debootstrap left mounted inside `dir` (if interrupted), then deletes it. */
export function removeRootfs(dir: string): void {
  for (const m of mountsUnder(dir)) spawnSync("umount", ["-l", m]);
  if (mountsUnder(dir).length === 0) rmSync(dir, { recursive: true, force: true });
}

/** Runs `cmd` in its own process group, which `killGroups` can end with all its children. */
function run(cmd: string, args: string[], groups: Set<number>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
    if (child.pid) groups.add(child.pid);
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("error", (err) => reject(new ProcessError("base_image_failed", `could not run ${cmd}: ${err.message}`)));
    child.on("exit", (code, signal) => {
      if (child.pid) groups.delete(child.pid);
      if (code === 0) resolve(output);
      else reject(new ProcessError("base_image_failed", `${cmd} ${args.join(" ")} failed (${signal ?? `exit ${code}`}):\n${output.trim().split("\n").slice(-15).join("\n")}`));
    });
  });
}

async function killGroups(groups: Set<number>): Promise<void> {
  for (const pid of groups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 3000;
  while ([...groups].some((pid) => alive(pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/** Builds `tag` from debootstrap; resolves with the root file system's size in bytes. */
export async function buildBaseImage(docker: Dockerode, tag: string, source: DebianSource): Promise<number> {
  if (process.getuid?.() !== 0) {
    throw new PrerequisiteError("base_image_needs_root", `building ${tag} runs debootstrap, which needs root: run \`sudo netsplit images --local\`, or use public images (NETSPLIT_IMAGES=pull)`);
  }
  if (spawnSync("debootstrap", ["--version"]).error) {
    throw new PrerequisiteError("debootstrap_missing", `building ${tag} needs debootstrap: apt-get install debootstrap (or use public images: NETSPLIT_IMAGES=pull)`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "netsplit-rootfs-"));
  const groups = new Set<number>();
  const unregister = onInterruptCleanup(async () => {
    await killGroups(groups);
    removeRootfs(dir);
  }, `the root file system being built in ${dir}`);
  try {
    const include = LIBSSL[source.suite] ? [`--include=${LIBSSL[source.suite]}`] : [];
    await run("debootstrap", ["--variant=minbase", ...include, source.suite, dir, source.mirror], groups);
    for (const trim of ["var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale"]) {
      rmSync(path.join(dir, trim), { recursive: true, force: true });
    }
    const size = Number(spawnSync("du", ["-sb", dir], { encoding: "utf8" }).stdout.split("\t")[0]) || 0;
    const tar = spawn("tar", ["-C", dir, "--numeric-owner", "-c", "."], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    if (tar.pid) groups.add(tar.pid);
    const tarDone = new Promise<void>((resolve, reject) => tar.on("exit", (code) => {
      if (tar.pid) groups.delete(tar.pid);
      if (code === 0) resolve();
      else reject(new ProcessError("base_image_failed", `tar of ${dir} failed (exit ${code})`));
    }));
    await importImage(docker, tar.stdout, tag, [
      `LABEL ${LABEL.image}=base ${LABEL.source}=debootstrap-${source.suite}`,
      "ENV LANG=C.UTF-8",
      'CMD ["/bin/bash"]',
    ]);
    await tarDone;
    return size;
  } catch (err) {
    if (wasInterrupted()) await new Promise(() => undefined); // the reaper exits; no failure to report
    throw err;
  } finally {
    await killGroups(groups);
    removeRootfs(dir);
    unregister();
  }
}
