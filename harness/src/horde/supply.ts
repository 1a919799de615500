/**
 * Where Horde comes from. The node agent never depends on Horde at compile time (hex.pm is
 * unreachable where netsplit is built): Horde and the applications it needs are given to a run
 * as code paths (`--horde-path DIR...` or `NETSPLIT_HORDE_PATH=DIR:DIR`), which every node gets
 * with `-pa`. Without them, Horde workloads and checks are skipped with a reason that says what
 * is missing and how to supply it, never faked.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import type { StartedCluster } from "../runtime/cluster.js";

/** The environment variable: colon-separated directories. */
export const HORDE_PATH_ENV = "NETSPLIT_HORDE_PATH";

/** The OTP applications a Horde 0.9/0.10 node needs, each an `<app>.app` in some ebin directory. */
export const HORDE_APPS = ["horde", "delta_crdt", "merkle_map", "libring", "telemetry", "telemetry_poller"] as const;

export const HOW_TO_SUPPLY =
  `give the ebin directories of ${HORDE_APPS.join(", ")} with --horde-path DIR[:DIR...] or ${HORDE_PATH_ENV}=DIR:DIR ` +
  `(a mix _build/<env>/lib directory is expanded to its */ebin); see "Horde" in the README`;

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Splits colon-separated values into absolute directories. A directory that holds no `.app` or
 * `.beam` itself but has `*∕ebin` subdirectories (a mix `_build/prod/lib`) stands for those.
 * A directory that does not exist is a usage error, named with where it came from.
 */
export function parseHordePath(values: readonly string[], from = "--horde-path"): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const raw of value.split(":")) {
      if (raw.trim() === "") continue;
      const dir = path.resolve(raw);
      if (!isDir(dir)) throw new UsageError("bad_horde_path", `${from}: ${raw} is not a directory`);
      const own = readdirSync(dir).some((f) => f.endsWith(".app") || f.endsWith(".beam"));
      const ebins = own ? [] : readdirSync(dir).map((d) => path.join(dir, d, "ebin")).filter(isDir).sort();
      for (const d of ebins.length > 0 ? ebins : [dir]) if (!out.includes(d)) out.push(d);
    }
  }
  return out;
}

/** The code paths `NETSPLIT_HORDE_PATH` names (none when unset or empty). */
export function hordePathFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const v = env[HORDE_PATH_ENV];
  return v ? parseHordePath([v], HORDE_PATH_ENV) : [];
}

/** Which of Horde's applications have no `<app>.app` in the given directories. */
export function missingHordeApps(paths: readonly string[]): string[] {
  return HORDE_APPS.filter((app) => !paths.some((d) => existsSync(path.join(d, `${app}.app`))));
}

/**
 * Why Horde cannot be used on these nodes, or null when it can: the agents' hello says whether
 * Horde's modules load; when they do, `horde_check` starts the :horde application on every node
 * (which fails when one of its dependencies is missing). `probe` is false for scenarios without
 * a Horde workload (nothing is started then).
 */
export async function hordeUnavailable(cluster: StartedCluster, codePaths: readonly string[], probe: boolean): Promise<string | null> {
  const running = cluster.running();
  const missing = running.filter((n) => cluster.agent(n).hello.horde !== true);
  const absent = missingHordeApps(codePaths);
  const found = codePaths.length === 0
    ? "no Horde code path was given (hex.pm is unreachable here)"
    : `the code paths given (${codePaths.join(", ")}) ${absent.length ? `have no ${absent.map((a) => `${a}.app`).join(", ")}` : "hold every application it needs"}`;
  if (missing.length > 0) return `Horde.Registry is not loaded on ${missing.join(", ")}: ${found}; ${HOW_TO_SUPPLY}`;
  if (!probe) return null;
  const failures: string[] = [];
  await Promise.all(running.map(async (n) => {
    try {
      await cluster.agent(n).call("horde_check", {}, 10_000);
    } catch (err) {
      failures.push((err as Error).message);
    }
  }));
  if (failures.length === 0) return null;
  failures.sort();
  const hint = absent.length ? `; the code paths given have no ${absent.map((a) => `${a}.app`).join(", ")}` : "";
  return `Horde is loaded but does not start: ${failures[0]}${failures.length > 1 ? ` (and ${failures.length - 1} more nodes)` : ""}${hint}; ${HOW_TO_SUPPLY}`;
}
