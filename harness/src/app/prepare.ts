/**
 * The application under test, before any node boots: what each node must load (code paths),
 * which environment and files each node gets (templates rendered per node), and what the
 * cluster must mount (docker). Problems a person can fix before the run (no mix.exs, a missing
 * or stale `_build`, a `call:` naming a module the app does not have) are found here, with the
 * scenario position that caused them (preflight.ts turns them into `file:line:column` errors).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AppSpec } from "../scenario/model.js";
import { malformedPlaceholders, placeholdersIn, portNamesIn, renderTemplate } from "../scenario/placeholders.js";
import { readMixConfig } from "./config.js";
import { resolveMixProject, type MixProject } from "./mix-project.js";

/** Who a node is, as its templates see it (the runtime's identity of the node). */
export type { NodeIdentity } from "../runtime/backend.js";
import type { NodeIdentity } from "../runtime/backend.js";

export interface PreparedApp {
  readonly spec: AppSpec;
  /** The resolved Mix project (mix apps only). */
  readonly mix: MixProject | undefined;
  /** config/config.exs as an Erlang external term (mix apps with a config.exs). */
  readonly configEtf: Buffer | undefined;
  /** `-pa` for every node. */
  readonly codePaths: readonly string[];
  /** Host folders each node must reach at the same path (docker bind mounts). */
  readonly mounts: readonly { path: string; writable: boolean }[];
  /** Renders the node's files and returns its environment. Called right before the node boots. */
  prepareNode(node: NodeIdentity): Record<string, string>;
  /** The node's scratch directory (`{dir}`). */
  dirOf(name: string): string;
}

/** Names of `{port:NAME}` placeholders in every template of the app, in first-seen order. */
export function portNames(spec: AppSpec): string[] {
  const templates: string[] = [];
  for (const f of spec.files) {
    try {
      templates.push(readFileSync(f.source, "utf8"));
    } catch {
      // a missing template is reported when the node's files are rendered
    }
  }
  return portNamesIn(...Object.values(spec.env), ...spec.files.map((f) => f.target), ...templates);
}

/**
 * Problems in the contents of the `files:` templates, found before any node boots (the scenario
 * validator checks env values and targets; the templates are other files): a template that
 * cannot be read, a `{full_name:NODE}` naming no node of the cluster (it would render a name no
 * node has, e.g. a peer list RabbitMQ's classic_config waits for in vain), a malformed
 * `{port:...}`/`{full_name:...}`. Each with the template's file:line:column.
 */
export function templateProblems(spec: AppSpec, nodes: readonly string[]): { at: (typeof spec.files)[number]["at"]; message: string }[] {
  const out: { at: (typeof spec.files)[number]["at"]; message: string }[] = [];
  const seen = new Set<string>();
  for (const f of spec.files) {
    if (seen.has(f.source)) continue;
    seen.add(f.source);
    let text: string;
    try {
      text = readFileSync(f.source, "utf8");
    } catch (err) {
      out.push({ at: f.at, message: `the template ${f.source} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
      continue;
    }
    const where = (offset: number) => {
      const before = text.slice(0, offset).split("\n");
      return `${f.source}:${before.length}:${before.at(-1)!.length + 1}`;
    };
    for (const p of placeholdersIn(text)) {
      if (p.kind === "full_name_of" && !nodes.includes(p.node)) out.push({ at: f.at, message: `${where(p.offset)}: unknown node \`${p.node}\` in placeholder \`${p.text}\` (the cluster's nodes: ${nodes.join(", ")})` });
    }
    for (const bad of malformedPlaceholders(text)) {
      out.push({ at: f.at, message: `${where(bad.offset)}: bad placeholder \`${bad.text}\`: ${bad.kind === "port" ? "a port name is a lowercase letter, then lowercase letters, digits or _" : `\`{full_name:NODE}\` names one of the cluster's nodes (${nodes.join(", ")})`}` });
    }
  }
  return out;
}

/**
 * Resolves the app of a scenario for one run. `ports(node, name)` gives the port of a
 * `{port:NAME}` placeholder (allocated by the caller, one per node and name).
 */
export function prepareApp(spec: AppSpec, runDir: string, ports: (node: string, name: string) => number): PreparedApp {
  let mix: MixProject | undefined;
  let configEtf: Buffer | undefined;
  const mounts: { path: string; writable: boolean }[] = [];
  if (spec.source.kind === "mix") {
    mix = resolveMixProject(spec.source);
    if (mix.configExs) configEtf = readMixConfig(mix.configExs, mix.mixEnv, mix.projectDir);
    // the project (ebins, config/runtime.exs) read-only; docker nodes see it at the same path
    mounts.push({ path: mix.projectDir, writable: false });
  }
  const nodesDir = path.join(path.resolve(runDir), "nodes");
  mounts.push({ path: nodesDir, writable: true });
  const dirOf = (name: string) => path.join(nodesDir, name);
  const templates = new Map<string, string>();
  const template = (file: string) => {
    if (!templates.has(file)) templates.set(file, readFileSync(file, "utf8"));
    return templates.get(file)!;
  };
  return {
    spec,
    mix,
    configEtf,
    codePaths: mix?.codePaths ?? [],
    mounts,
    dirOf,
    prepareNode(node) {
      const dir = dirOf(node.name);
      mkdirSync(dir, { recursive: true });
      const values = {
        node: node.name,
        fullName: node.fullName,
        nodes: node.names.map((n) => node.fullNameOf(n)),
        index: node.index,
        distPort: node.distPort,
        dir,
        port: (name: string) => ports(node.name, name),
        fullNameOf: node.fullNameOf,
      };
      for (const f of spec.files) {
        const target = path.resolve(dir, renderTemplate(f.target, values));
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, renderTemplate(template(f.source), values));
      }
      return Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, renderTemplate(v, values)]));
    },
  };
}
