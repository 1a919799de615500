/**
 * A container's output: appended to a file in the run store (one file per node across its
 * restarts, like the local runtime's), and its last lines kept for error messages.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import type { Readable } from "node:stream";

const TAIL_LINES = 40;

export class ContainerLog {
  private readonly file: WriteStream | undefined;
  private readonly lines: string[] = [];
  private readonly streams = new Set<Readable>();
  private partial = "";
  /** A stream has been followed (false: testcontainers failed the start before it attached one). */
  followed = false;

  constructor(path: string | undefined) {
    this.file = path ? createWriteStream(path, { flags: "a" }) : undefined;
  }

  /** Copies a (demultiplexed, utf8) log stream until it ends. */
  follow(stream: Readable): void {
    this.followed = true;
    this.streams.add(stream);
    stream.on("data", (chunk: string | Buffer) => {
      const text = chunk.toString();
      this.file?.write(text);
      const parts = (this.partial + text).split("\n");
      this.partial = parts.pop() ?? "";
      for (const line of parts) if (line.trim() !== "") this.lines.push(line);
      if (this.lines.length > TAIL_LINES) this.lines.splice(0, this.lines.length - TAIL_LINES);
    });
    stream.on("error", () => undefined);
    stream.on("close", () => this.streams.delete(stream));
    stream.on("end", () => this.streams.delete(stream));
  }

  /** The last lines, for an error message. */
  tail(): string {
    return [...this.lines, this.partial].filter((l) => l.trim() !== "").slice(-30).join("\n") || "(nothing)";
  }

  /** Stops following and flushes the file. */
  async close(): Promise<void> {
    for (const s of this.streams) s.destroy();
    this.streams.clear();
    if (this.file) await new Promise<void>((resolve) => this.file!.end(resolve));
  }
}
