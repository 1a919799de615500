import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../util/paths.js";
import { END, renderReference, START, withReference } from "./reference.js";

describe("the README's scenario reference", () => {
  const readme = readFileSync(`${REPO_ROOT}/README.md`, "utf8");

  it("is what the schema renders now (run `npm run schema` after changing the schema)", () => {
    expect(readme.slice(readme.indexOf(START), readme.indexOf(END) + END.length)).toBe(renderReference());
  });

  it("documents every step kind and every check", () => {
    const ref = renderReference();
    for (const key of ["partition", "oneway", "delay", "bandwidth", "pause_link", "kill", "stop", "restart", "pause", "resume", "heal", "global_register", "wait", "repeat", "nemesis", "check", "log"]) {
      expect(ref).toContain(`| \`steps[].${key}\` |`);
    }
    for (const check of ["cluster.mesh", "cluster.sees", "pg.converged", "pg.partitioned", "global.names_unique", "global.blocking", "horde.unique", "horde.no_loss", "invariant"]) {
      expect(ref).toContain(`| \`checks[].${check}\` |`);
    }
  });

  it("documents the application under test and the calls", () => {
    const ref = renderReference();
    for (const key of ["mix", "mix_env", "apps", "compile", "release", "command", "cwd", "config", "env", "files", "ready", "ready.call", "ready.timeout", "ready.expect", "stop.grace"]) {
      expect(ref).toContain(`| \`cluster.app.${key}\` |`);
    }
    expect(ref).toContain("| `cluster.formation` |");
    for (const key of ["call", "args", "on", "within", "timeout", "expect"]) expect(ref).toContain(`| \`checks[].invariant.${key}\` |`);
    for (const key of ["call", "args", "on", "expect"]) expect(ref).toContain(`| \`steps[].wait.until.${key}\` |`);
    expect(ref).toContain("{port:NAME}");
  });

  it("withReference replaces only the marked section", () => {
    expect(withReference(`a\n${START}\nold\n${END}\nb`)).toBe(`a\n${renderReference()}\nb`);
    expect(() => withReference("no markers")).toThrow(/scenario-reference/);
  });
});
