/**
 * The structural validator: walks the TypeBox schema (a JSON Schema) alongside a plain value and
 * reports every problem with its path: unknown keys (with the nearest valid key), wrong types,
 * missing keys, out-of-range numbers, bad names and durations, unknown node references. It
 * never stops at the first problem. Cross-field rules live in semantic.ts.
 */
import type { TSchema } from "@sinclair/typebox";
import {
  describe, hasOwn, isPlainObject, num, properties, schemaList, showValue, str, subject, where, type SchemaNode,
} from "./describe.js";
import { parseCall } from "./call.js";
import { parseDuration } from "./durations.js";
import type { IssuePath, RawIssue } from "./issues.js";
import { NODE_NAME_PATTERN, NODE_NAME_RULE } from "./schema-common.js";
import { listNames, nearest, suggestionHint } from "./suggest.js";
import { badTypeHint, fixName, missingKeyHint } from "./validate-hints.js";

export interface ValidateContext {
  /** The cluster's node names, when `cluster.nodes` is valid; undefined skips reference checks. */
  readonly nodes: readonly string[] | undefined;
}

function collectIds(schema: unknown, into: Map<string, SchemaNode>): Map<string, SchemaNode> {
  if (Array.isArray(schema)) for (const item of schema) collectIds(item, into);
  else if (isPlainObject(schema)) {
    const id = schema["$id"];
    if (typeof id === "string") into.set(id, schema);
    for (const value of Object.values(schema)) collectIds(value, into);
  }
  return into;
}

function jsTypeFits(schema: SchemaNode, value: unknown, resolve: (ref: string) => SchemaNode | undefined): boolean {
  const ref = str(schema, "$ref");
  if (ref !== undefined) {
    const target = resolve(ref);
    return target !== undefined && jsTypeFits(target, value, resolve);
  }
  if (schema["x-kind"] === "duration") return typeof value === "number" || typeof value === "string";
  const anyOf = schemaList(schema, "anyOf");
  if (anyOf.length > 0) return anyOf.some((b) => jsTypeFits(b, value, resolve));
  if (hasOwn(schema, "const")) return typeof schema["const"] === typeof value;
  if (schema["type"] === undefined) return true;
  switch (schema["type"]) {
    case "object": return isPlainObject(value);
    case "array": return Array.isArray(value);
    case "integer": case "number": return typeof value === "number";
    case "null": return value === null;
    default: return typeof value === schema["type"];
  }
}

class Walker {
  readonly out: RawIssue[] = [];
  constructor(
    private readonly ids: Map<string, SchemaNode>,
    private readonly ctx: ValidateContext,
  ) {}

  readonly resolve = (ref: string): SchemaNode | undefined => this.ids.get(ref);

  private add(code: string, message: string, path: IssuePath, hint?: string, target?: "key"): void {
    this.out.push({ code, message, path, ...(hint === undefined ? {} : { hint }), ...(target ? { target } : {}) });
  }

  private badType(schema: SchemaNode, value: unknown, path: IssuePath): void {
    const expected = describe(schema, this.resolve);
    this.add("bad_type", `${subject(path)} must be ${expected}, got ${showValue(value)}`, path, badTypeHint(schema, value, path));
  }

  check(schema: SchemaNode, value: unknown, path: IssuePath): void {
    const ref = str(schema, "$ref");
    if (ref !== undefined) {
      const target = this.resolve(ref);
      if (target !== undefined) this.check(target, value, path);
      return;
    }
    if (schema["x-kind"] === "duration") {
      const parsed = parseDuration(value);
      if (!parsed.ok) this.add("bad_duration", `${subject(path)}: ${parsed.message}`, path, parsed.hint);
      return;
    }
    if (schemaList(schema, "anyOf").length > 0) return this.union(schema, value, path);
    if (hasOwn(schema, "const")) return this.constant(schema, value, path);
    if (schema["type"] === undefined) return; // Type.Unknown(): any value
    switch (schema["type"]) {
      case "object": return this.object(schema, value, path);
      case "array": return this.array(schema, value, path);
      case "string": return this.string(schema, value, path);
      case "integer": case "number": return this.number(schema, value, path);
      default:
        if (!jsTypeFits(schema, value, this.resolve)) this.badType(schema, value, path);
    }
  }

  private constant(schema: SchemaNode, value: unknown, path: IssuePath): void {
    const wanted = schema["const"];
    if (value === wanted) return;
    if (schema["x-kind"] === "version") {
      const hint = value === "1" ? "write 1 without quotes" : `set \`${String(path.at(-1))}: ${String(wanted)}\``;
      this.add("bad_version", `unsupported format version ${showValue(value)}: this netsplit reads version ${String(wanted)}`, path, hint);
    } else if (typeof value === typeof wanted) {
      this.add("bad_value", `${subject(path)} must be \`${String(wanted)}\`, got ${showValue(value)}`, path);
    } else this.badType(schema, value, path);
  }

