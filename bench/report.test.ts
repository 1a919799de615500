import { describe, expect, it } from "vitest";
import { renderReport } from "./report.js";
import { figure, type BenchResults } from "./lib/results.js";

function results(figures: BenchResults["figures"], skipped: BenchResults["skipped"] = []): BenchResults {
  return {
    netsplitBench: 1, startedAt: "2026-01-01T00:00:00.000Z", finishedAt: "2026-01-01T00:10:00.000Z", durationS: 600,
    command: "npm run bench", options: { quick: false, only: [], reps: null },
    machine: { cpus: 2, cpuModel: "cpu", memoryGiB: 8, loadAverageAtStart: [0, 0, 0], os: "Linux", node: "v20", otp: "25", elixir: "1.14", toxiproxy: "2.12.0" },
    figures, skipped,
  };
}

const ready = (samples: number[], floor: number[]) =>
  figure({ id: "cluster_ready.n16", group: "cluster ready", label: "cluster ready, N = 16", unit: "ms", samples, floor: { label: "bare", samples: floor }, target: { maxRatio: 1.5, text: "≤ 1.5× floor" }, detail: { cpu_per_node_ms: 460, floor_cpu_per_node_ms: 320 } });

describe("the generated BENCHMARKS.md", () => {
  it("lists a missed target with why and what would close it, using the measured CPU per node", () => {
    const md = renderReport(results([ready([4000], [2000])]));
    expect(md).toContain("| cluster ready, N = 16 | 4000 ms | 2000 ms | 2.00× | ≤ 1.5× floor | **missed** |");
    expect(md).toMatch(/Where a target is missed[\s\S]*cluster ready, N = 16[\s\S]*460 ms of CPU[\s\S]*What would close it/);
  });

  it("says every target was met when none is missed", () => {
    const md = renderReport(results([ready([2000], [2000])]));
    expect(md).toContain("Every target with a verdict was met in this run.");
    expect(md).not.toContain("**missed**");
  });

  it("escapes the | of a label inside a table and shows skipped figures with their reason", () => {
    const f = figure({ id: "fault_apply.n5.reset", group: "fault apply", label: "partition 3|2 of 5 nodes, reset", unit: "ms", samples: [20], floor: { label: "fetch", samples: [40] }, target: { maxRatio: 1.5, text: "≤ 1.5× floor" } });
    const md = renderReport(results([f], [{ id: "docker.cluster_ready.n3", group: "docker runtime", label: "docker runtime: cluster ready, N = 3", reason: "no Docker engine answers" }]));
    expect(md).toContain("| partition 3\\|2 of 5 nodes, reset | 20 ms | 40 ms | 0.50× |");
    expect(md).toContain("| docker runtime: cluster ready, N = 3 | skipped: no Docker engine answers |");
  });

  it("shows the app measurement in the table and its parts in a details table; a miss names where the time went", () => {
    const app = (samples: number[], floor: number[]) => figure({
      id: "app.jobs.n3", group: "app", label: "cluster + app ready (examples/jobs), N = 3", unit: "ms", samples, floor: { label: "bare + start", samples: floor },
      target: { maxRatio: 1.5, text: "≤ 1.5× floor" },
      detail: { boot_with_app_ms: 1500, boot_without_app_ms: 1000, after_boot_ms: 40, start_app_ms: 38, app_started_ms: 25, app_started_max_ms: 30 },
      note: "with app = boot_ms + cluster_ready to app_ready",
    });
    const met = renderReport(results([app([1540], [1100])]));
    expect(met).toContain("| **app** | | | | | | |");
    expect(met).toContain("| cluster + app ready (examples/jobs), N = 3 | 1540 ms | 1100 ms | 1.40× | ≤ 1.5× floor | met | 1 |");
    expect(met).toContain("| 3 | 1540 ms | 1500 ms | 40 ms | 25 ms / 30 ms | 1000 ms | 1100 ms | 1.40× |");
    const missed = renderReport(results([app([2000], [1100])]));
    expect(missed).toMatch(/Where a target is missed[\s\S]*cluster \+ app ready[\s\S]*500 ms more, before the app is started[\s\S]*The gap is in the boot/);
  });

  it("carries the rerun commands", () => {
    expect(renderReport(results([]))).toMatch(/npm run bench\s+# everything[\s\S]*npx tsx bench\/report\.ts/);
  });
});
