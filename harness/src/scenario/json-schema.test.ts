import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderScenarioJsonSchema, scenarioJsonSchema } from "./json-schema.js";

const committed = join(dirname(fileURLToPath(import.meta.url)), "../../schema/scenario.schema.json");

type Json = Record<string, unknown>;

/** Every [path, schema] pair reachable through `properties`. */
function propertySchemas(schema: unknown, path = ""): [string, Json][] {
  if (Array.isArray(schema)) return schema.flatMap((s, i) => propertySchemas(s, `${path}[${i}]`));
  if (typeof schema !== "object" || schema === null) return [];
  const out: [string, Json][] = [];
  for (const [key, value] of Object.entries(schema as Json)) {
    if (key === "properties" && typeof value === "object" && value !== null) {
      for (const [name, prop] of Object.entries(value as Json)) out.push([`${path}.${name}`, prop as Json]);
    }
    out.push(...propertySchemas(value, `${path}/${key}`));
  }
  return out;
}

describe("the editor JSON Schema", () => {
  it("is committed and up to date (run `npm run schema` after changing the schema)", () => {
    expect(readFileSync(committed, "utf8")).toBe(renderScenarioJsonSchema());
  });

  it("is draft-07 with the recursive step in definitions and none of our private keywords", () => {
    const schema = scenarioJsonSchema();
    expect(schema["$schema"]).toBe("http://json-schema.org/draft-07/schema#");
    expect(Object.keys(schema["definitions"] as Json)).toEqual(["Step"]);
    const text = renderScenarioJsonSchema();
    expect(text).not.toMatch(/"x-[a-z-]+":/);
    expect(text).not.toMatch(/"\$id"/);
    expect(text.match(/"\$ref": "#\/definitions\/Step"/g)?.length).toBe(2);
  });

  it("describes every key, and documents every default", () => {
    const props = propertySchemas(scenarioJsonSchema());
    expect(props.length).toBeGreaterThan(80);
    const undocumented = props.filter(([, s]) => typeof s["description"] !== "string" || s["description"] === "");
    expect(undocumented.map(([p]) => p)).toEqual([]);
    const silentDefaults = props.filter(([, s]) => "default" in s && !String(s["description"]).includes("Default:"));
    expect(silentDefaults.map(([p]) => p)).toEqual([]);
  });
});
