import { spawnSync } from "node:child_process";
import os from "node:os";
import { describe, expect, it } from "vitest";
import { LABEL, ownerState, ownerToken, processStartTicks, runLabels } from "./labels.js";

describe("run labels and their owner", () => {
  it("label every container and network of a run with netsplit=1, the run id and this harness", () => {
    expect(runLabels("netsplit-0123456789ab")).toEqual({
      [LABEL.netsplit]: "1",
      [LABEL.run]: "netsplit-0123456789ab",
      [LABEL.owner]: `${os.hostname()}/${process.pid}/${processStartTicks(process.pid)}`,
    });
  });

  it("a live harness is alive; a finished one, a reused pid or a garbled token is dead; another machine's is elsewhere", () => {
    expect(ownerState(ownerToken())).toBe("alive");
    const finished = spawnSync("true").pid!;
    expect(ownerState(`${os.hostname()}/${finished}/${processStartTicks(process.pid)}`)).toBe("dead");
    expect(ownerState(`${os.hostname()}/${process.pid}/1`)).toBe("dead"); // same pid, other start time
    expect(ownerState("garbage")).toBe("dead");
    expect(ownerState(undefined)).toBe("dead");
    expect(ownerState(`not-${os.hostname()}/${process.pid}/1`)).toBe("elsewhere");
  });
});
