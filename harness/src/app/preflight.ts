/**
 * What can be known about the application under test before any node boots, as scenario
 * issues (`file:line:column: message`, exit 254): a Mix project that is not one, a missing or
 * stale `_build`, a config.exs that does not read, and a `call:` naming an Elixir module that
 * neither the app nor Elixir nor netsplit has. Run by `netsplit run` after loading the files.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { CallSpec, Scenario, SourceRef, Step } from "../scenario/model.js";
import type { ScenarioIssue } from "../scenario/issues.js";
import { beamPaths } from "../util/paths.js";
import { readMixConfig } from "./config.js";
import { appProcessProblem } from "../runtime/app-process.js";
import { MixProjectProblem, moduleInPaths, resolveMixProject } from "./mix-project.js";
import { templateProblems } from "./prepare.js";

function issue(scenario: Scenario, at: SourceRef, code: string, message: string, hint?: string): ScenarioIssue {
  const line = at.line > 0 ? scenario.source.text.split("\n")[at.line - 1] ?? "" : "";
  const excerpt = line ? `${line}\n${" ".repeat(Math.max(0, at.column - 1))}^` : "";
  return { code, message, file: at.file, line: at.line, column: at.column, path: at.path ? at.path.split(".") : [], excerpt, ...(hint ? { hint } : {}) };
}

/** Every call of the scenario with the place it was written. */
export function callsOf(scenario: Scenario): { call: CallSpec; at: SourceRef }[] {
  const out: { call: CallSpec; at: SourceRef }[] = [];
  const app = scenario.cluster.app;
  if (app?.ready) out.push({ call: app.ready.call, at: app.at });
  for (const c of scenario.checks) if (c.name === "invariant") out.push({ call: c.call, at: c.at });
  const visit = (steps: readonly Step[]) => {
    for (const s of steps) {
      if (s.kind === "check" && s.check.name === "invariant") out.push({ call: s.check.call, at: s.at });
      if (s.kind === "wait_until" && typeof s.until === "object") out.push({ call: s.until.call, at: s.at });
      if (s.kind === "repeat") visit(s.steps);
    }
  };
  visit(scenario.steps);
  return out;
}

/** The problems of one scenario's app and calls; [] when it can run. */
export function preflightApp(scenario: Scenario): ScenarioIssue[] {
  const app = scenario.cluster.app;
  const issues: ScenarioIssue[] = [];
  let appPaths: string[] | undefined;
  if (app?.source.kind === "mix") {
    try {
      const mix = resolveMixProject(app.source);
      if (mix.configExs) readMixConfig(mix.configExs, mix.mixEnv, mix.projectDir);
      appPaths = [...mix.codePaths];
    } catch (err) {
      if (!(err instanceof MixProjectProblem)) throw err;
      issues.push(issue(scenario, app.sourceAt, `app_${err.code}`, err.message));
      return issues;
    }
  } else if (app?.source.kind === "release") {
    const lib = path.join(app.source.releaseDir, "lib");
    if (!existsSync(path.join(app.source.releaseDir, "bin")) || !existsSync(lib)) {
      issues.push(issue(scenario, app.sourceAt, "app_no_release", `${path.relative(process.cwd(), app.source.releaseDir) || "."} is not a release (no bin/ and lib/ there): build one with \`MIX_ENV=prod mix release\` and point \`release:\` at _build/prod/rel/<name>`));
      return issues;
    }
    // a release built with another OTP than the agent: said before anything starts
    const otp = appProcessProblem(app.source);
    if (otp) {
      issues.push(issue(scenario, app.sourceAt, "app_release_otp", otp));
      return issues;
    }
  }
  // the files: templates' contents (a `{full_name:NODE}` naming no node, app/prepare.ts)
  if (app) for (const p of templateProblems(app, scenario.cluster.nodes)) issues.push(issue(scenario, p.at, "app_template", p.message));
  if (appPaths === undefined && app !== undefined) return issues; // release/command: modules are known only at run time
  const { agentEbin, elixirEbins } = beamPaths();
  const known = [...(appPaths ?? []), agentEbin, ...elixirEbins.map((e) => path.join(e, "..", "..")).flatMap((lib) => ["elixir", "logger", "eex", "mix", "ex_unit", "iex"].map((a) => path.join(lib, a, "ebin")))];
  for (const { call, at } of callsOf(scenario)) {
    if (!call.module.startsWith("Elixir.")) continue; // Erlang modules: OTP's, or loaded at run time
    if (moduleInPaths(call.module, known)) continue;
    const name = call.module.slice("Elixir.".length);
    issues.push(issue(scenario, at, "call_unknown_module", `${call.text}: no module ${name} in ${app ? "the application under test" : "the nodes' code"} (no ${call.module}.beam in its code paths)`, app ? "check the module's name, and that the project is compiled for the scenario's mix_env" : "calls without cluster.app can reach OTP's and Elixir's modules only: add cluster.app"));
  }
  return issues;
}
