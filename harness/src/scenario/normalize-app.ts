/** Builds `cluster.app` (AppSpec) and the CallSpecs of calls from validated file values. */
import { resolve } from "node:path";
import { parseCall } from "./call.js";
import type { IssuePath } from "./issues.js";
import type { AppSource, AppSpec, CallSpec, NodeName, SourceRef } from "./model.js";
import { DEFAULTS } from "./schema-common.js";
import type { ScenarioFile } from "./schema.js";
import { ms } from "./durations.js";

type AppFile = NonNullable<ScenarioFile["cluster"]["app"]>;
type At = (path: IssuePath, target?: "key" | "value") => SourceRef;

/** The CallSpec of a validated `call` text and its `args`. */
export function callSpec(text: string, args: readonly unknown[] | undefined): CallSpec {
  const parsed = parseCall(text);
  if (!parsed.ok) throw new Error(`internal: unvalidated call ${text}`);
  return { ...parsed.call, args: [...(args ?? [])] };
}

/** An `expect` value as text: a string as written, a number or boolean as printed. */
export function expectText(value: string | number | boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** `on: all | node | [nodes]` (default all). */
export function callNodes(value: string | readonly string[] | undefined): "all" | readonly NodeName[] {
  if (value === undefined || value === "all") return "all";
  return typeof value === "string" ? [value] : [...value];
}

function source(app: AppFile, baseDir: string): AppSource {
  if (app.mix !== undefined) {
    return { kind: "mix", projectDir: resolve(baseDir, app.mix), mixEnv: app.mix_env ?? DEFAULTS.mixEnv,
      apps: app.apps === undefined ? undefined : [...app.apps], compile: app.compile ?? DEFAULTS.mixCompile };
  }
  if (app.release !== undefined) return { kind: "release", releaseDir: resolve(baseDir, app.release) };
  return { kind: "command", command: [...(app.command ?? [])], cwd: resolve(baseDir, app.cwd ?? ".") };
}

/** The application under test; paths resolved against `baseDir` (the scenario file's directory). */
export function buildApp(app: AppFile | undefined, baseDir: string, at: At): AppSpec | undefined {
  if (app === undefined) return undefined;
  const path: IssuePath = ["cluster", "app"];
  const sourceKey = app.mix !== undefined ? "mix" : app.release !== undefined ? "release" : "command";
  const config: Record<string, Record<string, unknown>> = {};
  for (const [name, keys] of Object.entries((app.config ?? {}) as Record<string, Record<string, unknown>>)) config[name] = { ...keys };
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries((app.env ?? {}) as Record<string, string | number>)) env[name] = String(value);
  const files = Object.entries((app.files ?? {}) as Record<string, string>).map(([target, file]) => ({
    target, source: resolve(baseDir, file), at: at([...path, "files", target], "key"),
  }));
  const ready = app.ready === undefined ? undefined : {
    call: callSpec(app.ready.call, app.ready.args),
    timeoutMs: ms(app.ready.timeout, DEFAULTS.readyTimeout),
    expect: expectText(app.ready.expect),
  };
  return {
    source: source(app, baseDir),
    config,
    env,
    files,
    ready,
    stopGraceMs: ms(app.stop?.grace, DEFAULTS.stopGrace),
    at: at(path, "key"),
    sourceAt: at([...path, sourceKey], "key"),
  };
}
