/**
 * The HOME of a run's local nodes: a folder of the run's own, `<state dir>/node-homes/<harness
 * pid>-<run id>/` (mode 0700), holding only `.erlang.cookie` (mode 0400) with the run's random
 * cookie. Never the user's HOME:
 *
 * - The cookie reaches no command line. `-setcookie` on erl's command line, and ERL_FLAGS as
 *   well (erlexec copies it into beam.smp's argv), would show it to every local user in
 *   /proc/<pid>/cmdline; starting with `-nocookie` and setting it later would leave a window in
 *   which any node with the cookie `nocookie` gets in. The cookie file in a private HOME is read
 *   by the kernel before distribution accepts a connection, and only the owner can read it.
 * - The user's ~/.erlang.cookie is never read nor created, and ~/.erlang (which erl evaluates at
 *   boot even with -noinput) cannot change what a node runs.
 *
 * The folder is removed when the cluster stops (`removeNodeHome`) or this process exits; folders
 * of harnesses that died (SIGKILL) are removed by the next run's `nodeHome`.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stateDir } from "../util/paths.js";
import { processExists } from "../util/process.js";

/** The cookie file erl reads from HOME when no -setcookie is given. */
export const COOKIE_FILE = ".erlang.cookie";

const homes = new Map<string, string>();
let base: string | undefined;

function baseDir(): string {
  if (base !== undefined) return base;
  const preferred = path.join(stateDir(), "node-homes");
  try {
    mkdirSync(preferred, { recursive: true, mode: 0o700 });
    chmodSync(preferred, 0o700);
    sweepDead(preferred);
    base = preferred;
  } catch {
    // a read-only state folder: a private temporary one (mkdtemp makes it 0700)
    base = mkdtempSync(path.join(os.tmpdir(), "netsplit-node-homes-"));
  }
  process.once("exit", removeAll);
  return base;
}

/** Removes the homes of harnesses that are gone (their nodes halted when the harness died). */
function sweepDead(dir: string): void {
  for (const name of readdirSync(dir)) {
    const owner = Number.parseInt(name, 10);
    if (Number.isInteger(owner) && owner !== process.pid && !processExists(owner)) rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

function removeAll(): void {
  for (const runId of [...homes.keys()]) removeNodeHome(runId);
}

/**
 * The HOME for the nodes of run `runId`, created with its cookie file on first use (again if
 * it was removed). Pass it as the nodes' HOME and no -setcookie.
 */
export function nodeHome(runId: string, cookie: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(runId)) throw new Error(`run id "${runId}" cannot name a folder: use letters, digits, _ and -`);
  if (!/^[A-Za-z0-9_]+$/.test(cookie)) throw new Error("the cookie must be letters, digits and _ (it is written to .erlang.cookie as an atom's text)");
  const home = homes.get(runId) ?? path.join(baseDir(), `${process.pid}-${runId}`);
  const file = path.join(home, COOKIE_FILE);
  if (!existsSync(file)) {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    writeFileSync(file, cookie, { mode: 0o400 });
  }
  homes.set(runId, home);
  return home;
}

/** Removes the HOME of run `runId` (its cookie with it). Idempotent. */
export function removeNodeHome(runId: string): void {
  const home = homes.get(runId);
  if (home === undefined) return;
  homes.delete(runId);
  rmSync(home, { recursive: true, force: true });
}
