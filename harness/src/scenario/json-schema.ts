/**
 * The JSON Schema for editors (harness/schema/scenario.schema.json), generated from the TypeBox
 * schema: draft-07, our `x-` keywords stripped, the recursive Step moved to `definitions`, and
 * keywords in a fixed order so the file is stable. `npm run schema` writes it; a unit test
 * fails when the committed file is stale.
 */
import { isPlainObject } from "./describe.js";
import { ScenarioFileSchema } from "./schema.js";

const KEYWORD_ORDER = [
  "$schema", "$id", "$ref", "title", "description", "type", "const", "enum", "default", "pattern",
  "patternErrorMessage", "minimum", "maximum", "minItems", "maxItems", "uniqueItems", "minProperties",
  "maxProperties", "properties", "required", "additionalProperties", "items", "anyOf", "definitions",
];

type Json = unknown;

function ordered(object: Record<string, Json>): Record<string, Json> {
  const keys = Object.keys(object);
  const known = KEYWORD_ORDER.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !KEYWORD_ORDER.includes(k));
  const out: Record<string, Json> = {};
  for (const key of [...known, ...rest]) out[key] = object[key];
  return out;
}

function transform(value: Json, definitions: Record<string, Json>, isRoot: boolean, parentKey: string): Json {
  if (Array.isArray(value)) return value.map((v) => transform(v, definitions, false, ""));
  if (!isPlainObject(value)) return value;
  // Inside `properties`, keys are property names, never keywords.
  const isPropertyMap = parentKey === "properties";
  const out: Record<string, Json> = {};
  for (const [key, child] of Object.entries(value)) {
    if (!isPropertyMap && key.startsWith("x-")) continue;
    if (!isPropertyMap && key === "$ref" && typeof child === "string" && !child.startsWith("#")) {
      out[key] = `#/definitions/${child}`;
    } else if (!isPropertyMap && key === "$id" && !isRoot) {
      continue;
    } else out[key] = transform(child, definitions, false, isPropertyMap ? "" : key);
  }
  const id = value["$id"];
  if (!isPropertyMap && !isRoot && typeof id === "string") {
    definitions[id] = ordered(out);
    return { $ref: `#/definitions/${id}` };
  }
  return isPropertyMap ? out : ordered(out);
}

/** The editor schema as a JSON value. */
export function scenarioJsonSchema(): Record<string, Json> {
  const definitions: Record<string, Json> = {};
  const body = transform(ScenarioFileSchema, definitions, true, "") as Record<string, Json>;
  const sortedDefinitions: Record<string, Json> = {};
  for (const key of Object.keys(definitions).sort()) sortedDefinitions[key] = definitions[key];
  return ordered({ $schema: "http://json-schema.org/draft-07/schema#", ...body, definitions: sortedDefinitions });
}

/** The editor schema as the text of the committed file. */
export function renderScenarioJsonSchema(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