  private union(schema: SchemaNode, value: unknown, path: IssuePath): void {
    const branches = schemaList(schema, "anyOf");
    if (branches.every((b) => hasOwn(b, "const"))) {
      const options = branches.map((b) => b["const"]);
      if (options.includes(value)) return;
      if (!options.some((o) => typeof o === typeof value)) return this.badType(schema, value, path);
      const names = options.map(String);
      const guess = typeof value === "string" ? nearest(value, names) : undefined;
      this.add("bad_value", `${subject(path)} must be one of ${listNames(names)}, got ${showValue(value)}`, path,
        guess === undefined ? undefined : `did you mean \`${guess}\`?`);
      return;
    }
    let fitting = branches.filter((b) => jsTypeFits(b, value, this.resolve));
    // `all` or a node name: a constant that differs from the value is not what the user meant when another branch fits
    const nonConstant = fitting.filter((b) => !hasOwn(b, "const") || b["const"] === value);
    if (nonConstant.length > 0 && nonConstant.length < fitting.length) fitting = nonConstant;
    const [only] = fitting;
    if (only === undefined) return this.badType(schema, value, path);
    if (fitting.length === 1) return this.check(only, value, path);
    const attempts = fitting.map((branch) => {
      const sub = new Walker(this.ids, this.ctx);
      sub.check(branch, value, path);
      const props = properties(branch);
      const score = isPlainObject(value) ? Object.keys(value).filter((k) => hasOwn(props, k)).length : 0;
      const used = isPlainObject(value) ? Object.keys(value).filter((k) => hasOwn(props, k)) : [];
      return { issues: sub.out, score: used.length, used };
    });
    if (attempts.some((a) => a.issues.length === 0)) return;
    attempts.sort((a, b) => b.score - a.score || a.issues.length - b.issues.length);
    const [best, second] = attempts;
    const expect = str(schema, "x-expect");
    if (best !== undefined && expect !== undefined && (best.score === 0 || best.score === second?.score)) {
      const mixed = best.score > 0 && second !== undefined
        ? `it mixes ${listNames(best.used)} with ${listNames(second.used.filter((k) => !best.used.includes(k)))}: split it into separate items`
        : undefined;
      this.add("bad_shape", `${subject(path)} must be ${expect}`, path, mixed);
    } else if (best !== undefined) this.out.push(...best.issues);
  }

  private object(schema: SchemaNode, value: unknown, path: IssuePath): void {
    if (!isPlainObject(value)) return this.badType(schema, value, path);
    const props = properties(schema);
    const extra = schema["additionalProperties"];
    const keys = Object.keys(value);
    const known = keys.filter((k) => hasOwn(props, k));
    const keyPattern = isPlainObject(schema["propertyNames"]) ? str(schema["propertyNames"] as SchemaNode, "pattern") : undefined;
    for (const key of keys) {
      const child = [...path, key];
      if (hasOwn(props, key)) this.check(props[key] as SchemaNode, value[key], child);
      else if (keyPattern !== undefined && !new RegExp(keyPattern).test(key)) {
        const upper = key.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
        const fixed = fixName(key, keyPattern) ?? (new RegExp(keyPattern).test(upper) ? upper : undefined);
        this.add("bad_name", `invalid ${str(schema, "x-key-title") ?? "key"} ${showValue(key)}: ${str(schema, "x-key-rule") ?? `it must match ${keyPattern}`}`,
          child, fixed === undefined ? undefined : `did you mean \`${fixed}\`?`, "key");
      }
      else if (schema["x-keys"] === "node") this.nodeKey(key, props, extra, value[key], child);
      else if (isPlainObject(extra)) this.check(extra, value[key], child);
      else this.unknownKey(schema, key, Object.keys(props), path);
    }
    for (const required of (schema["required"] as string[] | undefined) ?? []) {
      if (hasOwn(value, required)) continue;
      this.add("missing_key", `missing key \`${required}\` ${where(path)}`, path, missingKeyHint(required, props[required]));
    }
    if (num(schema, "minProperties") === 1 && num(schema, "maxProperties") === 1) {
      const noun = str(schema, "x-key-noun") ?? "key";
      if (keys.length === 0) {
        this.add("bad_shape", `${subject(path)} is empty: it must be ${str(schema, "x-expect") ?? "a map with one key"}`, path,
          `valid ${noun}s: ${listNames(Object.keys(props), 20)}`);
      } else if (known.length > 1) {
        this.add("bad_shape", `${subject(path)} holds ${known.length} ${noun}s (${listNames(known)}): a list item holds exactly one`, path,
          `write each as its own list item: ${known.map((k) => `\`- ${k}: ...\``).join(", ")}`);
      }
    } else if ((num(schema, "minProperties") ?? 0) > keys.length) {
      this.add("bad_shape", `${subject(path)} must not be empty`, path, str(schema, "description"));
    }
  }

  private unknownKey(schema: SchemaNode, key: string, valid: string[], path: IssuePath): void {
    const noun = str(schema, "x-key-noun") ?? "key";
    const guess = nearest(key, valid);
    const hint = guess === undefined ? `valid ${noun}s ${where(path)}: ${listNames(valid, 20)}` : `did you mean \`${guess}\`?`;
    this.add("unknown_key", `unknown ${noun} \`${key}\` ${where(path)}`, [...path, key], hint, "key");
  }

