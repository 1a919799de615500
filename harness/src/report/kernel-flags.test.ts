import { describe, expect, it } from "vitest";
import { kernelOverrides, kernelOverridesText, kernelResults } from "./kernel-flags.js";

const asked = { net_ticktime: 4, prevent_overlapping_partitions: true, net_setuptime: 2, connect_all: true };

describe("effective kernel flags vs the scenario's", () => {
  it("groups the differences by flag and values, nodes in cluster order", () => {
    const byNode = {
      n1: { ...asked, prevent_overlapping_partitions: false },
      n2: { ...asked, prevent_overlapping_partitions: false, net_ticktime: 60 },
      n3: { ...asked, prevent_overlapping_partitions: false },
    };
    const o = kernelOverrides(asked, byNode);
    expect(o).toEqual([
      { flag: "prevent_overlapping_partitions", asked: true, effective: false, nodes: ["n1", "n2", "n3"] },
      { flag: "net_ticktime", asked: 4, effective: 60, nodes: ["n2"] },
    ]);
    expect(kernelOverridesText(o)).toBe("effective kernel flags, read inside the nodes, differ from the scenario's: prevent_overlapping_partitions false on n1, n2, n3 (the scenario asked true); net_ticktime 60 on n2 (the scenario asked 4)");
  });

  it("says nothing when every node runs what was asked, or when the history predates per-node flags", () => {
    expect(kernelResults({ kernel_asked: asked, node_kernel_flags: { n1: asked, n2: asked } })).toEqual({ kernel_nodes: { n1: asked, n2: asked }, kernel_overrides: [] });
    expect(kernelOverridesText([])).toBe("");
    expect(kernelResults({ kernel_flags: asked })).toEqual({});
    expect(kernelResults(undefined)).toEqual({});
  });
});
