/**
 * Property tests: mutated scenario files never make the loader throw; it returns a scenario or
 * issues that each have a code, a position and a message. When the loader accepts a file,
 * TypeBox's own validator accepts the parsed value too (our walker is never more lenient).
 */
import { Value } from "@sinclair/typebox/value";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadScenarioText, normalizeScenarioObject, type LoadResult } from "./load.js";
import { ScenarioFileSchema } from "./schema.js";

const goodDir = join(dirname(fileURLToPath(import.meta.url)), "testdata", "good");
const goodTexts = readdirSync(goodDir).filter((f) => f.endsWith(".yaml")).sort().map((f) => readFileSync(join(goodDir, f), "utf8"));

type Mutation =
  | { kind: "delete"; line: number }
  | { kind: "duplicate"; line: number }
  | { kind: "swap"; line: number; other: number }
  | { kind: "insert"; line: number; column: number; text: string }
  | { kind: "indent"; line: number; by: number; tab: boolean }
  | { kind: "scalar"; line: number; value: string };

const SYNTAX = [..." \t\n:-[]{},#&*!|>'\"%@`?\\"];
const yamlish = fc.string({ unit: fc.constantFrom(...SYNTAX, "a", "n1", "5s", "0", "-1", "null"), maxLength: 6 });
const scalar = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -100, max: 100_000 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.constantFrom("true", "null", "~", "[]", "{}", "n9", "N-1", "5 s", "abc", "all", "1.5s", "-1s", "''", "0x1F", ".inf"),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), line: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate" as const), line: fc.nat() }),
  fc.record({ kind: fc.constant("swap" as const), line: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), line: fc.nat(), column: fc.nat(), text: fc.oneof(yamlish, fc.string({ maxLength: 4 })) }),
  fc.record({ kind: fc.constant("indent" as const), line: fc.nat(), by: fc.integer({ min: -4, max: 4 }), tab: fc.boolean() }),
  fc.record({ kind: fc.constant("scalar" as const), line: fc.nat(), value: scalar }),
);

function apply(text: string, mutations: readonly Mutation[]): string {
  const lines = text.split("\n");
  for (const m of mutations) {
    if (lines.length === 0) break;
    const i = m.line % lines.length;
    const line = lines[i] ?? "";
    switch (m.kind) {
      case "delete": lines.splice(i, 1); break;
      case "duplicate": lines.splice(i, 0, line); break;
      case "swap": {
        const j = m.other % lines.length;
        lines[i] = lines[j] ?? "";
        lines[j] = line;
        break;
      }
      case "insert": {
        const c = m.column % (line.length + 1);
        lines[i] = line.slice(0, c) + m.text + line.slice(c);
        break;
      }
      case "indent":
        lines[i] = m.tab ? `\t${line}` : m.by >= 0 ? " ".repeat(m.by) + line : line.replace(new RegExp(`^ {0,${-m.by}}`), "");
        break;
      case "scalar":
        // Replace the value after the first `: ` (or a flow item) with the random scalar.
        lines[i] = /: ./.test(line) ? line.replace(/: .*$/, `: ${m.value}`) : line.replace(/[A-Za-z0-9_.]+(?=[,\]}])/, m.value);
        break;
    }
  }
  return lines.join("\n");
}

function expectWellFormed(result: LoadResult, text: string): void {
  if (result.ok) {
    expect(typeof result.scenario.name).toBe("string");
    expect(Value.Check(ScenarioFileSchema, parse(text))).toBe(true);
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  for (const issue of result.errors) {
    expect(issue.code).toMatch(/^[a-z_]+$/);
    expect(issue.code).not.toBe("internal");
    expect(issue.line).toBeGreaterThanOrEqual(1);
    expect(issue.column).toBeGreaterThanOrEqual(1);
    expect(issue.message.length).toBeGreaterThan(0);
    expect(issue.excerpt).toContain("^");
  }
}

describe("the loader under mutation", () => {
  it("never throws on mutated good files", () => {
    fc.assert(
      fc.property(fc.constantFrom(...goodTexts), fc.array(mutation, { minLength: 1, maxLength: 5 }), (text, mutations) => {
        const mutated = apply(text, mutations);
        expectWellFormed(loadScenarioText(mutated, "fuzz.yaml"), mutated);
      }),
      { numRuns: 300, seed: 20_240_601 },
    );
  }, 60_000);

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom(...SYNTAX), fc.string({ minLength: 1, maxLength: 1, unit: "binary" })), maxLength: 80 }), (text) => {
        expectWellFormed(loadScenarioText(text, "fuzz.yaml"), text);
      }),
      { numRuns: 200, seed: 7 },
    );
  }, 60_000);

  it("never throws on arbitrary JS values", () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const result = normalizeScenarioObject(value, "fuzz");
        if (!result.ok) for (const issue of result.errors) expect(issue.code).not.toBe("internal");
      }),
      { numRuns: 200, seed: 11 },
    );
  }, 60_000);
});
