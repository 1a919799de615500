/** Test helper: the example app the application-under-test tests run (examples/jobs). */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "../util/paths.js";

export const JOBS_EXAMPLE = path.join(REPO_ROOT, "examples", "jobs");

/** Compiles examples/jobs for its scenarios' mix_env, as a user compiles theirs (no dependency to fetch). */
export function compileJobsExample(): void {
  const r = spawnSync("mix", ["compile"], { cwd: JOBS_EXAMPLE, env: { ...process.env, MIX_ENV: "prod" }, encoding: "utf8", timeout: 180_000 });
  if (r.status !== 0) throw new Error(`mix compile of examples/jobs failed:\n${r.stdout}${r.stderr}`);
}
