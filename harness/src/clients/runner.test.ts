import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CallReply } from "../agent/ops.js";
import { seededRng } from "../run/rng.js";
import { readOps } from "./history.js";
import { startClients, type ClientDeps, type ClientsSummary } from "./runner.js";
import type { ClientOpSpec, ClientSpec, Op } from "./types.js";

/** A clock the test moves: sleeps resolve in time order as `advance` passes them. */
class FakeClock {
  t = 0;
  private timers: { at: number; resolve: () => void }[] = [];
  now = () => this.t;
  sleep = (ms: number, signal?: AbortSignal): Promise<void> => new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => { this.timers = this.timers.filter((x) => x !== timer); resolve(); };
    const timer = { at: this.t + Math.max(0, ms), resolve: () => { signal?.removeEventListener("abort", onAbort); resolve(); } };
    this.timers.push(timer);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const next = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = next.at;
      next.resolve();
    }
    this.t = end;
    await flush();
  }
}
const flush = () => new Promise<void>((r) => setImmediate(r));

/** stop(), moving the fake clock on while it waits for calls in flight. */
async function stopped(clock: FakeClock, c: { stop(): Promise<ClientsSummary> }): Promise<ClientsSummary> {
  let done: ClientsSummary | undefined;
  const stopping = c.stop().then((s) => (done = s));
  for (let i = 0; i < 100 && !done; i++) await clock.advance(10);
  return stopping;
}

const returned = (printed: string, extra: Partial<CallReply> = {}): CallReply => ({ outcome: "returned", printed, class: "ok", us: 100, ...extra } as CallReply);

function op(f: string, extra: Partial<ClientOpSpec> = {}): ClientOpSpec {
  return { f, call: { text: `Jobs.${f}/1`, module: "Elixir.Jobs", function: f, arity: 1 }, value: { kind: "unique_int" }, weight: 1, indeterminate: [], ...extra };
}

function spec(extra: Partial<ClientSpec> = {}): ClientSpec {
  return { count: 2, binding: { kind: "round_robin" }, pace: { kind: "rate", perSecond: 10 }, timeoutMs: 1000, ops: [op("add")], ...extra };
}

function setup(extra: Partial<ClientDeps> & { latencyMs?: number; reply?: (fn: string, args: unknown[]) => CallReply | "never" | Error } = {}) {
  const clock = new FakeClock();
  const calls: { node: string; fn: string; args: unknown[] }[] = [];
  const deps: ClientDeps = {
    nodes: ["n1", "n2", "n3"], rng: seededRng(42), runStartedAt: Date.UTC(2026, 0, 1), keep: true,
    now: clock.now, sleep: clock.sleep, nodeState: () => "running",
    call: async (node, _module, fn, args) => {
      calls.push({ node, fn, args });
      const r = extra.reply?.(fn, args) ?? returned(":ok");
      if (r === "never") return new Promise<CallReply>(() => {});
      await clock.sleep(extra.latencyMs ?? 20);
      if (r instanceof Error) throw r;
      return r;
    },
    ...extra,
  };
  return { clock, deps, calls };
}

const invokes = (ops: readonly Op[], process?: number) => ops.filter((o) => o.type === "invoke" && (process === undefined || o.process === process));

