/**
 * The node agent as a mix release, built on the host (`MIX_ENV=prod mix release`, ERTS
 * included; see `releases:` in nodes/mix.exs and nodes/rel/). The node image is that release
 * copied into a base image, so its tag carries a hash of everything the release is made of:
 * the agent's sources, the host's OTP and Elixir versions, the Dockerfile and the base image.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { ProcessError } from "../../errors.js";
import { beamPaths, REPO_ROOT, stateDir } from "../../util/paths.js";
import { track, untrack } from "../reaper.js";

export const NODES_DIR = path.join(REPO_ROOT, "nodes");
export const RELEASE_NAME = "netsplit_agent";

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/** OTP and Elixir versions of the host toolchain the release is built with. */
export function toolchainVersions(): { otp: string; elixir: string } {
  const { erl, elixirEbins } = beamPaths();
  const root = path.resolve(path.dirname(realpathSync(erl)), "..");
  let otp = "?";
  for (const dir of existsSync(path.join(root, "releases")) ? readdirSync(path.join(root, "releases")) : []) {
    const file = path.join(root, "releases", dir, "OTP_VERSION");
    if (existsSync(file)) otp = readFileSync(file, "utf8").trim();
  }
  const app = readFileSync(path.join(elixirEbins[0]!, "elixir.app"), "utf8");
  const elixir = /\{vsn,\s*"([^"]+)"\}/.exec(app)?.[1] ?? "?";
  return { otp, elixir };
}

/** A short hash of what the node image is made of; `extra` adds the Dockerfile, the base image... */
export function releaseSourceHash(extra: readonly string[]): string {
  const h = createHash("sha256");
  const files = [path.join(NODES_DIR, "mix.exs"), ...filesUnder(path.join(NODES_DIR, "lib")), ...filesUnder(path.join(NODES_DIR, "rel"))];
  for (const f of files) h.update(path.relative(NODES_DIR, f)).update("\0").update(readFileSync(f)).update("\0");
  const { otp, elixir } = toolchainVersions();
  h.update(`otp=${otp} elixir=${elixir}\0`);
  for (const e of extra) h.update(e).update("\0");
  return h.digest("hex").slice(0, 12);
}

/**
 * Builds the release into `outDir` (replaced). Rejects with mix's output if it fails. It compiles
 * into a build root of its own (`.netsplit/docker/_build`), so it never races with the compile
 * the local runtime uses (nodes/_build, made by `npm run setup`).
 */
export function buildRelease(outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("mix", ["release", RELEASE_NAME, "--overwrite", "--quiet", "--path", outDir], {
      cwd: NODES_DIR,
      env: { ...process.env, MIX_ENV: "prod", MIX_BUILD_ROOT: path.join(stateDir(), "docker", "_build") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (child.pid) track({ pid: child.pid, label: "mix release", marker: outDir });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("error", (err) => reject(new ProcessError("release_failed", `could not run mix (${err.message}): install Elixir (npm run setup)`)));
    child.on("exit", (code) => {
      if (child.pid) untrack(child.pid);
      if (code === 0) resolve();
      else reject(new ProcessError("release_failed", `MIX_ENV=prod mix release in ${NODES_DIR} failed (exit ${code}):\n${output.trim().split("\n").slice(-20).join("\n")}`));
    });
  });
}
