/** The run store's directories: `<outDir>/<scenario>/<start time>[-n]/`, with a `latest` link. */
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";

/** Makes the run directory `<outDir>/<name>/<start time>[-n]/` (with logs/) and points `latest` at it. */
export function runDirFor(outDir: string, name: string, startedAt: number): string {
  const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, "-");
  mkdirSync(path.join(outDir, name), { recursive: true });
  // mkdir without `recursive` fails when the folder exists, atomically: runs that start in the
  // same millisecond (in this process or another) get `<stamp>`, `<stamp>-2`, ...
  let base = stamp;
  for (let n = 2; ; n++) {
    try {
      mkdirSync(path.join(outDir, name, base));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || n > 1000) throw err;
      base = `${stamp}-${n}`;
    }
  }
  const dir = path.join(outDir, name, base);
  mkdirSync(path.join(dir, "logs"));
  const latest = path.join(outDir, name, "latest");
  rmSync(latest, { force: true });
  try {
    symlinkSync(base, latest);
  } catch {
    // a file system without symlinks, or a concurrent run made the link first: it may point to either
  }
  return dir;
}
