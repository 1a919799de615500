import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { processExists } from "./process.js";

describe("processExists", () => {
  it("is true for this process and for pid 1 (which may belong to another user: EPERM still means it exists)", () => {
    expect(processExists(process.pid)).toBe(true);
    expect(processExists(1)).toBe(true);
  });

  it("is false for a process that has ended", () => {
    const { pid } = spawnSync(process.execPath, ["-e", ""]);
    expect(processExists(pid)).toBe(false);
  });
});
