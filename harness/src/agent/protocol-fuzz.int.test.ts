/**
 * Hostile input to a live node agent (docs/PROTOCOL.md, "Hostile input"). A real 2-node cluster
 * runs; raw TCP sockets to n1's control port send what a broken or malicious client would:
 * garbage, empty, oversized, truncated and deeply nested frames, bad hellos, floods of silent
 * connections, and after a valid hello bad requests and malformed frames, plus fast-check
 * properties over arbitrary frames. After every case:
 *   - n1's OS process is the same and alive, the cluster is still meshed, the harness's own
 *     AgentClient (connected since boot) still answers, and a new client can still connect on
 *     the same control port (the listener was not restarted);
 *   - the agent closed the fuzzing socket where the protocol says it drops the connection, or
 *     answered with an error reply and kept it (a request with an integer id after hello);
 *   - n1's log has a line naming the socket's address and why it was dropped.
 */
import fc from "fast-check";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Packr } from "msgpackr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedCluster } from "../runtime/cluster.js";
import { startLocalCluster } from "../runtime/local.js";
import { AgentClient } from "./client.js";
import { encodeFrame, FrameDecoder, MAX_FRAME_BYTES } from "./codec.js";

/** The agent's limit on a frame before hello (Netsplit.Agent.Conn). */
const PRE_AUTH_MAX_FRAME = 64 * 1024;
const HELLO_TIMEOUT_MS = 5000;
/** How long the agent may take to close a socket it drops at once (a bound, not a timing). */
const DROP_BOUND_MS = 3000;

const packr = new Packr({ useRecords: false, variableMapSize: true });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A 4-byte big-endian length header followed by `body`, whatever the body is. */
function rawFrame(body: Uint8Array): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

function header(size: number): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(size, 0);
  return head;
}

type Frame = Record<string, unknown>;

/** Values msgpackr can write: JSON, binary, every float (NaN, infinities, -0), 64-bit integers. */
const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(null, true, false, "", "hello"),
    fc.integer(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.double(),
    fc.string({ maxLength: 40 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie("value"), { maxKeys: 5 }),
  ),
})).value;

/** Argument values, often the right shape, so the ops run deeper than their first check. */
const argValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom("n1@127.0.0.1", "n2@127.0.0.1", "n9@127.0.0.1", 1, 3, 0, -1, 1000, 1001),
  fc.array(fc.record({ scope: fc.constantFrom("s", "netsplit", ""), group: fc.string({ maxLength: 4 }) }), { maxLength: 3 }),
  anyValue,
);

/** A control connection that speaks raw bytes and records what the agent sends and does. */
class RawConn {
  readonly frames: Frame[] = [];
  /** Set when the socket closed before we closed it: the agent dropped us. */
  closedByAgentAt: number | undefined;
  readonly openedAt = performance.now();
  private readonly decoder = new FrameDecoder();
  private ourClose = false;
  private readonly waiters = new Set<() => void>();

  /** "127.0.0.1:<our port>": how the agent names us in its log (read while connected). */
  readonly peer: string;

  private constructor(readonly socket: net.Socket) {
    this.peer = `127.0.0.1:${socket.localPort}`;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk)) this.frames.push(f as Frame);
      this.wake();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      if (!this.ourClose) this.closedByAgentAt = performance.now();
      this.wake();
    });
  }

  static open(port: number): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host: "127.0.0.1", port });
      socket.once("connect", () => resolve(new RawConn(socket)));
      socket.once("error", reject);
    });
  }


  get closed(): boolean {
    return this.closedByAgentAt !== undefined;
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves when `predicate` holds, or with false after `timeoutMs`. */
  private until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    if (predicate()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!predicate()) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed || !this.socket.writable) return resolve();
      this.socket.write(bytes, () => resolve());
    });
  }

  send(value: unknown): Promise<void> {
    return this.write(encodeFrame(value));
  }

  /** Writes one byte at a time, each its own segment (no Nagle) after a pause. */
  async trickle(bytes: Uint8Array): Promise<void> {
    for (const b of bytes) {
      await this.write(Uint8Array.of(b));
      await sleep(1);
    }
  }

  /** The reply with this id; rejects if none comes within the bound. */
  async reply(id: number, timeoutMs = 10_000): Promise<Frame> {
    const ok = await this.until(() => this.frames.some((f) => f.id === id), timeoutMs);
    if (!ok) throw new Error(`no reply with id ${id} within ${timeoutMs} ms (closed by agent: ${this.closed}; frames: ${JSON.stringify(this.frames.filter((f) => !("event" in f)))})`);
    return this.frames.find((f) => f.id === id)!;
  }

  /** True once the agent closed the connection; false if it is still open after `timeoutMs`. */
  waitClosed(timeoutMs = DROP_BOUND_MS): Promise<boolean> {
    return this.until(() => this.closed, timeoutMs);
  }

  destroy(): void {
    this.ourClose = true;
    this.socket.destroy();
  }
}

