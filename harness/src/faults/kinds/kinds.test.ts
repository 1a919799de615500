/**
 * The fault registry and the kinds behind it, on a fake cluster that logs what it is asked to
 * do: each kind records one entry timed around its action, the nemesis rules draw the same
 * steps for the same seed, and the report finds how to draw every entry a kind records.
 */
import { describe, expect, it } from "vitest";
import { History } from "../../run/history.js";
import type { RunContext } from "../../run/context.js";
import { seededRng } from "../../run/rng.js";
import { CHANGING_STEP_KINDS, drawnOf, FAULT_KINDS, faultKindOf, isFaultStep, nemesisRule, type FaultStep, type HowApplied } from "./index.js";

const at = { file: "t.yaml", line: 1, column: 1, path: "steps[0]" };
const NODES = ["n1", "n2", "n3"];

function fakeCtx(seed = 7) {
  const calls: string[] = [];
  const states = new Map(NODES.map((n) => [n, "running"]));
  const applied = (kind: string) => async (...args: unknown[]) => {
    calls.push(`${kind} ${JSON.stringify(args)}`);
    return { kind, startedAt: 1000, appliedAt: 1010, pairs: [["n1", "n2"]], directions: ["n1->n2", "n2->n1"] };
  };
  const node = (action: string, state: string) => async (n: string) => {
    calls.push(`${action} ${n}`);
    states.set(n, state);
  };
  const cluster = {
    names: NODES,
    running: () => NODES.filter((n) => states.get(n) === "running"),
    node: (n: string) => ({ name: n, state: states.get(n) }),
    faults: { partition: applied("partition"), oneway: applied("oneway"), delay: applied("delay"), bandwidth: applied("bandwidth"), pauseLinks: applied("pause"), heal: applied("heal"), healed: true },
    kill: node("kill", "killed"), stopNode: node("stop", "stopped"), restart: node("restart", "running"), pause: node("pause", "paused"), resume: node("resume", "running"),
  };
  const lines: string[] = [];
  const ctx = {
    cluster, history: new History(), rng: seededRng(seed), seed, startedAt: 0, progress: (l: string) => lines.push(l),
    sides: null, lastChangeAt: null, globalNames: new Set<string>(), hordeUnavailable: null, signal: new AbortController().signal,
  } as unknown as RunContext;
  const workload: string[][] = [];
  const how = (nemesis = false): HowApplied => ({ path: nemesis ? "steps[0]#nemesis" : "steps[0]", nemesis, startWorkloadOn: async (nodes) => void workload.push([...nodes]) });
  return { ctx, calls, lines, workload, how };
}

describe("the fault registry", () => {
  it("files every kind under its own name", () => {
    for (const [name, kind] of Object.entries(FAULT_KINDS)) expect(kind.kind).toBe(name);
  });

  it("tells fault steps from the runner's own steps", () => {
    expect(isFaultStep({ kind: "partition" })).toBe(true);
    expect(isFaultStep({ kind: "global_register" })).toBe(true);
    for (const kind of ["wait", "wait_until", "repeat", "nemesis", "check", "log", "toString"]) expect(isFaultStep({ kind })).toBe(false);
  });

  it("lists the steps that change the network or a node (the recorders snapshot Toxiproxy around them)", () => {
    for (const kind of ["bandwidth", "delay", "heal", "kill", "oneway", "partition", "pause", "pause_link", "restart", "resume", "stop"]) expect(CHANGING_STEP_KINDS.has(kind), kind).toBe(true);
    expect(CHANGING_STEP_KINDS.has("global_register")).toBe(false);
    expect([...CHANGING_STEP_KINDS].every((k) => FAULT_KINDS[k as keyof typeof FAULT_KINDS].drawn.as !== "none")).toBe(true);
  });

  it("says how the report draws each recorded entry, a node pause apart from a link pause", () => {
    expect(drawnOf({ kind: "partition", pairs: [] })).toEqual({ as: "link", cut: true });
    expect(drawnOf({ kind: "oneway" })).toEqual({ as: "link", cut: true });
    expect(drawnOf({ kind: "delay" })).toEqual({ as: "link", cut: false });
    expect(drawnOf({ kind: "pause" })).toEqual({ as: "link", cut: false });
    expect(drawnOf({ kind: "pause", nodes: ["n1"] })).toEqual({ as: "node_down" });
    expect(drawnOf({ kind: "kill", nodes: ["n1"] })).toEqual({ as: "node_down" });
    expect(drawnOf({ kind: "restart", nodes: ["n1"] })).toEqual({ as: "node_bounce" });
    expect(drawnOf({ kind: "resume", nodes: ["n1"] })).toEqual({ as: "node_up" });
    expect(drawnOf({ kind: "heal", pairs: [] })).toEqual({ as: "heal" });
    expect(drawnOf({ kind: "teleport" })).toBeUndefined();
  });

  it("lets the nemesis draw exactly partition, oneway, delay, kill, pause and restart", () => {
    const drawable = Object.keys(FAULT_KINDS).filter((k) => nemesisRule(k) !== undefined).sort();
    expect(drawable).toEqual(["delay", "kill", "oneway", "partition", "pause", "restart"]);
    expect(nemesisRule("restart")?.lasts).toBe("instant");
    expect(nemesisRule("kill")?.lasts).toBe("interval");
  });
});

