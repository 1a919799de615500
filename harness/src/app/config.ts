/**
 * A Mix project's compile-time config (`config/config.exs`, with the files it imports), read on
 * the host with Elixir's own `Config.Reader` for the scenario's MIX_ENV, as the Erlang external
 * term the agent applies before the app starts. `config/runtime.exs` is not read here: each node
 * reads it itself, so it sees that node's environment (`env:` of the scenario).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../util/paths.js";
import { MixProjectProblem } from "./mix-project.js";

/** `config.exs` as `:erlang.term_to_binary([{app, keyword}])`. Throws MixProjectProblem when it cannot be read. */
export function readMixConfig(configExs: string, mixEnv: string, projectDir: string): Buffer {
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
