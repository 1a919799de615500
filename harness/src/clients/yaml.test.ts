import { describe, expect, it } from "vitest";
import { clientsFromYaml, historyCheckFromYaml } from "./yaml.js";

describe("clientsFromYaml", () => {
  it("normalises the README's jobs example", () => {
    const workload = clientsFromYaml({
      count: 6, nodes: "round_robin", rate: 5, timeout: "2s", window: { start: "1s", end: "30s" },
      ops: [
        { f: "add", call: "Jobs.submit/1", args: ["{value}"], value: "unique_int", weight: 4, indeterminate: [":timeout"] },
        { f: "read", call: "Jobs.completed/0" },
      ],
    });
    expect(workload).toEqual([{
      count: 6, binding: { kind: "round_robin" }, pace: { kind: "rate", perSecond: 5 }, timeoutMs: 2000, window: { startMs: 1000, endMs: 30000 },
      ops: [
        { f: "add", call: { text: "Jobs.submit/1", module: "Elixir.Jobs", function: "submit", arity: 1 }, args: ["{value}"], value: { kind: "unique_int" }, weight: 4, indeterminate: [":timeout"] },
        { f: "read", call: { text: "Jobs.completed/0", module: "Elixir.Jobs", function: "completed", arity: 0 }, value: { kind: "none" }, weight: 1, indeterminate: [] },
      ],
    }]);
  });

  it("takes a list of groups, defaults, think, fixed nodes and every value kind", () => {
    const [a, b] = clientsFromYaml([
      { ops: [{ f: "incr", call: ":counters.add/1", value: { random_int: { min: 1, max: 3 } } }] },
      { count: 2, nodes: ["n1", "n3"], think: "100ms", ops: [{ f: "put", call: "Kv.put/2", args: ["k", "{value}"], value: { constant: 7 } }] },
    ]);
    expect(a).toMatchObject({ count: 1, binding: { kind: "round_robin" }, pace: { kind: "rate", perSecond: 10 }, timeoutMs: 5000 });
    expect(a!.ops[0]).toMatchObject({ call: { module: "counters" }, value: { kind: "random_int", min: 1, max: 3 } });
    expect(b).toMatchObject({ binding: { kind: "fixed", nodes: ["n1", "n3"] }, pace: { kind: "think", ms: 100 }, ops: [{ value: { kind: "constant", value: 7 } }] });
  });

  it("names the key of what is wrong", () => {
    const ops = [{ f: "add", call: "Jobs.submit/1", value: "unique_int" }];
    expect(() => clientsFromYaml({ rate: 5, think: "1s", ops })).toThrow("clients[0]: give rate or think, not both");
    expect(() => clientsFromYaml({ ops: [{ f: "add", call: "Jobs.submit/2", value: "unique_int" }] })).toThrow("clients[0].ops[0]: Jobs.submit/2 takes 2 arguments, the op gives 0: list them in args (\"{value}\" stands for the op's value)");
    expect(() => clientsFromYaml({ ops: [{ f: "add", call: "Jobs.submit(x)" }] })).toThrow("clients[0].ops[0].call: bad call");
    expect(() => clientsFromYaml({ ops: [{ f: "add", call: "Jobs.submit/1", value: "uniq" }] })).toThrow('clients[0].ops[0].value: unique_int, { random_int: { min, max } } or { constant: value }, got "uniq"');
    expect(() => clientsFromYaml({ nodes: "all", ops })).toThrow("clients[0].nodes: round_robin, random or a list of node names");
    expect(() => clientsFromYaml({ timeout: "2 hours", ops })).toThrow("clients[0].timeout: bad duration");
    expect(() => clientsFromYaml({ count: 0, ops })).toThrow("clients[0].count: a positive integer, got 0");
  });

  it("normalises the history checks with their defaults", () => {
    expect(historyCheckFromYaml("history.set", { add: "add", read: "read", within: "10s" })).toEqual({ name: "history.set", add: "add", read: "read", withinMs: 10000 });
    expect(historyCheckFromYaml("history.counter", null)).toEqual({ name: "history.counter", add: "add", read: "read" });
    expect(historyCheckFromYaml("history.unique_ids", { f: "submit" })).toEqual({ name: "history.unique_ids", f: "submit" });
    expect(historyCheckFromYaml("history.availability", { min: 0.9, during: "fault", f: "add" })).toEqual({ name: "history.availability", min: 0.9, during: "fault", f: ["add"] });
    expect(historyCheckFromYaml("history.exactly_once", { effects: { call: "Jobs.runs/0" } })).toEqual({
      name: "history.exactly_once", add: "add", withinMs: 10000,
      effects: { call: { text: "Jobs.runs/0", module: "Elixir.Jobs", function: "runs", arity: 0 }, args: [], timeoutMs: 5000 },
    });
    expect(() => historyCheckFromYaml("history.availability", { min: 90 })).toThrow("history.availability.min: a share from 0 to 1, e.g. 0.9");
    expect(() => historyCheckFromYaml("history.exactly_once", {})).toThrow("history.exactly_once.effects: a mapping");
    expect(() => historyCheckFromYaml("history.sets", {})).toThrow("history.sets: not a history check");
  });
});