describe("hostile input to a live node agent", () => {
  let cluster: StartedCluster;
  let logDir: string;
  let secret: string;
  let port: number;
  let pid: number;
  const open: RawConn[] = [];

  const logFile = () => path.join(logDir, "n1.log");
  const logText = () => {
    try {
      return readFileSync(logFile(), "utf8");
    } catch {
      return "";
    }
  };

  /** Waits (bounded) for a line of n1's log that names `peer` and matches `reason`. */
  async function logLine(peer: string, reason: RegExp, timeoutMs = 5000): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      // the address is followed by ":" or " " (so port 4567 does not match 45678)
      const line = logText().split("\n").find((l) => l.includes("netsplit control: ") && (l.includes(`${peer}:`) || l.includes(`${peer} `)) && reason.test(l));
      if (line) return line;
      if (performance.now() > deadline) {
        const mentions = logText().split("\n").filter((l) => l.includes(peer));
        throw new Error(`n1's log has no line for ${peer} matching ${reason}; lines naming it: ${JSON.stringify(mentions)}`);
      }
      await sleep(20);
    }
  }

  async function connect(): Promise<RawConn> {
    const c = await RawConn.open(port);
    open.push(c);
    return c;
  }

  /** A raw connection past hello, with the run's secret. */
  async function authed(): Promise<RawConn> {
    const c = await connect();
    await c.send({ id: 0, op: "hello", secret });
    const hello = await c.reply(0);
    expect(hello.ok, JSON.stringify(hello)).toBe(true);
    return c;
  }

  /** The node survived, is meshed, and its control channel works, old and new connections. */
  async function expectHealthy(): Promise<void> {
    const n1 = cluster.node("n1");
    expect(n1.state).toBe("running");
    expect(n1.pid).toBe(pid);
    expect(n1.controlPort).toBe(port);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    expect(stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3), "n1's process state").not.toMatch(/[ZX]/);
    expect(cluster.isMeshed(), cluster.describeViews()).toBe(true);
    const nonce = randomUUID();
    expect(await cluster.agent("n1").call("echo", { value: nonce })).toBe(nonce);
    const view = await cluster.agent("n1").call<{ nodes: string[] }>("view");
    expect(view.nodes).toContain("n2@127.0.0.1");
    const fresh = await AgentClient.connect({ host: "127.0.0.1", port, secret, name: "n1" });
    try {
      expect(await fresh.call("echo", { value: nonce })).toBe(nonce);
    } finally {
      fresh.close();
    }
  }

  /** The agent closed `c` on its own, logged why, and nothing else was harmed. */
  async function expectDropped(c: RawConn, reason: RegExp): Promise<string> {
    expect(await c.waitClosed(), `the agent did not close ${c.peer}`).toBe(true);
    const line = await logLine(c.peer, reason);
    await expectHealthy();
    return line;
  }

  beforeAll(async () => {
    logDir = mkdtempSync(path.join(tmpdir(), "netsplit-protocol-fuzz-"));
    cluster = await startLocalCluster({ nodes: 2, logDir });
    // The run's secret lives only in the cluster object (and the nodes' environment); a test
    // that speaks the protocol by hand needs it. It is never printed.
    const s: unknown = Reflect.get(cluster, "secret");
    if (typeof s !== "string" || s.length < 32) throw new Error("cannot find the run's control secret on StartedCluster (field `secret`); update this test");
    secret = s;
    port = cluster.node("n1").controlPort;
    pid = cluster.node("n1").pid;
  });

  afterAll(async () => {
    for (const c of open) c.destroy();
    await cluster?.stop();
    // the secret must never reach the node's log, whatever was sent
    if (logDir) {
      const leaked = secret !== undefined && logText().includes(secret);
      rmSync(logDir, { recursive: true, force: true });
      expect(leaked, "the run's secret appears in n1's log").toBe(false);
    }
  });

  describe("before hello: every bad first frame drops the connection", () => {
    it("bytes that are not a frame (an HTTP request) are refused by their length header", async () => {
      const c = await connect();
      await c.write(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
      await expectDropped(c, /frame header announces more than the 65536-byte limit before hello/);
      expect(c.frames).toEqual([]);
    });

    it("a zero-length frame", async () => {
      const c = await connect();
      await c.write(header(0));
      await expectDropped(c, /undecodable frame of 0 bytes: :truncated/);
    });

    it.each([0xffff_ffff, MAX_FRAME_BYTES + 1, PRE_AUTH_MAX_FRAME + 1])("a length header of %i bytes is refused on the header alone", async (size) => {
      const c = await connect();
      await c.write(header(size)); // and never a byte of body: the agent decides on 4 bytes
      await expectDropped(c, /frame header announces more than the 65536-byte limit before hello/);
    });

    it("a frame of exactly the pre-hello limit is read (then refused for what it holds)", async () => {
      const c = await connect();
      await c.write(rawFrame(Buffer.alloc(PRE_AUTH_MAX_FRAME, 0xc0)));
      await expectDropped(c, /undecodable frame of 65536 bytes: \{:trailing_bytes, 65535\}/);
    });

    it("a frame nested 65535 deep", async () => {
      const c = await connect();
      await c.write(rawFrame(Buffer.concat([Buffer.alloc(PRE_AUTH_MAX_FRAME - 1, 0x91), Buffer.of(0xc0)])));
      await expectDropped(c, /undecodable frame of 65536 bytes: :too_deep/);
    });

    it("a truncated frame, then the client closes", async () => {
      const c = await connect();
      await c.write(Buffer.concat([header(100), Buffer.alloc(10, 0x41)]));
      c.socket.end();
      expect(await c.waitClosed()).toBe(true);
      await logLine(c.peer, /closed the connection before hello/);
      await expectHealthy();
    });

    it.each([
      ["an array", [1, 2, 3], /frame is not a map: \[1, 2, 3\]/],
      ["a string", "hello", /frame is not a map: "hello"/],
      ["nil", null, /frame is not a map: nil/],
      ["an integer", 42, /frame is not a map: 42/],
    ])("valid MessagePack that is not a map: %s", async (_what, value, reason) => {
      const c = await connect();
      await c.send(value);
      await expectDropped(c, reason);
    });

    const wrongSecrets: [string, (s: string) => Frame, RegExp][] = [
      ["hello without a secret", () => ({ id: 0, op: "hello" }), /hello without a secret/],
      ["a wrong secret of the same length", (s) => ({ id: 0, op: "hello", secret: s.replace(/.$/, (ch) => (ch === "0" ? "1" : "0")) }), /hello with a wrong secret/],
      ["the secret and one more byte", (s) => ({ id: 0, op: "hello", secret: `${s}0` }), /hello with a wrong secret/],
      ["an empty secret", () => ({ id: 0, op: "hello", secret: "" }), /hello with a wrong secret/],
      ["a secret that is a number", () => ({ id: 0, op: "hello", secret: 12345 }), /hello with a secret that is not a string/],
      ["the secret inside an array", (s) => ({ id: 0, op: "hello", secret: [s] }), /hello with a secret that is not a string/],
      ["the secret inside a map", (s) => ({ id: 0, op: "hello", secret: { secret: s } }), /hello with a secret that is not a string/],
      ["a nil secret", () => ({ id: 0, op: "hello", secret: null }), /hello with a secret that is not a string/],
      ["another op first", () => ({ id: 7, op: "echo", args: { value: 1 } }), /the first frame must be hello, got op "echo"/],
      ["the right secret without op", (s) => ({ id: 0, secret: s }), /the first frame must be hello, got a frame without op/],
      ["the right secret with op of another type", (s) => ({ id: 0, op: ["hello"], secret: s }), /the first frame must be hello, got op \["hello"\]/],
    ];
    it.each(wrongSecrets)("%s: refused with an unauthorized reply", async (_what, make, reason) => {
      const c = await connect();
      const frame = make(secret);
      await c.send(frame);
      const id = typeof frame.id === "number" ? frame.id : 0;
      const reply = await c.reply(id);
      expect(reply).toEqual({ id, ok: false, error: "unauthorized" });
      const line = await expectDropped(c, reason);
      expect(line).toMatch(/refused 127\.0\.0\.1:\d+: /);
    });

    it("a hello written one byte at a time is accepted", async () => {
      const c = await connect();
      await c.trickle(encodeFrame({ id: 0, op: "hello", secret }));
      expect((await c.reply(0)).ok).toBe(true);
      await c.send({ id: 1, op: "echo", args: { value: "after a trickled hello" } });
      expect(await c.reply(1)).toEqual({ id: 1, ok: true, result: "after a trickled hello" });
      expect(c.closed).toBe(false);
      await expectHealthy();
    });

    it("50 silent clients and 2 half-sent frames: the node keeps serving; each is dropped at the hello deadline", async () => {
      const silent = await Promise.all(Array.from({ length: 50 }, () => connect()));
      const halfFrame = await connect();
      await halfFrame.write(Buffer.concat([header(100), Buffer.alloc(10, 0x41)]));
      const halfHeader = await connect();
      await halfHeader.write(Buffer.of(0, 0));
      const all = [...silent, halfFrame, halfHeader];
      // while they hang, the harness's connection and new clients are served
      await expectHealthy();
      const closed = await Promise.all(all.map((c) => c.waitClosed(HELLO_TIMEOUT_MS + 10_000)));
      expect(closed.every(Boolean), `still open: ${all.filter((c) => !c.closed).map((c) => c.peer).join(", ")}`).toBe(true);
      for (const c of all) {
        // not before the deadline (the timer starts after the connection is accepted)
        expect(c.closedByAgentAt! - c.openedAt).toBeGreaterThan(HELLO_TIMEOUT_MS - 1000);
      }
      for (const c of all) await logLine(c.peer, /no hello within 5000 ms/);
      await expectHealthy();
    });

    it("property: any one complete frame that is not a valid hello drops the connection, with a reason logged", async () => {
      const body = fc.oneof(
        fc.uint8Array({ maxLength: 600 }),
        anyValue.map((v) => packr.pack(v)),
        fc.record({ id: anyValue, op: fc.oneof(fc.constant("hello"), anyValue), secret: fc.oneof(fc.string(), anyValue) }, { requiredKeys: [] }).map((v) => packr.pack(v)),
      );
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(body, async (bytes) => {
          runs++;
          const c = await connect();
          try {
            await c.write(rawFrame(bytes));
            expect(await c.waitClosed(), `the agent kept ${c.peer} open after ${Buffer.from(bytes).toString("hex").slice(0, 80)}`).toBe(true);
            await logLine(c.peer, /dropping connection from|refused/);
            for (const f of c.frames) expect(f).toMatchObject({ ok: false, error: "unauthorized" });
            await expectHealthy();
          } finally {
            c.destroy();
          }
        }),
        { numRuns: 100, seed: 8017, endOnFailure: true },
      );
      expect(runs).toBe(100);
    });
  });

  describe("after hello: a request with an integer id gets an error reply, anything else drops", () => {
    it("an unknown op gets an error reply and the connection stays usable", async () => {
      const c = await authed();
      await c.send({ id: 1, op: "no_such_op", args: {} });
      expect(await c.reply(1)).toEqual({ id: 1, ok: false, error: 'unknown op "no_such_op"' });
      await c.send({ id: 2, op: "echo", args: { value: [1, "two"] } });
      expect(await c.reply(2)).toEqual({ id: 2, ok: true, result: [1, "two"] });
      expect(c.closed).toBe(false);
      await expectHealthy();
    });

    const badRequests: [string, Frame, RegExp][] = [
      ["args that are not a map", { op: "echo", args: [1, 2] }, /args must be a map, got \[1, 2\]/],
      ["an op that is not a string", { op: 5 }, /a request needs a string op, got 5/],
      ["no op", { args: {} }, /a request needs a string op, got nil/],
      ["hello again", { op: "hello", secret: "x" }, /already authenticated/],
      ["connect to a node given as a number", { op: "connect", args: { node: 5 } }, /missing node argument/],
      ["connect to a node the agent does not know", { op: "connect", args: { node: "zz@nowhere" } }, /unknown node "zz@nowhere"/],
      ["rpc_rtt with a count that is a string", { op: "rpc_rtt", args: { node: "n2@127.0.0.1", count: "many" } }, /count must be 1\.\.1000/],
      ["rpc_rtt with a count too large", { op: "rpc_rtt", args: { node: "n2@127.0.0.1", count: 10 ** 9 } }, /count must be 1\.\.1000/],
      ["set_reconnect with a string", { op: "set_reconnect", args: { interval_ms: "fast" } }, /interval_ms must be nil or an integer 10\.\.4294967295, got "fast"/],
      ["set_reconnect below the minimum", { op: "set_reconnect", args: { interval_ms: -1 } }, /interval_ms must be nil or an integer/],
      ["set_reconnect with a float", { op: "set_reconnect", args: { interval_ms: 2 ** 40 } }, /interval_ms must be nil or an integer/],
      ["global_register without a name", { op: "global_register", args: { name: 5 } }, /global_register needs name/],
      ["global_register with a timeout that is a string", { op: "global_register", args: { name: "fz", timeout_ms: "soon" } }, /timeout_ms must be an integer 1\.\.4294967295, got "soon"/],
      ["global_register with a timeout Erlang refuses", { op: "global_register", args: { name: "fz", timeout_ms: 2n ** 33n } }, /timeout_ms must be an integer/],
      ["global_probe_start with every_ms a map", { op: "global_probe_start", args: { op: "whereis_name", every_ms: { a: 1 } } }, /every_ms must be an integer/],
      ["global_probe_start with a timeout Erlang refuses", { op: "global_probe_start", args: { op: "whereis_name", timeout_ms: 2n ** 64n - 1n } }, /timeout_ms must be an integer/],
      ["global_probe_start with a name that is a number", { op: "global_probe_start", args: { op: "whereis_name", name: 1 } }, /name must be nil or a string/],
      ["global_probe_start with an unknown probe op", { op: "global_probe_start", args: { op: 5 } }, /unknown global probe op 5/],
      ["pg_start with a scope that is a number", { op: "pg_start", args: { scope: 5, group: "g", count: 1 } }, /pg_start needs scope, group/],
      ["pg_view without groups", { op: "pg_view", args: { groups: "all" } }, /pg_view needs groups/],
      ["global_view with names a string", { op: "global_view", args: { names: "x" } }, /global_view needs names/],
      ["horde_start with a sync interval Erlang refuses", { op: "horde_start", args: { index: 0, keys: 1, sync_interval_ms: 2n ** 63n } }, /sync_interval_ms must be at most 4294967295/],
    ];
    it("requests with bad arguments get error replies naming the argument, on a connection that stays", async () => {
      const c = await authed();
      let id = 100;
      for (const [what, request, error] of badRequests) {
        await c.send({ id: ++id, ...request });
        const reply = await c.reply(id);
        expect(reply.ok, what).toBe(false);
        expect(String(reply.error), what).toMatch(error);
      }
      expect(c.closed).toBe(false);
      await expectHealthy();
    });

    it("timer values Erlang refuses, repeated, do not crash the reconnect loop (nor, by restarts, the agent)", async () => {
      // 64-bit integers (BigInt: msgpackr writes uint64); an interval >= 2^63 made the reconnect
      // loop raise, and 4 such crashes within 5 s took the agent's supervisor, and the control
      // server with it, down
      const c = await authed();
      for (let id = 1; id <= 8; id++) await c.send({ id, op: "set_reconnect", args: { interval_ms: 2n ** 64n - BigInt(id) } });
      for (let id = 1; id <= 8; id++) expect((await c.reply(id)).error).toMatch(/interval_ms must be nil or an integer 10\.\.4294967295/);
      // the loop still takes a valid interval: the run's own
      await c.send({ id: 9, op: "set_reconnect", args: { interval_ms: cluster.reconnectMs } });
      expect(await c.reply(9)).toEqual({ id: 9, ok: true, result: "ok" });
      await expectHealthy();
    });

    it.each([
      ["no id", { op: "echo", args: { value: 1 } }, /request without an integer id/],
      ["a string id", { id: "1", op: "echo" }, /request without an integer id/],
      ["a float id", { id: 1.5, op: "echo" }, /request without an integer id/],
    ])("a request with %s is dropped: no reply could be matched to it", async (_what, request, reason) => {
      const c = await authed();
      await c.send(request);
      await expectDropped(c, reason);
    });

    it.each([
      ["the reserved byte", Buffer.of(0xc1), /undecodable frame of 1 bytes: \{:reserved_byte, 193\}/],
      ["a truncated array", Buffer.of(0x92, 0x01), /undecodable frame of 2 bytes: :truncated/],
      ["a str claiming 4 GiB", Buffer.of(0xdb, 0xff, 0xff, 0xff, 0xff, 0x41), /undecodable frame of 6 bytes: :truncated/],
      ["an empty frame", Buffer.alloc(0), /undecodable frame of 0 bytes: :truncated/],
      ["a map followed by more bytes", Buffer.of(0x80, 0xc0), /undecodable frame of 2 bytes: \{:trailing_bytes, 1\}/],
      ["an array, not a map", Buffer.of(0x91, 0x01), /frame is not a map: \[1\]/],
    ])("malformed MessagePack after hello (%s) drops the connection", async (_what, body, reason) => {
      const c = await authed();
      await c.write(rawFrame(body));
      await expectDropped(c, reason);
    });

    it("a length header beyond 8 MiB after hello is refused on the header alone", async () => {
      const c = await authed();
      await c.write(header(MAX_FRAME_BYTES + 1));
      await expectDropped(c, /frame header announces more than the 8388608-byte limit/);
    });

    it("a frame of exactly 8 MiB after hello is served", async () => {
      const c = await authed();
      // pad an echo request to a body of exactly MAX_FRAME_BYTES
      const overhead = packr.pack({ id: 1, op: "echo", args: { value: "x".repeat(1 << 20) } }).length - (1 << 20);
      const value = "x".repeat(MAX_FRAME_BYTES - overhead);
      const frame = encodeFrame({ id: 1, op: "echo", args: { value } });
      expect(frame.length - 4).toBe(MAX_FRAME_BYTES);
      await c.write(frame);
      const reply = await c.reply(1, 30_000);
      expect(reply.ok).toBe(true);
      expect(reply.result === value, "the 8 MiB value came back intact").toBe(true);
      await expectHealthy();
    });

    it("a request written one byte at a time is served", async () => {
      const c = await authed();
      await c.trickle(encodeFrame({ id: 5, op: "echo", args: { value: { nested: [1, 2, "three"] } } }));
      expect(await c.reply(5)).toEqual({ id: 5, ok: true, result: { nested: [1, 2, "three"] } });
      await expectHealthy();
    });

    it("a truncated frame after hello, then the client closes", async () => {
      const c = await authed();
      await c.write(Buffer.concat([header(1000), Buffer.alloc(10, 0x41)]));
      c.socket.end();
      expect(await c.waitClosed()).toBe(true);
      await logLine(c.peer, /closed the connection$/);
      await expectHealthy();
    });

    it("property: after any frame the connection is dropped with a reason, or answers every id and stays in step", async () => {
      // requests the agent must answer: harmless ops (never stop, disconnect or reconfigure) with arbitrary arguments
      const request = fc.record({
        id: fc.integer({ min: 1, max: 2 ** 31 }),
        op: fc.constantFrom("echo", "view", "node_info", "connect", "rpc_rtt", "pg_view", "global_view", "no_such_op", "hello", ""),
        args: fc.oneof(fc.dictionary(fc.constantFrom("node", "count", "value", "groups", "names", "scope", "group"), argValue, { maxKeys: 4 }), anyValue),
      });
      const frame = fc.oneof(
        fc.uint8Array({ maxLength: 600 }).map((b) => ({ bytes: b, answerable: undefined as number | undefined })),
        anyValue.map((v) => ({ bytes: packr.pack(v), answerable: undefined as number | undefined })),
        request.map((r) => ({ bytes: packr.pack(r), answerable: r.id as number | undefined })),
      );
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(frame, async ({ bytes, answerable }) => {
          runs++;
          const c = await authed();
          try {
            await c.write(rawFrame(bytes));
            const probeId = 2 ** 31 + 1;
            await c.send({ id: probeId, op: "echo", args: { value: "probe" } });
            if (answerable !== undefined) {
              // a map with an integer id: never dropped, always answered, in step
              expect((await c.reply(answerable, 35_000)).id).toBe(answerable);
              expect(await c.reply(probeId)).toEqual({ id: probeId, ok: true, result: "probe" });
              expect(c.closed).toBe(false);
            } else {
              const answered = await Promise.race([c.reply(probeId).then(() => true, () => false), c.waitClosed(10_000).then(() => false)]);
              if (!answered || c.closed) {
                expect(await c.waitClosed(), `${c.peer} neither answered the probe nor was closed`).toBe(true);
                await logLine(c.peer, /dropping connection from/);
              } else {
                expect(c.frames.find((f) => f.id === probeId)).toEqual({ id: probeId, ok: true, result: "probe" });
              }
            }
            await expectHealthy();
          } finally {
            c.destroy();
          }
        }),
        { numRuns: 100, seed: 8018, endOnFailure: true },
      );
      expect(runs).toBe(100);
    });
  });
});