describe("a node action", () => {
  it("acts on every node, records one entry timed around the action, then restarts the workload", async () => {
    const { ctx, calls, lines, workload, how } = fakeCtx();
    const step = { kind: "restart", nodes: ["n1", "n2"], at } as FaultStep<"restart">;
    await faultKindOf(step).apply(ctx, step, how());
    expect(calls).toEqual(["restart n1", "restart n2"]);
    expect(workload).toEqual([["n1", "n2"]]);
    const [entry] = ctx.history.entries;
    expect(entry).toMatchObject({ type: "fault", step: "steps[0]", kind: "restart", nodes: ["n1", "n2"] });
    expect(entry!.t).toBe(entry!.startedAt);
    expect(entry!.appliedAt as number).toBeGreaterThanOrEqual(entry!.startedAt as number);
    expect(ctx.lastChangeAt).toBe(entry!.appliedAt);
    expect(entry).not.toHaveProperty("nemesis");
    expect(lines[0]).toMatch(/^ *\+\d+\.\d\ds {2}restart n1, n2 \(\d+ ms\)$/);
  });

  it("says when the nemesis drew it", async () => {
    const { ctx, lines, how } = fakeCtx();
    await FAULT_KINDS.kill.apply(ctx, { kind: "kill", nodes: ["n3"], at } as FaultStep<"kill">, how(true));
    expect(ctx.history.entries[0]).toMatchObject({ step: "steps[0]#nemesis", kind: "kill", nemesis: true });
    expect(lines[0]).toContain("nemesis kill n3");
  });
});

describe("a link fault", () => {
  it("records the applied fault at its start, moves the fault state and describes itself", async () => {
    const { ctx, lines, how } = fakeCtx();
    const step: FaultStep<"delay"> = { kind: "delay", links: [["n1", "n2"]], allLinks: false, latencyMs: 200, jitterMs: 20, at };
    await FAULT_KINDS.delay.apply(ctx, step, how());
    expect(ctx.history.entries[0]).toMatchObject({ t: 1000, type: "fault", step: "steps[0]", kind: "delay", startedAt: 1000, appliedAt: 1010 });
    expect(ctx.lastChangeAt).toBe(1010);
    expect(lines[0]).toContain("delay 200±20 ms on n1-n2 (2 directed links, applied in 10 ms)");
    expect(FAULT_KINDS.delay.describe(step)).toBe("delay 200±20 ms on n1-n2");
    expect(FAULT_KINDS.delay.describe({ ...step, jitterMs: 0, allLinks: true })).toBe("delay 200 ms on all links");
  });

  it("heal clears the partition's sides", async () => {
    const { ctx, how } = fakeCtx();
    ctx.sides = [["n1"], ["n2", "n3"]];
    await FAULT_KINDS.heal.apply(ctx, { kind: "heal", links: "all", at }, how());
    expect(ctx.sides).toBeNull();
    expect(ctx.history.entries[0]).toMatchObject({ kind: "heal" });
  });
});

describe("the nemesis rules", () => {
  it("draw the same steps from the same seed", () => {
    const draw = (seed: number) => {
      const { ctx } = fakeCtx(seed);
      return ["partition", "oneway", "delay", "kill"].map((k) => nemesisRule(k)!.draw(ctx, "n2", "reset", at));
    };
    expect(draw(42)).toEqual(draw(42));
    const [partition, oneway, delay, kill] = draw(42);
    expect(partition).toMatchObject({ kind: "partition", mode: "reset" });
    expect(oneway).toMatchObject({ kind: "oneway", from: ["n2"] });
    expect((oneway as FaultStep<"oneway">).to[0]).not.toBe("n2");
    const d = delay as FaultStep<"delay">;
    expect(d.latencyMs).toBeGreaterThanOrEqual(100);
    expect(d.latencyMs).toBeLessThan(500);
    expect(d.links[0]).toContain("n2");
    expect(kill).toEqual({ kind: "kill", nodes: ["n2"], at });
  });

  it("do not draw a node action on a node that is not running", async () => {
    const { ctx, how } = fakeCtx();
    await FAULT_KINDS.pause.apply(ctx, { kind: "pause", nodes: ["n2"], at } as FaultStep<"pause">, how());
    expect(nemesisRule("kill")!.draw(ctx, "n2", "blackhole", at)).toBeNull();
    expect(nemesisRule("kill")!.draw(ctx, "n1", "blackhole", at)).not.toBeNull();
  });
});

describe("how the report names a kind's fault windows", () => {
  it("partition: its sides from the cut pairs, oneway: its directions, pause_link: a noun before its pairs", () => {
    const cut = { pairs: [["n1", "n3"], ["n2", "n3"]] as [string, string][], directions: ["n1->n3", "n3->n1", "n2->n3", "n3->n2"], mode: "reset" };
    expect(FAULT_KINDS.partition.report?.label?.(cut, NODES)).toBe("partition n1 n2 | n3 (reset)");
    expect(FAULT_KINDS.partition.report?.label?.({ ...cut, pairs: [["n1", "n3"]], mode: undefined }, NODES)).toBe("partition 1 links cut");
    expect(FAULT_KINDS.oneway.report?.label?.({ pairs: [["n1", "n2"]], directions: ["n1->n2"], mode: undefined }, NODES)).toBe("one-way n1→n2");
    expect(FAULT_KINDS.pause_link.report?.noun).toBe("lossless pause on");
    expect(FAULT_KINDS.delay.report).toBeUndefined();
  });
});
