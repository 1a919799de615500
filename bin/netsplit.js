#!/usr/bin/env node
// The netsplit executable: a thin shell around runCli(argv, io), which returns the exit code.
// TypeScript sources run through tsx's loader, so no build step is needed.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../harness/src/cli/main.ts");
process.exitCode = await runCli(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
