/** Hints for the structural validator: how to fix a wrong type, a bad name, a missing key. */
import { hasOwn, isPlainObject, properties, showValue, str, type SchemaNode } from "./describe.js";
import { parseDuration } from "./durations.js";
import type { IssuePath } from "./issues.js";

/** The first variant of `value` that matches `pattern` (lowercased, invalid characters as `_`). */
export function fixName(value: string, pattern: string): string | undefined {
  const re = new RegExp(pattern);
  const lower = value.toLowerCase();
  const variants = [
    lower,
    value.replace(/[^A-Za-z0-9_.-]/g, "_"),
    lower.replace(/[^a-z0-9_]/g, "_"),
    lower.replace(/[^a-z0-9_]/g, "_").replace(/^[^a-z]+/, ""),
    value.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^[^A-Za-z0-9]+/, ""),
  ];
  return variants.find((v) => v !== value && v !== "" && re.test(v));
}

export function missingKeyHint(key: string, schema: SchemaNode | undefined): string | undefined {
  if (schema === undefined) return undefined;
  if (hasOwn(schema, "const")) return `add \`${key}: ${String(schema["const"])}\``;
  const description = str(schema, "description");
  return description === undefined ? `add \`${key}:\`` : `add \`${key}:\` — ${description}`;
}

function acceptsType(schema: SchemaNode, type: string): boolean {
  if (schema["type"] === type) return true;
  const anyOf = schema["anyOf"];
  return Array.isArray(anyOf) && anyOf.some((b) => isPlainObject(b) && acceptsType(b as SchemaNode, type));
}

function lastKey(path: IssuePath): string {
  const last = path.at(-1);
  return typeof last === "string" ? last : "";
}

/** A hint for a value of the wrong type, when a likely fix is known. */
export function badTypeHint(schema: SchemaNode, value: unknown, path: IssuePath): string | undefined {
  if (typeof value === "string") {
    const text = value.trim();
    if ((acceptsType(schema, "integer") || acceptsType(schema, "number"))) {
      if (/^-?[0-9]+(\.[0-9]+)?$/.test(text)) return `write it without quotes: ${text}`;
      const duration = parseDuration(text);
      if (duration.ok && lastKey(path).endsWith("_ms")) return `\`${lastKey(path)}\` is in milliseconds, without a unit: write ${duration.ms}`;
      if (duration.ok) return "write a plain number, without a unit";
    }
    if (acceptsType(schema, "boolean") && /^(true|false|yes|no|on|off|y|n)$/i.test(text)) {
      return "write true or false, without quotes";
    }
    if (acceptsType(schema, "object")) {
      const props = properties(schema);
      const match = /^([A-Za-z_][\w.]*)\s*(.*)$/.exec(text);
      const [, word = "", rest = ""] = match ?? [];
      if (word !== "" && hasOwn(props, word)) {
        return rest === "" ? `\`${word}\` needs a value: \`${word}: ...\`` : `add a colon: \`${word}: ${rest}\``;
      }
    }
  }
  if ((typeof value === "number" || typeof value === "boolean") && acceptsType(schema, "string")) {
    return `write it in quotes: "${String(value)}"`;
  }
  if (schema["type"] === "array" && value !== null && typeof value !== "object") {
    return `write a list: [${typeof value === "string" ? value : showValue(value)}]`;
  }
  return undefined;
}
