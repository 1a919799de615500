/** Expands CLI arguments into scenario files: a directory stands for its *.yaml / *.yml files. */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";

export function scenarioFiles(args: readonly string[]): string[] {
  if (args.length === 0) throw new UsageError("no_files", "name at least one scenario file or directory, e.g. `netsplit run scenarios/`");
  return args.flatMap((arg) => {
    let st;
    try {
      st = statSync(arg);
    } catch {
      throw new UsageError("no_such_file", `no such file or directory: ${arg}`);
    }
    if (!st.isDirectory()) return [arg];
    const files = readdirSync(arg).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(arg, f));
    if (files.length === 0) throw new UsageError("no_files", `directory ${arg} holds no .yaml scenario file`);
    return files;
  });
}
