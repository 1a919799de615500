import { describe, expect, it } from "vitest";
import { pick, seededRng } from "./rng.js";

describe("seededRng", () => {
  it("is deterministic per seed and differs between seeds", () => {
    const a = seededRng(42), b = seededRng(42), c = seededRng(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it("pick covers every item and refuses an empty list", () => {
    const rng = seededRng(1);
    const seen = new Set(Array.from({ length: 200 }, () => pick(rng, ["a", "b", "c"])));
    expect([...seen].sort()).toEqual(["a", "b", "c"]);
    expect(() => pick(rng, [])).toThrow();
  });
});
