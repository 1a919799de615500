#!/usr/bin/env node
// The netsplit executable: a thin shell around runCli(argv, io), which returns the exit code.
// It runs the compiled dist/ (`npm run build`) when that is at least as new as every TypeScript
// source (an installed package has only dist/), and otherwise the sources through tsx's loader,
// so a checkout needs no build step and a stale build is never used.
import { existsSync, readdirSync, statSync } from "node:fs";

const built = new URL("../dist/harness/src/cli/main.js", import.meta.url);
const sources = new URL("../harness/src/", import.meta.url);

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const url = new URL(entry.name + (entry.isDirectory() ? "/" : ""), dir);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(url));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(url).mtimeMs);
  }
  return newest;
}

function useBuild() {
  if (!existsSync(built)) return false;
  return !existsSync(sources) || statSync(built).mtimeMs >= newestSource(sources);
}

let main;
if (useBuild()) main = await import(built.href);
else {
  const { register } = await import("tsx/esm/api");
  register();
  main = await import("../harness/src/cli/main.ts");
}
const code = await main.runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  isTTY: process.stdout.isTTY === true,
  columns: process.stdout.columns ?? 0,
});
process.exitCode = code;
// The command is over. Anything still holding the event loop (a handle a bug left open) must not
// keep the process, and what it started, alive: exit anyway; the exit handler kills what is left.
// (Not while an interrupt's cleanup runs: the reaper exits by itself, within its own bound.)
const lingerLimit = () => {
  if (main.wasInterrupted()) return void setTimeout(lingerLimit, 1000).unref();
  process.stderr.write("netsplit: still busy 3 s after the command ended; exiting\n");
  process.exit(code);
};
setTimeout(lingerLimit, 3000).unref();
