/** Where Horde comes from: --horde-path / NETSPLIT_HORDE_PATH and the reasons given without it. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import type { StartedCluster } from "../runtime/cluster.js";
import { HORDE_APPS, hordePathFromEnv, hordeUnavailable, missingHordeApps, parseHordePath } from "./supply.js";

const root = mkdtempSync(path.join(tmpdir(), "netsplit-horde-path-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fake mix `_build/prod/lib` with an `<app>.app` in each ebin (no Horde code: just the layout). */
function fakeLib(apps: readonly string[]): string {
  const lib = mkdtempSync(path.join(root, "lib-"));
  for (const app of apps) {
    mkdirSync(path.join(lib, app, "ebin"), { recursive: true });
    writeFileSync(path.join(lib, app, "ebin", `${app}.app`), "{application, x, []}.\n");
  }
  return lib;
}

describe("parseHordePath", () => {
  it("expands a mix _build/<env>/lib directory to its */ebin, sorted", () => {
    const lib = fakeLib(["telemetry", "horde"]);
    expect(parseHordePath([lib])).toEqual([path.join(lib, "horde", "ebin"), path.join(lib, "telemetry", "ebin")]);
  });

  it("takes ebin directories as they are, colon-separated or repeated, without duplicates", () => {
    const lib = fakeLib(["horde", "libring"]);
    const a = path.join(lib, "horde", "ebin");
    const b = path.join(lib, "libring", "ebin");
    expect(parseHordePath([`${a}:${b}`, a])).toEqual([a, b]);
  });

  it("refuses a directory that does not exist, saying where it came from", () => {
    expect(() => parseHordePath([path.join(root, "nope")])).toThrow(UsageError);
    expect(() => parseHordePath([path.join(root, "nope")])).toThrow(/^--horde-path: .*nope is not a directory$/);
    expect(() => hordePathFromEnv({ NETSPLIT_HORDE_PATH: path.join(root, "nope") })).toThrow(/^NETSPLIT_HORDE_PATH: /);
  });

  it("reads NETSPLIT_HORDE_PATH; unset or empty means none", () => {
    const lib = fakeLib(["horde"]);
    expect(hordePathFromEnv({ NETSPLIT_HORDE_PATH: lib })).toEqual([path.join(lib, "horde", "ebin")]);
    expect(hordePathFromEnv({})).toEqual([]);
    expect(hordePathFromEnv({ NETSPLIT_HORDE_PATH: "" })).toEqual([]);
  });
});

describe("missingHordeApps", () => {
  it("names the applications with no .app in the directories", () => {
    const lib = fakeLib(["horde", "delta_crdt", "libring"]);
    expect(missingHordeApps(parseHordePath([lib]))).toEqual(["merkle_map", "telemetry", "telemetry_poller"]);
    expect(missingHordeApps(parseHordePath([fakeLib(HORDE_APPS)]))).toEqual([]);
    expect(missingHordeApps([])).toEqual([...HORDE_APPS]);
  });
});

function fakeCluster(horde: boolean, check: (node: string) => unknown = () => ({})): StartedCluster {
  return {
    running: () => ["n1", "n2"],
    agent: (n: string) => ({ hello: { horde }, call: async () => check(n) }),
  } as unknown as StartedCluster;
}

describe("hordeUnavailable", () => {
  it("without any code path: names the nodes and how to supply Horde", async () => {
    const why = await hordeUnavailable(fakeCluster(false), [], true);
    expect(why).toMatch(/^Horde\.Registry is not loaded on n1, n2: no Horde code path was given \(hex\.pm is unreachable here\); give the ebin directories of horde, delta_crdt, merkle_map, libring, telemetry, telemetry_poller with --horde-path DIR\[:DIR\.\.\.\] or NETSPLIT_HORDE_PATH=DIR:DIR/);
  });

  it("with code paths that lack applications: names the missing .app files", async () => {
    const paths = parseHordePath([fakeLib(["telemetry"])]);
    const why = await hordeUnavailable(fakeCluster(false), paths, true);
    expect(why).toContain("have no horde.app, delta_crdt.app, merkle_map.app, libring.app, telemetry_poller.app");
  });

  it("loaded but not startable: the node's error", async () => {
    const paths = parseHordePath([fakeLib(["horde", "libring", "telemetry", "telemetry_poller"])]);
    const cluster = fakeCluster(true, (n) => {
      throw new Error(`agent of ${n}: horde_check failed: cannot start the delta_crdt application on ${n}@127.0.0.1: {'no such file or directory', 'delta_crdt.app'}`);
    });
    const why = await hordeUnavailable(cluster, paths, true);
    expect(why).toMatch(/^Horde is loaded but does not start: agent of n1: horde_check failed: cannot start the delta_crdt application .* \(and 1 more nodes\); the code paths given have no delta_crdt\.app, merkle_map\.app; give/);
  });

  it("available: null; without a Horde workload nothing is started on the nodes", async () => {
    let calls = 0;
    expect(await hordeUnavailable(fakeCluster(true, () => calls++), parseHordePath([fakeLib(HORDE_APPS)]), true)).toBeNull();
    expect(calls).toBe(2);
    expect(await hordeUnavailable(fakeCluster(true, () => calls++), [], false)).toBeNull();
    expect(calls).toBe(2);
  });
});
