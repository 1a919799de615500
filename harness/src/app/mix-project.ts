/**
 * A user's Mix project as netsplit runs it: the project must be compiled beforehand
 * (`_build/<env>/lib/<app>/ebin`); netsplit never fetches dependencies. Everything here reads
 * the file system only (plus `mix compile` when the scenario says `compile: true`), so a missing
 * or stale build is found before any node boots, with the command that fixes it.
 *
 *   examples/jobs/
 *     mix.exs                      app: :jobs          -> the project's own app(s)
 *     config/config.exs            read on the host     (config.ts)
 *     config/runtime.exs           read inside each node, with that node's environment
 *     _build/prod/lib/*\/ebin       every ebin becomes a code path of every node
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export interface MixSource {
  readonly projectDir: string;
  readonly mixEnv: "prod" | "dev" | "test";
  readonly apps: readonly string[] | undefined;
  readonly compile: boolean;
}

export interface MixProject {
  readonly projectDir: string;
  readonly mixEnv: string;
  /** The applications to start, in order (the scenario's `apps`, else the project's own). */
  readonly apps: readonly string[];
  /** Every `_build/<env>/lib/*\/ebin`, the project's own apps and their dependencies. */
  readonly codePaths: readonly string[];
  /** `config/config.exs`, when the project has one. */
  readonly configExs: string | undefined;
  /** `config/runtime.exs`, when the project has one. */
  readonly runtimeExs: string | undefined;
}

/** Why a project cannot run as it is, and the command that fixes it. */
export class MixProjectProblem extends Error {
  constructor(readonly code: "no_project" | "no_build" | "stale_build" | "unknown_app" | "compile_failed", message: string) {
    super(message);
  }
}

const rel = (p: string) => path.relative(process.cwd(), p) || ".";

function compileCommand(src: MixSource): string {
  return `cd ${rel(src.projectDir)} && MIX_ENV=${src.mixEnv} mix compile`;
}

/** The project's own OTP applications: `app: :name` of mix.exs, or every app of an umbrella's apps_path. */
export function ownApps(projectDir: string): string[] {
  const mixExs = readFileSync(path.join(projectDir, "mix.exs"), "utf8");
  const umbrella = /apps_path:\s*"([^"]+)"/.exec(mixExs);
  if (umbrella) {
    const dir = path.join(projectDir, umbrella[1]!);
    return existsSync(dir) ? readdirSync(dir).filter((d) => existsSync(path.join(dir, d, "mix.exs"))).flatMap((d) => ownApps(path.join(dir, d))).sort() : [];
  }
  const app = /\bapp:\s*:"?([a-z_][a-zA-Z0-9_]*)"?/.exec(mixExs);
  return app ? [app[1]!] : [];
}

/** The newest modification time (ms) of the sources that a compile reads: mix.exs, lib/, src/. */
function newestSource(projectDir: string): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined;
  const visit = (p: string, depth: number) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      if (depth > 12) return;
      for (const entry of readdirSync(p)) if (!entry.startsWith(".")) visit(path.join(p, entry), depth + 1);
    } else if (/\.(ex|erl|hrl|exs)$/.test(p) && (!newest || st.mtimeMs > newest.mtimeMs)) {
      newest = { file: p, mtimeMs: st.mtimeMs };
    }
  };
  visit(path.join(projectDir, "mix.exs"), 0);
  visit(path.join(projectDir, "lib"), 0);
  visit(path.join(projectDir, "src"), 0);
  const umbrella = path.join(projectDir, "apps");
  if (existsSync(umbrella)) for (const d of readdirSync(umbrella)) {
    visit(path.join(umbrella, d, "mix.exs"), 0);
    visit(path.join(umbrella, d, "lib"), 0);
  }
  return newest;
}

/** What is wrong with the build of `apps`, or undefined when every app is compiled and current. */
function buildProblem(src: MixSource, apps: readonly string[]): MixProjectProblem | undefined {
  const lib = path.join(src.projectDir, "_build", src.mixEnv, "lib");
  if (!existsSync(lib)) {
    return new MixProjectProblem("no_build", `${rel(lib)} does not exist: the project is not compiled for MIX_ENV=${src.mixEnv}. Run \`${compileCommand(src)}\` (netsplit never fetches dependencies), or set \`compile: true\``);
  }
  const newest = newestSource(src.projectDir);
  for (const app of apps) {
    const appFile = path.join(lib, app, "ebin", `${app}.app`);
    if (!existsSync(appFile)) {
      return new MixProjectProblem("no_build", `${rel(appFile)} does not exist: ${app} is not compiled for MIX_ENV=${src.mixEnv}. Run \`${compileCommand(src)}\`, or set \`compile: true\``);
    }
    // mix rewrites the .beam of every module it recompiles, but the .app only when the module list changes
    const ebin = path.dirname(appFile);
    const built = Math.max(...readdirSync(ebin).map((f) => statSync(path.join(ebin, f)).mtimeMs));
    // (mix stamps .beam files to the second: a source saved in the same second is not newer)
    if (newest && newest.mtimeMs > built + 1000) {
      return new MixProjectProblem("stale_build", `the build of ${app} is older than ${rel(newest.file)}: run \`${compileCommand(src)}\`, or set \`compile: true\``);
    }
  }
  return undefined;
}

/**
 * Resolves a Mix project: its apps, its code paths and its config files. With `compile: true`
 * a missing or stale build is compiled (`mix compile`, MIX_ENV as asked, no dependency fetch);
 * otherwise it is a MixProjectProblem naming the command to run.
 */
export function resolveMixProject(src: MixSource): MixProject {
  if (!existsSync(path.join(src.projectDir, "mix.exs"))) {
    throw new MixProjectProblem("no_project", `${rel(src.projectDir)} is not a Mix project (no mix.exs there): point \`mix:\` at the folder that holds mix.exs`);
  }
  const own = ownApps(src.projectDir);
  const apps = src.apps && src.apps.length > 0 ? [...src.apps] : own;
  if (apps.length === 0) throw new MixProjectProblem("unknown_app", `could not tell the application of ${rel(path.join(src.projectDir, "mix.exs"))}: name it with \`apps: [my_app]\``);
  let problem = buildProblem(src, apps);
  if (problem && src.compile) {
    const r = spawnSync("mix", ["compile"], { cwd: src.projectDir, env: { ...process.env, MIX_ENV: src.mixEnv }, encoding: "utf8", timeout: 600_000 });
    if (r.status !== 0) {
      const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-15).join("\n");
      throw new MixProjectProblem("compile_failed", `\`${compileCommand(src)}\` failed${r.error ? ` (${r.error.message})` : ""}:\n${out}`);
    }
    problem = buildProblem(src, apps);
  }
  if (problem) throw problem;
  const lib = path.join(src.projectDir, "_build", src.mixEnv, "lib");
  const codePaths = readdirSync(lib).sort().map((d) => path.join(lib, d, "ebin")).filter((p) => existsSync(p));
  const config = (f: string) => (existsSync(path.join(src.projectDir, "config", f)) ? path.join(src.projectDir, "config", f) : undefined);
  return { projectDir: src.projectDir, mixEnv: src.mixEnv, apps, codePaths, configExs: config("config.exs"), runtimeExs: config("runtime.exs") };
}

/** True when `Elixir.Mod` (or an Erlang module) has a .beam file in one of `codePaths`. */
export function moduleInPaths(module: string, codePaths: readonly string[]): boolean {
  return codePaths.some((p) => existsSync(path.join(p, `${module}.beam`)));
}
