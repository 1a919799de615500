/** Words for messages: what a schema expects, what a value is, and where a path points. */
import { displayPath, type IssuePath } from "./issues.js";

/** A schema as TypeBox builds it: a JSON Schema object (plus our `x-` keywords). */
export type SchemaNode = Readonly<Record<string, unknown>>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function hasOwn(value: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}

export function str(schema: SchemaNode, key: string): string | undefined {
  const v = schema[key];
  return typeof v === "string" ? v : undefined;
}

export function num(schema: SchemaNode, key: string): number | undefined {
  const v = schema[key];
  return typeof v === "number" ? v : undefined;
}

export function schemaList(schema: SchemaNode, key: string): SchemaNode[] {
  const v = schema[key];
  return Array.isArray(v) ? (v.filter(isPlainObject) as SchemaNode[]) : [];
}

export function properties(schema: SchemaNode): Record<string, SchemaNode> {
  const v = schema["properties"];
  return isPlainObject(v) ? (v as Record<string, SchemaNode>) : {};
}

/** `` `cluster.nodes` `` or "the scenario" for the top level. */
export function subject(path: IssuePath): string {
  return path.length === 0 ? "the scenario" : `\`${displayPath(path)}\``;
}

/** "at the top level" or "in `cluster.reconnect`". */
export function where(path: IssuePath): string {
  return path.length === 0 ? "at the top level" : `in \`${displayPath(path)}\``;
}

/** Shows a scalar as written in YAML; collections by kind. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing (null)";
  // JSON escapes C0 controls; C1 controls (U+007F..U+009F) too, so no message can drive a terminal
  if (typeof value === "string") return JSON.stringify(value).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (typeof value === "object") return "a map";
  return String(value);
}

/** What a schema expects, as a phrase: "an integer", "a list", "`all` or a list of links". */
export function describe(schema: SchemaNode, resolve: (ref: string) => SchemaNode | undefined): string {
  const custom = str(schema, "x-expect");
  if (custom !== undefined) return custom;
  const ref = str(schema, "$ref");
  if (ref !== undefined) {
    const target = resolve(ref);
    return target === undefined ? "a value" : describe(target, resolve);
  }
  if (hasOwn(schema, "const")) return `\`${String(schema["const"])}\``;
  const anyOf = schemaList(schema, "anyOf");
  if (anyOf.length > 0) {
    if (anyOf.every((b) => hasOwn(b, "const"))) return `one of ${anyOf.map((b) => `\`${String(b["const"])}\``).join(", ")}`;
    return anyOf.map((b) => describe(b, resolve)).join(" or ");
  }
  switch (schema["type"]) {
    case "object": return "a map";
    case "array": return "a list";
    case "string": return str(schema, "title") === undefined ? "a string" : `a ${str(schema, "title")}`;
    case "integer": return "a whole number";
    case "number": return "a number";
    case "boolean": return "true or false";
    case "null": return "nothing";
    default: return "a value";
  }
}

/** The first sentence of a description, for hints. */
export function firstSentence(text: string | undefined): string {
  if (text === undefined) return "";
  const end = text.search(/\.(\s|$)/);
  return end < 0 ? text : text.slice(0, end + 1);
}

/** A value as a list: itself when it is one, else empty (for rules over optional lists). */
export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
