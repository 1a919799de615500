/**
 * Finds the toxiproxy-server executable. Order: env TOXIPROXY_SERVER (must be an executable
 * file), then `<repo>/.netsplit/tools/bin/toxiproxy-server` (put there by `npm run setup`),
 * then `toxiproxy-server` on PATH.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PrerequisiteError } from "../errors.js";

const BINARY_NAME = process.platform === "win32" ? "toxiproxy-server.exe" : "toxiproxy-server";

/** Absolute path of the toxiproxy-server to run; throws PrerequisiteError if there is none. */
export function resolveToxiproxyServer(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env["TOXIPROXY_SERVER"];
  if (fromEnv !== undefined && fromEnv !== "") {
    assertExecutable(fromEnv, "TOXIPROXY_SERVER");
    return path.resolve(fromEnv);
  }
  const repoRoot = findRepoRoot();
  if (repoRoot !== undefined) {
    const local = path.join(repoRoot, ".netsplit", "tools", "bin", BINARY_NAME);
    if (isExecutableFile(local)) return local;
  }
  for (const dir of (env["PATH"] ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, BINARY_NAME);
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new PrerequisiteError(
    "toxiproxy_server_missing",
    `toxiproxy-server was not found (looked in ${repoRoot === undefined ? "<repo>" : repoRoot}/.netsplit/tools/bin and on PATH): run \`npm run setup\` (which go-installs it) or set TOXIPROXY_SERVER to its path.`,
  );
}

/** Throws PrerequisiteError unless `file` is an executable regular file; `source` names where it came from. */
export function assertExecutable(file: string, source: string): void {
  if (!fs.existsSync(file)) {
    throw new PrerequisiteError(
      "toxiproxy_server_missing",
      `${source} points to "${file}", which does not exist: fix the path, or unset it and run \`npm run setup\`.`,
    );
  }
  if (!isExecutableFile(file)) {
    throw new PrerequisiteError(
      "toxiproxy_server_not_executable",
      `${source} points to "${file}", which is not an executable file: chmod +x it or fix the path.`,
    );
  }
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The nearest ancestor of this module whose package.json is named "netsplit". */
function findRepoRoot(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg: unknown = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
      if (typeof pkg === "object" && pkg !== null && (pkg as { name?: unknown }).name === "netsplit") return dir;
    } catch {
      // no (readable) package.json here: keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
