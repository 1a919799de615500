/**
 * A Mix project's compile-time config (`config/config.exs`, with the files it imports), read on
 * the host with Elixir's own `Config.Reader` for the scenario's MIX_ENV, as the Erlang external
 * term the agent applies before the app starts. `config/runtime.exs` is not read here: each node
 * reads it itself, so it sees that node's environment (`env:` of the scenario).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../util/paths.js";
import { MixProjectProblem } from "./mix-project.js";

/**
 * Reads of this process, by file, env and the config folder's modification times: `netsplit run`
 * reads a project's config once before any boot (preflight) and again for the run, and
 * `--jobs` may run several scenarios of one app; each would start `elixir` (~0.5 s) again.
 */
const reads = new Map<string, Buffer>();

function configStamp(configExs: string): string {
  const dir = path.dirname(configExs);
  return readdirSync(dir).sort().map((f) => `${f}:${statSync(path.join(dir, f)).mtimeMs}`).join(",");
}

/** `config.exs` as `:erlang.term_to_binary([{app, keyword}])`. Throws MixProjectProblem when it cannot be read. */
export function readMixConfig(configExs: string, mixEnv: string, projectDir: string): Buffer {
  const key = `${configExs}\0${mixEnv}\0${projectDir}\0${configStamp(configExs)}`;
  const known = reads.get(key);
  if (known) return known;
  const read = readWithElixir(configExs, mixEnv, projectDir);
  reads.set(key, read);
  return read;
}

function readWithElixir(configExs: string, mixEnv: string, projectDir: string): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), "netsplit-config-"));
  try {
    const out = path.join(dir, "config.etf");
    const r = spawnSync("elixir", [path.join(REPO_ROOT, "scripts", "read-mix-config.exs"), configExs, mixEnv, out], {
      cwd: projectDir,
      env: { ...process.env, MIX_ENV: mixEnv },
      encoding: "utf8",
      timeout: 60_000,
    });
    if (r.status !== 0) {
      const text = `${r.stderr ?? ""}${r.stdout ?? ""}`.trim().split("\n").filter((l) => l.trim() !== "").slice(0, 8).join("\n");
      throw new MixProjectProblem("compile_failed", `${path.relative(process.cwd(), configExs)} could not be read for MIX_ENV=${mixEnv}${r.error ? ` (${r.error.message})` : ""}:\n${text}`);
    }
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
