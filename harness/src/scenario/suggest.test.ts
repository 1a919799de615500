import { describe, expect, it } from "vitest";
import { editDistance, listNames, nearest, suggestionHint } from "./suggest.js";

describe("suggestions", () => {
  it("measures edit distance with transpositions", () => {
    expect(editDistance("interval_ms", "interval_ms")).toBe(0);
    expect(editDistance("intervl_ms", "interval_ms")).toBe(1);
    expect(editDistance("chekcs", "checks")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests the nearest plausible candidate", () => {
    expect(nearest("intervl_ms", ["interval_ms"])).toBe("interval_ms");
    expect(nearest("cluster.mash", ["cluster.mesh", "cluster.sees"])).toBe("cluster.mesh");
    expect(nearest("mesh", ["cluster.mesh", "pg.converged"])).toBe("cluster.mesh");
    expect(nearest("Kernel", ["kernel", "nodes"])).toBe("kernel");
    expect(nearest("completely_else", ["nodes", "runtime"])).toBeUndefined();
  });

  it("makes no arbitrary guess between equally near candidates", () => {
    expect(nearest("n7", ["n1", "n2", "n3"])).toBeUndefined();
    expect(nearest("nn3", ["n1", "n2", "n3"])).toBe("n3");
  });

  it("lists names, abbreviating long lists", () => {
    expect(listNames(["a", "b"])).toBe("`a`, `b`");
    expect(listNames(["a", "b", "c"], 2)).toBe("`a`, `b`, … (3 in all)");
    expect(suggestionHint("gama", ["alpha", "gamma"], "nodes")).toBe("did you mean `gamma`? nodes: `alpha`, `gamma`");
  });
});
