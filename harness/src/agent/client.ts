/**
 * The harness side of the control channel (docs/PROTOCOL.md): one authenticated TCP connection
 * per node agent, requests matched to replies by id, every call bounded by a timeout, and
 * pushed events delivered to listeners.
 */
import net from "node:net";
import { AgentError } from "../errors.js";
import { encodeFrame, FrameDecoder } from "./codec.js";
import type { AgentOpName, OpArgs, OpReply } from "./ops.js";

export interface AgentEvent {
  event: string;
  t_us: number;
  node?: string;
  reason?: string;
  [key: string]: unknown;
}

export interface HelloInfo {
  node: string;
  otp_release: string;
  elixir: string;
  pid: string;
  t_us: number;
  /** Whether Horde.Registry and Horde.DynamicSupervisor are loadable on the node. */
  horde: boolean;
  flags: Record<string, unknown>;
}

export interface AgentConnectOptions {
  host: string;
  port: number;
  secret: string;
  /** Short node name, for error messages. */
  name: string;
  /** Default 5000. */
  connectTimeoutMs?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  op: string;
}

export class AgentClient {
  readonly name: string;
  hello!: HelloInfo;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: AgentEvent) => void>();
  private readonly closeListeners = new Set<(why: string) => void>();
  private closed = false;

  private constructor(private readonly socket: net.Socket, name: string) {
    this.name = name;
  }

  /** Connects and authenticates; rejects with AgentError on refusal, error or timeout. */
  static async connect(opts: AgentConnectOptions): Promise<AgentClient> {
    const timeoutMs = opts.connectTimeoutMs ?? 5000;
    const socket = net.createConnection({ host: opts.host, port: opts.port });
    socket.setNoDelay(true);
    const client = new AgentClient(socket, opts.name);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new AgentError("agent_timeout", `agent of ${opts.name} did not accept a connection on ${opts.host}:${opts.port} within ${timeoutMs} ms`, opts.name));
      }, timeoutMs);
      socket.once("connect", () => { clearTimeout(timer); resolve(); });
      socket.once("error", (err) => {
        clearTimeout(timer);
        reject(new AgentError("agent_unreachable", `cannot connect to the agent of ${opts.name} at ${opts.host}:${opts.port}: ${err.message}`, opts.name, { cause: err }));
      });
    });
    client.attach();
    client.hello = (await client.send({ op: "hello", secret: opts.secret }, timeoutMs, 0)) as HelloInfo;
    return client;
  }

  private attach(): void {
    const decoder = new FrameDecoder();
    this.socket.on("data", (chunk: Buffer) => {
      let frames: unknown[];
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        this.shutdown(`bad frame from agent: ${(err as Error).message}`);
        return;
      }
      for (const frame of frames) this.dispatch(frame as Record<string, unknown>);
    });
    this.socket.on("error", (err) => this.shutdown(`socket error: ${err.message}`));
    this.socket.on("close", () => this.shutdown("connection closed by the agent"));
  }

  private dispatch(frame: Record<string, unknown>): void {
    if (typeof frame.event === "string") {
      for (const listener of this.listeners) listener(frame as unknown as AgentEvent);
      return;
    }
    const id = frame.id as number;
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (frame.ok === true) pending.resolve(frame.result);
    else pending.reject(new AgentError(frame.error === "unauthorized" ? "agent_unauthorized" : "agent_op_failed", `agent of ${this.name}: ${pending.op} failed: ${String(frame.error)}`, this.name));
  }

  private send(payload: Record<string, unknown>, timeoutMs: number, id = this.nextId++): Promise<unknown> {
    if (this.closed) return Promise.reject(new AgentError("agent_closed", `agent of ${this.name} is disconnected; cannot run ${String(payload.op)}`, this.name));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AgentError("agent_timeout", `agent of ${this.name} did not answer ${String(payload.op)} within ${timeoutMs} ms`, this.name));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, op: String(payload.op) });
      this.socket.write(encodeFrame({ id, ...payload }));
    });
  }

  /** Runs one op on the agent (one of the table in ./ops.ts). Default timeout 10000 ms. */
  call<T = unknown>(op: AgentOpName, args: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<T> {
    return this.send({ op, args }, timeoutMs) as Promise<T>;
  }

  /** `call` with the op's argument and reply types from ./ops.ts. Default timeout 10000 ms. */
  request<O extends AgentOpName>(op: O, args: OpArgs<O>, timeoutMs = 10_000): Promise<OpReply<O>> {
    return this.send({ op, args }, timeoutMs) as Promise<OpReply<O>>;
  }

  onEvent(listener: (e: AgentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onClose(listener: (why: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private shutdown(why: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new AgentError(why.includes("closed") ? "agent_closed" : "agent_failed", `agent of ${this.name}: ${p.op} interrupted: ${why}`, this.name));
    }
    this.pending.clear();
    this.socket.destroy();
    for (const l of this.closeListeners) l(why);
  }

  close(): void {
    this.shutdown("closed by the harness");
  }
}
