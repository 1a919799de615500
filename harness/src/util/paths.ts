/**
 * Where netsplit finds its own files and the tools it runs: the repository root, the state
 * folder (`.netsplit/`: tools, pid files), the BEAM executables and the compiled node agent.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PrerequisiteError } from "../errors.js";

/**
 * The package root: the nearest ancestor of this module whose package.json is named "netsplit"
 * (the sources sit at harness/src/util, the build at dist/harness/src/util).
 */
export const REPO_ROOT = ((): string => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown }).name === "netsplit") return dir;
    } catch {
      // no (readable) package.json here: keep walking up
    }
    if (path.dirname(dir) === dir) return path.resolve(here, "../../..");
  }
})();

/** The state folder: `NETSPLIT_STATE_DIR`, or `<repo>/.netsplit`. */
export function stateDir(): string {
  return process.env.NETSPLIT_STATE_DIR ?? path.join(REPO_ROOT, ".netsplit");
}

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, cmd);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface BeamPaths {
  erl: string;
  /** ebin folders of Elixir's own applications (elixir, logger), for `-pa`. */
  elixirEbins: string[];
  /** ebin folder of the compiled node agent. */
  agentEbin: string;
}

let cached: BeamPaths | undefined;

/** Finds erl, Elixir's ebins and the compiled agent; throws PrerequisiteError naming the fix. */
export function beamPaths(): BeamPaths {
  if (cached) return cached;
  const erl = which("erl");
  if (!erl) throw new PrerequisiteError("missing_erlang", "Erlang/OTP is not installed (no `erl` on PATH): run `npm run setup`, or install Debian's erlang-nox.");
  const elixir = which("elixir");
  if (!elixir) throw new PrerequisiteError("missing_elixir", "Elixir is not installed (no `elixir` on PATH): run `npm run setup`, or install Debian's elixir.");
  const libDir = path.resolve(path.dirname(realpathSync(elixir)), "../lib");
  const elixirEbins = ["elixir", "logger"].map((app) => path.join(libDir, app, "ebin"));
  for (const ebin of elixirEbins) {
    if (!existsSync(ebin)) throw new PrerequisiteError("missing_elixir", `Elixir's ${ebin} does not exist: reinstall Elixir (Debian's elixir package).`);
  }
  const agentEbin = path.join(REPO_ROOT, "nodes/_build/prod/lib/netsplit_agent/ebin");
  if (!existsSync(agentEbin) || !readdirSync(agentEbin).some((f) => f.endsWith(".app"))) {
    throw new PrerequisiteError("missing_agent", `the node agent is not compiled (${agentEbin} is missing): run \`npm run setup\`.`);
  }
  cached = { erl, elixirEbins, agentEbin };
  return cached;
}
