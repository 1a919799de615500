/**
 * MessagePack framing for the control channel: a 4-byte big-endian length, then one
 * MessagePack value. The Packr configuration below is the one the agent's codec is tested
 * against (nodes/test/vectors/gen-msgpackr-vectors.mjs): keep them in step.
 */
import { Packr, Unpackr } from "msgpackr";

export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

const packr = new Packr({ useRecords: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });

export function encodeFrame(value: unknown): Buffer {
  const body = packr.pack(value);
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

/** Splits a byte stream into decoded frames; keeps the incomplete tail for the next chunk. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): unknown[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: unknown[] = [];
    while (this.buffer.length >= 4) {
      const size = this.buffer.readUInt32BE(0);
      if (size > MAX_FRAME_BYTES) throw new Error(`frame of ${size} bytes exceeds ${MAX_FRAME_BYTES}`);
      if (this.buffer.length < 4 + size) break;
      out.push(unpackr.unpack(this.buffer.subarray(4, 4 + size)));
      this.buffer = this.buffer.subarray(4 + size);
    }
    return out;
  }
}
