import { describe, expect, it } from "vitest";
import { Runtime } from "../scenario/schema.js";
import { isRuntimeName, RUNTIME_NAMES, RUNTIMES } from "./registry.js";

describe("the runtime registry", () => {
  it("names the runtimes the scenario schema accepts, no more, no fewer", () => {
    const schemaNames = (Runtime.anyOf as { const: string }[]).map((l) => l.const);
    expect([...RUNTIME_NAMES].sort()).toEqual([...schemaNames].sort());
  });

  it("tells a runtime name from anything else", () => {
    expect(RUNTIME_NAMES.every(isRuntimeName)).toBe(true);
    expect(isRuntimeName("mars")).toBe(false);
    expect(isRuntimeName("toString")).toBe(false);
    for (const name of RUNTIME_NAMES) expect(RUNTIMES[name].summary.length).toBeGreaterThan(0);
  });
});
