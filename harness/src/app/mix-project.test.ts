import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MixProjectProblem, moduleInPaths, ownApps, resolveMixProject } from "./mix-project.js";

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A project folder with mix.exs and lib/; `built` writes _build/<env>/lib/<app>/ebin/<app>.app. */
function project(app = "jobs", built = true, env = "prod"): string {
  const dir = mkdtempSync(path.join(tmpdir(), "netsplit-mix-"));
  dirs.push(dir);
  writeFileSync(path.join(dir, "mix.exs"), `defmodule X.MixProject do\n  def project, do: [app: :${app}, version: "0.1.0"]\nend\n`);
  mkdirSync(path.join(dir, "lib"));
  writeFileSync(path.join(dir, "lib", "x.ex"), "defmodule X do\nend\n");
  const old = new Date(Date.now() - 60_000);
  for (const f of ["mix.exs", "lib/x.ex"]) utimesSync(path.join(dir, f), old, old);
  if (built) {
    const ebin = path.join(dir, "_build", env, "lib", app, "ebin");
    mkdirSync(ebin, { recursive: true });
    writeFileSync(path.join(ebin, `${app}.app`), "{application, x, []}.\n");
    writeFileSync(path.join(ebin, "Elixir.X.beam"), "");
    mkdirSync(path.join(dir, "_build", env, "lib", "dep", "ebin"), { recursive: true });
  }
  return dir;
}

const src = (projectDir: string, over: Partial<{ mixEnv: "prod" | "dev" | "test"; apps: string[] }> = {}) => ({ projectDir, mixEnv: over.mixEnv ?? "prod", apps: over.apps, compile: false } as const);

describe("a Mix project as netsplit runs it", () => {
  it("resolves the project's own app, every ebin of _build/<env>/lib and the config files", () => {
    const dir = project();
    mkdirSync(path.join(dir, "config"));
    writeFileSync(path.join(dir, "config", "runtime.exs"), "import Config\n");
    const p = resolveMixProject(src(dir));
    expect(p.apps).toEqual(["jobs"]);
    expect(p.codePaths).toEqual([path.join(dir, "_build/prod/lib/dep/ebin"), path.join(dir, "_build/prod/lib/jobs/ebin")]);
    expect(p.configExs).toBeUndefined();
    expect(p.runtimeExs).toBe(path.join(dir, "config", "runtime.exs"));
    expect(moduleInPaths("Elixir.X", p.codePaths)).toBe(true);
    expect(moduleInPaths("Elixir.Y", p.codePaths)).toBe(false);
  });

  it("a folder without mix.exs is not a project", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsplit-mix-"));
    dirs.push(dir);
    expect(() => resolveMixProject(src(dir))).toThrow(/is not a Mix project \(no mix.exs there\)/);
  });

  it("a missing _build names the command that compiles it", () => {
    const dir = project("jobs", false);
    let err: unknown;
    try {
      resolveMixProject(src(dir));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MixProjectProblem);
    expect((err as MixProjectProblem).code).toBe("no_build");
    expect((err as Error).message).toMatch(/_build\/prod\/lib does not exist.*MIX_ENV=prod mix compile`.*compile: true/);
  });

  it("a build for another env, or of another app, is missing too", () => {
    const dir = project("jobs", true, "dev");
    expect(() => resolveMixProject(src(dir))).toThrow(/_build\/prod\/lib does not exist/);
    expect(() => resolveMixProject(src(dir, { mixEnv: "dev", apps: ["other"] }))).toThrow(/other\.app does not exist: other is not compiled for MIX_ENV=dev/);
  });

  it("a build whose .app is old but whose .beam files were rewritten is current (mix rewrites the .app only when modules come or go)", () => {
    const dir = project();
    const ebin = path.join(dir, "_build/prod/lib/jobs/ebin");
    const old = new Date(Date.now() - 120_000);
    utimesSync(path.join(ebin, "jobs.app"), old, old);
    expect(resolveMixProject(src(dir)).apps).toEqual(["jobs"]);
  });

  it("a source newer than the build is stale", () => {
    const dir = project();
    writeFileSync(path.join(dir, "lib", "x.ex"), "defmodule X do\n  def y, do: 1\nend\n");
    const future = new Date(Date.now() + 60_000);
    utimesSync(path.join(dir, "lib", "x.ex"), future, future);
    expect(() => resolveMixProject(src(dir))).toThrow(/the build of jobs is older than .*lib\/x\.ex: run `cd .* && MIX_ENV=prod mix compile`/);
  });

  it("an umbrella's apps are its own apps", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsplit-mix-"));
    dirs.push(dir);
    writeFileSync(path.join(dir, "mix.exs"), 'defmodule U.MixProject do\n  def project, do: [apps_path: "apps"]\nend\n');
    for (const a of ["b_app", "a_app"]) {
      mkdirSync(path.join(dir, "apps", a), { recursive: true });
      writeFileSync(path.join(dir, "apps", a, "mix.exs"), `defmodule A.MixProject do\n  def project, do: [app: :${a}]\nend\n`);
    }
    expect(ownApps(dir)).toEqual(["a_app", "b_app"]);
  });
});
