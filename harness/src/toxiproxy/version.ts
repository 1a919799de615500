/**
 * Toxiproxy's version as a person wants to read it. A `go install`ed toxiproxy-server (how
 * `npm run setup` installs it) is built without the release ldflags, so it answers GET /version
 * with "git". The version is still in the binary: Go embeds the module's build info
 * (`go version -m` prints it as "mod github.com/Shopify/toxiproxy/v2 v2.12.0"), read here from
 * the file. Failing that, the version pinned in scripts/versions.env, said to be pinned.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../util/paths.js";

const UNHELPFUL = new Set(["", "git", "(devel)", "dev", "unknown"]);
const MODULE = /mod\tgithub\.com\/Shopify\/toxiproxy(?:\/v\d+)?\tv?([0-9][^\t\n\r]*)/;
const cache = new Map<string, string | undefined>();

/** The toxiproxy module version embedded in a Go binary ("2.12.0"), or undefined. */
export function binaryModuleVersion(file: string): string | undefined {
  let key: string;
  try {
    const st = statSync(file);
    key = `${file}:${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
  if (cache.has(key)) return cache.get(key);
  let found: string | undefined;
  try {
    // the build info is plain text inside the binary ("latin1" keeps every byte one character)
    found = MODULE.exec(readFileSync(file).toString("latin1"))?.[1];
  } catch {
    found = undefined;
  }
  cache.set(key, found);
  return found;
}

/** TOXIPROXY_VERSION from scripts/versions.env ("2.12.0"), or undefined. */
export function pinnedToxiproxyVersion(root: string = REPO_ROOT): string | undefined {
  try {
    const m = /^TOXIPROXY_VERSION=v?(\S+)\s*$/m.exec(readFileSync(path.join(root, "scripts", "versions.env"), "utf8"));
    return m?.[1];
  } catch {
    return undefined;
  }
}

/**
 * What the reports show: the server's own answer when it is a version; else the binary's build
 * info ("2.12.0"); else an image tag that names a version ("netsplit/toxiproxy:2.12.0"); else the
 * pinned version, marked "(pinned)"; else the answer as it was.
 */
export function toxiproxyVersion(reported: string, from: { binary?: string; image?: string } = {}): string {
  const r = reported.trim();
  if (!UNHELPFUL.has(r.toLowerCase())) return r;
  const fromBinary = from.binary ? binaryModuleVersion(from.binary) : undefined;
  if (fromBinary) return fromBinary;
  const tag = from.image ? /:v?(\d+\.\d+[\w.-]*)$/.exec(from.image)?.[1] : undefined;
  if (tag) return tag;
  const pinned = pinnedToxiproxyVersion();
  return pinned ? `${pinned} (pinned; the server says "${r || "?"}")` : r;
}
