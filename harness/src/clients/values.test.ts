import { describe, expect, it } from "vitest";
import { seededRng } from "../run/rng.js";
import type { ClientOpSpec } from "./types.js";
import { bindNodes, callArgs, clientRngs, drawValue, pickOp, valueText } from "./values.js";

const op = (f: string, extra: Partial<ClientOpSpec> = {}): ClientOpSpec => ({
  f, call: { text: `Jobs.${f}/1`, module: "Elixir.Jobs", function: f, arity: 1 }, value: { kind: "unique_int" }, weight: 1, indeterminate: [], ...extra,
});

describe("client values and bindings", () => {
  it("binds round robin, fixed (cycling its list) and random (seeded)", () => {
    const nodes = ["n1", "n2", "n3"];
    expect(bindNodes({ kind: "round_robin" }, nodes, 5, seededRng(1))).toEqual(["n1", "n2", "n3", "n1", "n2"]);
    expect(bindNodes({ kind: "fixed", nodes: ["n3", "n1"] }, nodes, 3, seededRng(1))).toEqual(["n3", "n1", "n3"]);
    const random = bindNodes({ kind: "random" }, nodes, 8, seededRng(5));
    expect(bindNodes({ kind: "random" }, nodes, 8, seededRng(5))).toEqual(random);
    expect(random.every((n) => nodes.includes(n))).toBe(true);
    expect(() => bindNodes({ kind: "round_robin" }, [], 1, seededRng(1))).toThrow("clients need at least one node to bind to");
    expect(() => bindNodes({ kind: "fixed", nodes: ["n1", "n9"] }, nodes, 2, seededRng(1))).toThrow("clients are bound to n9, not a node of the cluster (n1, n2, n3)");
  });

  it("unique_int is k·P + p + 1: unique across clients, independent of timing", () => {
    const values = [0, 1, 2].flatMap((process) => [0, 1, 2].map((k) => drawValue({ kind: "unique_int" }, { rng: seededRng(1), process, processes: 3, uniqueDrawn: k })));
    expect(values.sort((a, b) => (a as number) - (b as number))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("random_int stays in [min, max]; constant and none", () => {
    const rng = seededRng(3);
    const rolls = Array.from({ length: 200 }, () => drawValue({ kind: "random_int", min: 1, max: 6 }, { rng, process: 0, processes: 1, uniqueDrawn: 0 }) as number);
    expect(Math.min(...rolls)).toBe(1);
    expect(Math.max(...rolls)).toBe(6);
    expect(drawValue({ kind: "constant", value: "x" }, { rng, process: 0, processes: 1, uniqueDrawn: 0 })).toBe("x");
    expect(drawValue({ kind: "none" }, { rng, process: 0, processes: 1, uniqueDrawn: 0 })).toBeNull();
  });

  it("picks ops by weight, never a zero weight", () => {
    const rng = seededRng(9);
    const ops = [op("add", { weight: 3 }), op("read", { weight: 1 }), op("never", { weight: 0 })];
    const picks = Array.from({ length: 4000 }, () => pickOp(ops, rng).f);
    const adds = picks.filter((f) => f === "add").length;
    expect(adds).toBeGreaterThan(2800);
    expect(adds).toBeLessThan(3200);
    expect(picks).not.toContain("never");
    expect(() => pickOp([op("x", { weight: 0 })], rng)).toThrow("at least one op with a positive weight");
  });

  it("gives each client its own generator, the same for the same seed", () => {
    const a = clientRngs(seededRng(1), 3).map((r) => r());
    expect(clientRngs(seededRng(1), 3).map((r) => r())).toEqual(a);
    expect(new Set(a).size).toBe(3);
  });

  it("fills the args template with the value", () => {
    expect(callArgs(op("submit"), 17)).toEqual([17]);
    expect(callArgs(op("completed", { value: { kind: "none" } }), null)).toEqual([]);
    expect(callArgs(op("submit", { args: ["job {value}", "{value}", { id: "{value}" }, 3] }), 17)).toEqual(["job 17", 17, { id: 17 }, 3]);
    expect(callArgs(op("submit", { call: { text: "Jobs.x/0", module: "Elixir.Jobs", function: "x", arity: 0 } }), 1)).toEqual([]);
  });

  it("valueText makes the keys elements compare by", () => {
    expect([17, "17", true, null, [1, "a"], { a: 1 }].map(valueText)).toEqual(["17", "17", "true", "nil", '[1,"a"]', '{"a":1}']);
  });
});