  private nodeKey(key: string, props: Record<string, SchemaNode>, extra: unknown, value: unknown, path: IssuePath): void {
    if (!new RegExp(NODE_NAME_PATTERN).test(key)) {
      const fixed = fixName(key, NODE_NAME_PATTERN);
      this.add("bad_name", `invalid node name ${showValue(key)}: ${NODE_NAME_RULE}`, path,
        fixed === undefined ? undefined : `did you mean \`${fixed}\`?`, "key");
    } else if (this.ctx.nodes !== undefined && !this.ctx.nodes.includes(key)) {
      const choices = [...this.ctx.nodes, ...Object.keys(props)];
      this.add("unknown_node", `unknown node \`${key}\``, path, suggestionHint(key, choices, "the cluster's nodes are", this.ctx.nodes), "key");
    } else if (isPlainObject(extra)) this.check(extra, value, path);
  }

  private array(schema: SchemaNode, value: unknown, path: IssuePath): void {
    if (!Array.isArray(value)) return this.badType(schema, value, path);
    const items = schema["items"];
    if (isPlainObject(items)) value.forEach((item, i) => this.check(items, item, [...path, i]));
    const min = num(schema, "minItems");
    const max = num(schema, "maxItems");
    const expect = str(schema, "x-expect");
    const count = `${value.length} item${value.length === 1 ? "" : "s"}`;
    if ((min !== undefined && value.length < min) || (max !== undefined && value.length > max)) {
      const rule = expect ?? (min !== undefined && value.length < min ? `at least ${min} item${min === 1 ? "" : "s"}` : `at most ${max} items`);
      this.add("bad_shape", `${subject(path)} must ${expect === undefined ? "have" : "be"} ${rule}, got ${count}`, path);
    }
    if (schema["uniqueItems"] === true) {
      const seen = new Set<unknown>();
      value.forEach((item, i) => {
        if (typeof item === "object" && item !== null) return;
        if (seen.has(item)) this.add("bad_shape", `${showValue(item)} appears twice in ${subject(path)}`, [...path, i]);
        seen.add(item);
      });
    }
  }

  private string(schema: SchemaNode, value: unknown, path: IssuePath): void {
    if (typeof value !== "string") return this.badType(schema, value, path);
    if (schema["x-kind"] === "call") {
      const parsed = parseCall(value);
      if (!parsed.ok) this.add("bad_call", `${subject(path)}: ${parsed.message}`, path, parsed.hint);
      return;
    }
    const minLength = num(schema, "minLength");
    if (minLength !== undefined && value.length < minLength) {
      this.add("bad_shape", `${subject(path)} must not be empty`, path, str(schema, "description"));
      return;
    }
    const pattern = str(schema, "pattern");
    if (pattern !== undefined && !new RegExp(pattern).test(value)) {
      const fixed = schema["x-kind"] === "text" ? undefined : fixName(value, pattern);
      const rule = str(schema, "patternErrorMessage") ?? `it must match ${pattern}`;
      this.add("bad_name", `invalid ${str(schema, "title") ?? "name"} ${showValue(value)}: ${rule}`, path,
        fixed === undefined ? undefined : `did you mean \`${fixed}\`?`);
      return;
    }
    if (schema["x-kind"] === "node" && this.ctx.nodes !== undefined && !this.ctx.nodes.includes(value)) {
      this.add("unknown_node", `unknown node \`${value}\``, path, suggestionHint(value, this.ctx.nodes, "the cluster's nodes are"));
    }
  }

  private number(schema: SchemaNode, value: unknown, path: IssuePath): void {
    if (typeof value !== "number" || !Number.isFinite(value) || (schema["type"] === "integer" && !Number.isInteger(value))) {
      return this.badType(schema, value, path);
    }
    const min = num(schema, "minimum");
    const max = num(schema, "maximum");
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
      const range = min !== undefined && max !== undefined ? `from ${min} to ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
      this.add("bad_shape", `${subject(path)} must be ${range}, got ${value}`, path);
    }
  }
}

/** Validates `value` against `schema`, returning every problem found (empty when valid). */
export function validateValue(schema: TSchema, value: unknown, ctx: ValidateContext): RawIssue[] {
  const walker = new Walker(collectIds(schema, new Map()), ctx);
  walker.check(schema as unknown as SchemaNode, value, []);
  return walker.out;
}