describe("startClients", () => {
  let dir: string | undefined;
  afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); dir = undefined; });

  it("paces each client at its rate, one op in flight per client", async () => {
    const { clock, deps } = setup({ latencyMs: 20 });
    const clients = startClients(deps, [spec()]);
    await clock.advance(950);
    const summary = await stopped(clock, clients);
    expect(invokes(clients.log.ops, 0).map((o) => o.startMs)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(clients.log.ops.filter((o) => o.type === "ok" && o.process === 0).map((o) => o.endMs)).toEqual([20, 120, 220, 320, 420, 520, 620, 720, 820, 920]);
    expect(summary).toMatchObject({ invokes: 20, ok: 20, fail: 0, info: 0, bindings: ["n1", "n2"], closedAtStop: 0 });
  });

  it("a slow op is followed at once (no catch-up burst); think time waits after completion", async () => {
    const slow = setup({ latencyMs: 150 });
    const a = startClients(slow.deps, [spec({ count: 1 })]);
    await slow.clock.advance(500);
    await stopped(slow.clock, a);
    expect(invokes(a.log.ops).map((o) => o.startMs)).toEqual([0, 150, 300, 450]);
    const think = setup({ latencyMs: 20 });
    const b = startClients(think.deps, [spec({ count: 1, pace: { kind: "think", ms: 50 } })]);
    await think.clock.advance(300);
    await stopped(think.clock, b);
    expect(invokes(b.log.ops).map((o) => o.startMs)).toEqual([0, 70, 140, 210, 280]);
  });

  it("runs only within its window", async () => {
    const { clock, deps } = setup();
    const c = startClients(deps, [spec({ count: 1, window: { startMs: 500, endMs: 800 } })]);
    await clock.advance(2000);
    await stopped(clock, c);
    expect(invokes(c.log.ops).map((o) => o.startMs)).toEqual([500, 600, 700]);
  });

  it("repeats the same ops, values and bindings with the same seed, whatever the timing", async () => {
    const mix: ClientSpec = spec({
      count: 4, binding: { kind: "random" },
      ops: [op("add", { weight: 3 }), op("read", { value: { kind: "none" }, weight: 1 }), op("roll", { value: { kind: "random_int", min: 1, max: 6 } })],
    });
    const runOnce = async (seed: number, latencyMs: number) => {
      const { clock, deps } = setup({ latencyMs, rng: seededRng(seed) });
      const c = startClients(deps, [mix]);
      await clock.advance(2000);
      const s = await stopped(clock, c);
      const perProcess = [0, 1, 2, 3].map((p) => invokes(c.log.ops, p).slice(0, 8).map((o) => `${o.f}:${String(o.value)}@${o.node}`));
      return { bindings: s.bindings, perProcess, values: invokes(c.log.ops).filter((o) => o.f === "add").map((o) => o.value) };
    };
    const a = await runOnce(7, 20), b = await runOnce(7, 55), other = await runOnce(8, 20);
    expect(b.bindings).toEqual(a.bindings);
    expect(b.perProcess).toEqual(a.perProcess);
    expect(other.perProcess).not.toEqual(a.perProcess);
    expect(new Set(a.values).size).toBe(a.values.length); // unique_int: unique across clients
    expect(a.perProcess.flat().some((s) => s.startsWith("roll:"))).toBe(true);
  });

  it("records fail without calling when the client's node is down, and backs off", async () => {
    const { clock, deps, calls } = setup({ nodeState: (n) => (n === "n2" ? "killed" : "running") });
    const c = startClients(deps, [spec({ pace: { kind: "think", ms: 0 } })]);
    await clock.advance(350);
    await stopped(clock, c);
    const p1 = c.log.ops.filter((o) => o.process === 1 && o.type !== "invoke");
    expect(p1.map((o) => [o.type, o.startMs, o.error])).toEqual([0, 100, 200, 300].map((t) => ["fail", t, "not called: n2 is killed"]));
    expect(calls.every((x) => x.node === "n1")).toBe(true);
  });

  it("classifies replies: ok with the value (or printed), error -> fail, indeterminate reason, raise and timeout -> info", async () => {
    const replies: Record<string, CallReply> = {
      a: returned("[1, 2]", { value: [1, 2] }),
      b: returned('{:ok, "n1-1"}'),
      c: returned("{:error, :no_quorum}", { class: "error", reason: ":no_quorum" }),
      d: returned("{:error, :timeout}", { class: "error", reason: ":timeout" }),
      e: { outcome: "raised", kind: "error", printed: "** (RuntimeError) boom\n    (jobs) lib/x.ex:1", us: 5 },
      f: { outcome: "timeout", us: 1000 },
    };
    const { clock, deps } = setup({ reply: (fn) => replies[fn]! });
    const ops = Object.keys(replies).map((f) => op(f, { indeterminate: [":timeout"] }));
    const c = startClients(deps, Object.keys(replies).map((_, i) => spec({ count: 1, ops: [ops[i]!] })));
    await clock.advance(50);
    await stopped(clock, c);
    const first = (f: string) => c.log.ops.find((o) => o.f === f && o.type !== "invoke")!;
    expect(first("a")).toMatchObject({ type: "ok", value: [1, 2] });
    expect(first("b")).toMatchObject({ type: "ok", value: '{:ok, "n1-1"}' });
    expect(first("c")).toMatchObject({ type: "fail", error: "returned {:error, :no_quorum}" });
    expect(first("d")).toMatchObject({ type: "info", error: "returned {:error, :timeout}" });
    expect(first("e")).toMatchObject({ type: "info", error: "raised ** (RuntimeError) boom" });
    expect(first("f")).toMatchObject({ type: "info", error: "did not return within 1000 ms" });
  });

  it("a call that never returns ends as info at the harness guard, and the client goes on", async () => {
    let n = 0;
    const { clock, deps } = setup({ guardMs: 500, reply: () => (n++ === 0 ? "never" : returned(":ok")) });
    const c = startClients(deps, [spec({ count: 1 })]);
    await clock.advance(1600);
    await stopped(clock, c);
    const done = c.log.ops.filter((o) => o.type !== "invoke");
    expect(done[0]).toMatchObject({ type: "info", endMs: 1500, error: "no reply within 1500 ms (harness guard)" });
    expect(done[1]).toMatchObject({ type: "ok", startMs: 1500 });
  });

  it("a node killed with a call in flight ends that op as info, naming the node's state", async () => {
    let state = "running";
    const { clock, deps } = setup({ nodeState: () => state, reply: () => { state = "killed"; return new Error("agent connection closed"); } });
    const c = startClients(deps, [spec({ count: 1 })]);
    await clock.advance(50);
    await stopped(clock, c);
    expect(c.log.ops.filter((o) => o.type !== "invoke")[0]).toMatchObject({ type: "info", error: "n1 went killed with the call in flight (no answer: agent connection closed)" });
  });

  it("a refused call (no such function) is a fail: nothing ran", async () => {
    const { clock, deps } = setup({ reply: () => new Error("Jobs.add/1 is not exported (Jobs exports: submit/1)") });
    const c = startClients(deps, [spec({ count: 1 })]);
    await clock.advance(10);
    await stopped(clock, c);
    expect(c.log.ops.filter((o) => o.type !== "invoke")[0]).toMatchObject({ type: "fail", error: "refused: Jobs.add/1 is not exported (Jobs exports: submit/1)" });
  });

  it("stop() closes every open op as info, so invokes == completions, and streams ops.jsonl", async () => {
    dir = mkdtempSync(join(tmpdir(), "netsplit-clients-"));
    const file = join(dir, "ops.jsonl");
    const { clock, deps } = setup({ file, stopGraceMs: 200, reply: () => "never" });
    const c = startClients(deps, [spec({ count: 3 })]);
    await clock.advance(10);
    const stopping = c.stop();
    await clock.advance(200);
    const summary = await stopping;
    expect(summary).toMatchObject({ invokes: 3, info: 3, closedAtStop: 3, file });
    const { ops, truncated } = readOps(file);
    expect(truncated).toBe(false);
    expect(ops).toEqual(c.log.ops);
    expect(ops.slice(3).map((o) => [o.process, o.type, o.endMs, o.error])).toEqual([0, 1, 2].map((p) => [p, "info", 210, "open at the end of the run"]));
    expect(ops[0]).toMatchObject({ index: 0, type: "invoke", process: 0, node: "n1", f: "add", value: 1, startMs: 0, startAt: "2026-01-01T00:00:00.000Z" });
    expect(await c.stop()).toEqual(summary);
  });

  it("stop() waits for calls in flight within its grace", async () => {
    const { clock, deps } = setup({ latencyMs: 50, stopGraceMs: 1000 });
    const c = startClients(deps, [spec({ count: 1 })]);
    await clock.advance(10);
    const stopping = c.stop();
    await clock.advance(100);
    expect(await stopping).toMatchObject({ invokes: 1, ok: 1, closedAtStop: 0 });
  });

  it("runs on real timers too (the default sleep) and stops promptly", async () => {
    const t0 = performance.now();
    const c = startClients({
      nodes: ["n1"], rng: seededRng(1), runStartedAt: Date.now(), now: () => performance.now() - t0, nodeState: () => "running",
      call: async () => { await new Promise((r) => setTimeout(r, 5)); return returned(":ok"); },
    }, [spec({ count: 2, pace: { kind: "rate", perSecond: 50 } })]);
    await new Promise((r) => setTimeout(r, 120));
    const s = await c.stop();
    expect(s.invokes).toBeGreaterThanOrEqual(6);
    expect(s.ok + s.fail + s.info).toBe(s.invokes);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
