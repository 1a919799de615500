/**
 * Cross-field rules of `cluster.app` and `cluster.formation`: exactly one source, keys that
 * belong to another source, placeholders in env values and file targets, formation vs
 * reconnect; and the rule every call shares (as many `args` as the arity).
 */
import { parseCall } from "./call.js";
import { hasOwn, isPlainObject } from "./describe.js";
import type { IssuePath } from "./issues.js";
import { malformedPlaceholders, placeholdersIn } from "./placeholders.js";
import { APP_SOURCES } from "./schema-app.js";
import type { SemanticContext } from "./semantic-context.js";
import { suggestionHint } from "./suggest.js";

const names = (keys: readonly string[]) => keys.join(keys.length === 2 ? " and " : ", ");

/** `args` must have as many items as the call's arity. `options` holds `call` and maybe `args`. */
export function callArgsRule(options: Record<string, unknown>, path: IssuePath, ctx: SemanticContext): void {
  const text = options["call"];
  if (typeof text !== "string") return;
  const parsed = parseCall(text);
  if (!parsed.ok) return;
  const args = options["args"];
  const given = Array.isArray(args) ? args.length : args === undefined ? 0 : undefined;
  if (given === undefined || given === parsed.call.arity) return;
  const { arity } = parsed.call;
  const plural = (n: number) => `${n} argument${n === 1 ? "" : "s"}`;
  ctx.report({
    code: "bad_shape",
    message: `\`${text}\` takes ${plural(arity)}, but ${args === undefined ? "no `args` are given" : `\`args\` has ${given}`}`,
    path: args === undefined ? [...path, "call"] : [...path, "args"],
    hint: arity === 0 ? `remove \`args\`, or write the call with /${given}` : `give ${plural(arity)} in \`args\`, or write the call with /${given}`,
  });
}

/** Placeholder problems in one template text (an env value or a files target). */
function templateRule(text: string, path: IssuePath, ctx: SemanticContext, target?: "key"): void {
  for (const bad of malformedPlaceholders(text)) {
    ctx.report(bad.kind === "port"
      ? { code: "bad_placeholder", message: `bad placeholder \`${bad.text}\`: a port name is a lowercase letter, then lowercase letters, digits or _`,
          path, hint: "e.g. `{port:amqp}`", ...(target ? { target } : {}) }
      : { code: "bad_placeholder", message: `bad placeholder \`${bad.text}\`: \`{full_name:NODE}\` names one of the cluster's nodes`,
          path, hint: ctx.nodes === undefined ? "e.g. `{full_name:n1}`" : `e.g. \`{full_name:${ctx.nodes[0] ?? "n1"}}\``, ...(target ? { target } : {}) });
  }
  if (ctx.nodes === undefined) return;
  for (const p of placeholdersIn(text)) {
    if (p.kind !== "full_name_of" || ctx.nodes.includes(p.node)) continue;
    ctx.report({ code: "unknown_node", message: `unknown node \`${p.node}\` in placeholder \`${p.text}\``, path,
      hint: suggestionHint(p.node, ctx.nodes, "the cluster's nodes are"), ...(target ? { target } : {}) });
  }
}

/** A files target stays inside the node's directory: relative (to {dir}) or under `{dir}/`, no `..`, no control characters. */
function targetStaysInDir(target: string): boolean {
  if (/[\u0000-\u001f\u007f-\u009f]/.test(target)) return false;
  const rest = target.startsWith("{dir}/") ? target.slice("{dir}/".length) : target;
  if (rest.startsWith("/") || rest.startsWith("\\") || /^[A-Za-z]:/.test(rest) || rest.startsWith("~")) return false;
  return !rest.split(/[\\/]/).some((part) => part === ".." || part === "{dir}");
}

const SOURCE_ONLY: readonly (readonly [string, (typeof APP_SOURCES)[number]])[] = [
  ["mix_env", "mix"], ["apps", "mix"], ["compile", "mix"], ["cwd", "command"],
];

function appRules(app: Record<string, unknown>, path: IssuePath, ctx: SemanticContext): void {
  const sources = APP_SOURCES.filter((k) => hasOwn(app, k));
  const [, second] = sources;
  if (sources.length === 0) {
    ctx.report({ code: "bad_shape", message: "cluster.app: give exactly one of mix, release or command (found none)", path, target: "key",
      hint: "e.g. `app: { mix: ../my_app }`, `app: { release: ../my_app/_build/prod/rel/my_app }` or `app: { command: [bin/server, start] }`" });
  } else if (second !== undefined) {
    ctx.report({ code: "bad_shape", message: `cluster.app: give exactly one of mix, release or command (found ${names(sources)})`,
      path: [...path, second], target: "key", hint: "one application per scenario: keep one of them" });
  }
  for (const [key, source] of SOURCE_ONLY) {
    if (hasOwn(app, key) && !hasOwn(app, source) && sources.length > 0) {
      ctx.report({ code: "bad_shape", message: `\`cluster.app.${key}\` applies to \`${source}\` apps only, and this app is a \`${sources[0] ?? ""}\` app`,
        path: [...path, key], target: "key", hint: `remove \`${key}\`` });
    }
  }
  const env = app["env"];
  if (isPlainObject(env)) {
    for (const [name, value] of Object.entries(env)) if (typeof value === "string") templateRule(value, [...path, "env", name], ctx);
  }
  const files = app["files"];
  if (isPlainObject(files)) {
    for (const target of Object.keys(files)) {
      if (target.trim() === "") {
        ctx.report({ code: "bad_shape", message: "a file target must not be empty", path: [...path, "files", target], target: "key",
          hint: "e.g. `\"{dir}/app.conf\": templates/app.conf`" });
      } else if (!targetStaysInDir(target)) {
        ctx.report({ code: "bad_shape", path: [...path, "files", target], target: "key",
          message: `the file target ${JSON.stringify(target)} leaves the node's directory: a target is relative to {dir} (or starts with {dir}/), without ..`,
          hint: `e.g. \`"{dir}/${target.split(/[\\/]/).filter((p) => p !== "" && p !== ".." && p !== "{dir}").join("/") || "app.conf"}"\`` });
      } else templateRule(target, [...path, "files", target], ctx, "key");
    }
  }
  const ready = app["ready"];
  if (isPlainObject(ready)) callArgsRule(ready, [...path, "ready"], ctx);
}

/** Rules of `cluster.app` and `cluster.formation`. */
export function clusterAppRules(cluster: unknown, ctx: SemanticContext): void {
  if (!isPlainObject(cluster)) return;
  const app = cluster["app"];
  if (isPlainObject(app)) appRules(app, ["cluster", "app"], ctx);
  if (cluster["formation"] !== "app") return;
  const reconnect = cluster["reconnect"];
  if (hasOwn(cluster, "reconnect") && reconnect !== false) {
    ctx.report({ code: "bad_shape", path: ["cluster", "reconnect"], target: "key",
      message: "`cluster.reconnect` cannot be combined with `formation: app`: the app forms and re-forms the cluster itself, so netsplit's reconnect loop is off",
      hint: "remove `reconnect`, or write `formation: netsplit` to let netsplit's agents re-mesh the nodes" });
  }
  if (!hasOwn(cluster, "app")) {
    ctx.report({ code: "bad_shape", path: ["cluster", "formation"],
      message: "`formation: app` needs `cluster.app`: without an application nothing would connect the nodes",
      hint: "add `app:` (mix, release or command), or remove `formation: app`" });
  }
}
