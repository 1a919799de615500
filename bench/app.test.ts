import { describe, expect, it } from "vitest";
import { appScenario, sampleFromHistory } from "./app.js";

const entries = [
  { t: 1000, type: "run_start" },
  { t: 1900, type: "cluster_ready", boot_ms: 850 },
  { t: 1910, type: "app_started", node: "n1", ms: 19 },
  { t: 1915, type: "app_started", node: "n2", ms: 24 },
  { t: 1931, type: "app_ready", ms: 30 },
];

describe("the app benchmark's samples, read from a run's history", () => {
  it("with the app: the boot, the time from cluster ready to app ready, and each node's own start", () => {
    expect(sampleFromHistory(entries, true)).toEqual({ bootMs: 850, afterBootMs: 31, startAppMs: 30, appStartedMs: [19, 24] });
  });

  it("without the app: the boot only", () => {
    expect(sampleFromHistory(entries.slice(0, 2), false)).toEqual({ bootMs: 850, afterBootMs: 0, startAppMs: 0, appStartedMs: [] });
  });

  it("a run that ended early says why", () => {
    expect(() => sampleFromHistory([{ t: 1, type: "run_error", error: "boom" }], false)).toThrow(/before cluster_ready: boom/);
    expect(() => sampleFromHistory(entries.slice(0, 2), true)).toThrow(/before app_ready/);
  });

  it("the measured scenario has the app only when asked", () => {
    const cluster = (withApp: boolean) => appScenario(3, withApp).cluster as { nodes: number; app?: { mix: string } };
    expect(cluster(true).app?.mix).toMatch(/examples\/jobs$/);
    expect(cluster(false)).toEqual({ nodes: 3 });
  });
});
