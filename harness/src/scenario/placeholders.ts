/**
 * Placeholders in the application's `env` values, `files` targets and file templates:
 * `{node}` `{full_name}` `{nodes}` `{index}` `{dist_port}` `{dir}` `{port:NAME}` `{full_name:NODE}`.
 * ONLY these are placeholders: any other braces (Erlang terms in a sys.config, `{rabbit, [...]}`)
 * stay exactly as written, and so does a `{port:...}` or `{full_name:...}` whose argument is not
 * a valid name (the scenario validator reports those in env values and targets). Pure: the
 * validator uses `placeholdersIn`/`malformedPlaceholders`, the runner `renderTemplate` and
 * `placeholdersIn` (to learn which `{port:NAME}` ports to allocate).
 */

/** The placeholder names of the contract. */
export const PLACEHOLDER_NAMES = ["node", "full_name", "nodes", "index", "dist_port", "dir", "port", "full_name:NODE"] as const;

export const PORT_NAME_PATTERN = "^[a-z][a-z0-9_]*$";
const NODE_ARG = "[a-z][a-z0-9_]{0,30}";
const PORT_ARG = "[a-z][a-z0-9_]*";

export type Placeholder =
  | { readonly kind: "node" | "full_name" | "nodes" | "index" | "dist_port" | "dir"; readonly text: string; readonly offset: number }
  | { readonly kind: "port"; readonly name: string; readonly text: string; readonly offset: number }
  | { readonly kind: "full_name_of"; readonly node: string; readonly text: string; readonly offset: number };

/** A `{port:...}` or `{full_name:...}` whose argument is not a valid name: left as written, but reported. */
export interface MalformedPlaceholder {
  readonly kind: "port" | "full_name_of";
  readonly argument: string;
  readonly text: string;
  readonly offset: number;
}

const VALID = new RegExp(`\\{(?:(node|full_name|nodes|index|dist_port|dir)|port:(${PORT_ARG})|full_name:(${NODE_ARG}))\\}`, "g");
const WITH_ARGUMENT = /\{(port|full_name):([^{}\s]*)\}/g;

/** Every placeholder in `text`, in order (each occurrence once). */
export function placeholdersIn(text: string): Placeholder[] {
  const out: Placeholder[] = [];
  for (const m of text.matchAll(VALID)) {
    const [whole, simple, port, node] = m;
    const offset = m.index;
    if (simple !== undefined) out.push({ kind: simple as "node", text: whole, offset });
    else if (port !== undefined) out.push({ kind: "port", name: port, text: whole, offset });
    else if (node !== undefined) out.push({ kind: "full_name_of", node, text: whole, offset });
  }
  return out;
}

/** The distinct `{port:NAME}` names of the given texts, in order of first appearance. */
export function portNamesIn(...texts: readonly string[]): string[] {
  const names = texts.flatMap((t) => placeholdersIn(t).flatMap((p) => (p.kind === "port" ? [p.name] : [])));
  return [...new Set(names)];
}

/** `{port:X}` / `{full_name:X}` with an argument that is not a valid port name / node name. */
export function malformedPlaceholders(text: string): MalformedPlaceholder[] {
  const out: MalformedPlaceholder[] = [];
  for (const m of text.matchAll(WITH_ARGUMENT)) {
    const [whole, kind, argument = ""] = m;
    const valid = kind === "port" ? new RegExp(`^${PORT_ARG}$`) : new RegExp(`^${NODE_ARG}$`);
    if (!valid.test(argument)) out.push({ kind: kind === "port" ? "port" : "full_name_of", argument, text: whole, offset: m.index });
  }
  return out;
}

/** What the placeholders of one node stand for. */
export interface PlaceholderValues {
  /** The node's short name as in the scenario (`n1`). */
  readonly node: string;
  /** The node's full Erlang name (`n1@127.0.0.1`). */
  readonly fullName: string;
  /** Every node's full name, in cluster order; `{nodes}` is them joined by commas. */
  readonly nodes: readonly string[];
  /** 1-based position of the node in the cluster. */
  readonly index: number;
  readonly distPort: number;
  /** The node's own directory. */
  readonly dir: string;
  /** The port allocated to this node for `{port:NAME}`. */
  readonly port: (name: string) => number;
  /** Another node's full name, for `{full_name:NODE}`. */
  readonly fullNameOf: (node: string) => string;
}

/** Replaces every placeholder in `text` (in one pass: replaced text is never scanned again). */
export function renderTemplate(text: string, values: PlaceholderValues): string {
  return text.replace(VALID, (_whole, simple: string | undefined, port: string | undefined, node: string | undefined) => {
    if (port !== undefined) return String(values.port(port));
    if (node !== undefined) return values.fullNameOf(node);
    switch (simple) {
      case "node": return values.node;
      case "full_name": return values.fullName;
      case "nodes": return values.nodes.join(",");
      case "index": return String(values.index);
      case "dist_port": return String(values.distPort);
      default: return values.dir;
    }
  });
}
