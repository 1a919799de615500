/**
 * A child process whose stdout+stderr we keep a tail of (for error messages) and optionally
 * append to a log file, and which we can stop with SIGTERM, then SIGKILL after a grace period.
 * If the harness itself exits, the child is SIGKILLed so nothing is left running.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  error?: Error;
}

const TAIL_LINES = 20;

export class ServerProcess {
  readonly pid: number;
  /** Resolves when the process has exited (or failed to spawn); never rejects. */
  readonly exited: Promise<ExitInfo>;
  private readonly closed: Promise<void>;
  private exitInfo: ExitInfo | undefined;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private partialLine = "";
  private readonly log: fs.WriteStream | undefined;
  private readonly killOnHarnessExit = () => this.child.kill("SIGKILL");
  private stopping: Promise<void> | undefined;

  /** `env`: the child's whole environment (default: the harness's own). */
  constructor(binary: string, args: string[], logFile?: string, env: NodeJS.ProcessEnv = process.env) {
    this.log = logFile === undefined ? undefined : openLog(logFile);
    this.child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"], env });
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => resolve((this.exitInfo = { code, signal })));
      this.child.once("error", (error) => resolve((this.exitInfo = { code: null, signal: null, error })));
    });
    this.closed = new Promise((resolve) => {
      this.child.once("close", () => resolve());
      this.child.once("error", () => resolve());
    });
    void this.exited.then(() => process.off("exit", this.killOnHarnessExit));
    process.on("exit", this.killOnHarnessExit);
    this.child.stdout?.on("data", (chunk: Buffer) => this.capture(chunk));
    this.child.stderr?.on("data", (chunk: Buffer) => this.capture(chunk));
    // -1 when spawning failed (ENOENT, EACCES): the "error" event then tells why.
    this.pid = this.child.pid ?? -1;
  }

  /** Undefined while running. */
  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** The last lines the process wrote (stdout and stderr interleaved), newest last. */
  outputTail(): string[] {
    return this.partialLine === "" ? [...this.tail] : [...this.tail, this.partialLine];
  }

  /**
   * After exit: waits (at most 500 ms) until stdout/stderr are drained, since output can still
   * arrive between "exit" and "close". Call it before quoting outputTail() about an exit.
   */
  async drained(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.closed, new Promise((resolve) => (timer = setTimeout(resolve, 500)))]);
    clearTimeout(timer);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Idempotent. */
  stop(graceMs = 2000): Promise<void> {
    this.stopping ??= this.stopNow(graceMs);
    return this.stopping;
  }

  private async stopNow(graceMs: number): Promise<void> {
    if (this.exitInfo === undefined) {
      this.child.kill("SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<"grace_over">((resolve) => {
        timer = setTimeout(() => resolve("grace_over"), graceMs);
      });
      const first = await Promise.race([this.exited, graceOver]);
      clearTimeout(timer);
      if (first === "grace_over") {
        this.child.kill("SIGKILL");
        await this.exited;
      }
    }
    await this.drained();
    await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
  }

  private capture(chunk: Buffer): void {
    this.log?.write(chunk);
    const lines = (this.partialLine + chunk.toString("utf8")).split("\n");
    this.partialLine = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "") continue;
      this.tail.push(line);
      if (this.tail.length > TAIL_LINES) this.tail.shift();
    }
  }
}

function openLog(logFile: string): fs.WriteStream {
  try {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const fd = fs.openSync(logFile, "a");
    const stream = fs.createWriteStream("", { fd });
    stream.on("error", () => {
      // A full disk must not crash the harness; the tail still feeds our error messages.
    });
    return stream;
  } catch (err) {
    throw new UsageError(
      "log_file_unwritable",
      `logFile "${logFile}" cannot be opened for appending: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** Formats an exit for messages: "exited with code 1", "was killed by SIGKILL", "could not be started (ENOENT)". */
export function describeExit(exit: ExitInfo): string {
  if (exit.error) return `could not be started (${exit.error.message})`;
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${String(exit.code)}`;
}
