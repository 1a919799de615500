/**
 * The command line's own parsing, without running anything: the nearest command for a typo, the
 * nearest flag for a misspelt option (from the command's --help), and the help's examples.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "./main.js";

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe("typos", () => {
  it.each([
    ["rnu", "run"],
    ["chekc", "check"],
    ["reprot", "report"],
    ["int", "init"],
    ["--hlep", "--help"],
    ["--verison", "--version"],
  ])("`netsplit %s` suggests %s (exit 254)", async (typo, meant) => {
    const res = await cli(typo);
    expect(res.code).toBe(254);
    expect(res.err).toMatch(new RegExp(`^netsplit: unknown command "${typo}"; did you mean "${meant}"\\? Commands: init, run, `.replace(/-/g, "\\-")));
    expect(res.out).toBe("");
  });

  it("does not guess when nothing is near", async () => {
    const res = await cli("frobnicate");
    expect(res.err).toMatch(/^netsplit: unknown command "frobnicate"\. Commands: init, run, check, up, report\b.*\. See `netsplit --help`\.\n$/);
    expect(res.err).not.toContain("did you mean");
  });

  it.each([
    [["run", "--reportr", "json", "x.yaml"], "Unknown option '--reportr' for `netsplit run`; did you mean '--reporter'? See --help."],
    [["run", "--sed", "4", "x.yaml"], "Unknown option '--sed' for `netsplit run`; did you mean '--seed'? See --help."],
    [["up", "--node", "3"], "Unknown option '--node' for `netsplit up`; did you mean '--nodes'? See --help."],
    [["report", "--forse"], "Unknown option '--forse' for `netsplit report`; its options: --help. See --help."],
  ])("%j names the nearest flag of that command", async (argv, message) => {
    const res = await cli(...argv);
    expect(res.code).toBe(254);
    expect(res.err).toBe(`netsplit: ${message}\n`);
  });

  it("lists the command's options when no flag is near", async () => {
    const res = await cli("run", "--bogus", "x.yaml");
    expect(res.err).toBe("netsplit: Unknown option '--bogus' for `netsplit run`; its options: --jobs, --cpus, --runtime, --out, --seed, --reporter, --horde-path, --help. See --help.\n");
  });
});

describe("help", () => {
  it("lists init among the commands and shows examples of the everyday commands", async () => {
    const { out, code } = await cli("--help");
    expect(code).toBe(0);
    expect(out).toMatch(/^ {2}init +write a commented starter scenario/m);
    expect(out).toContain("Examples:\n  netsplit init my-split.yaml");
    expect(out).toContain("netsplit run scenarios/ --reporter json");
  });

  it("`init --help` shows its usage and examples", async () => {
    const { out, code } = await cli("init", "--help");
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: netsplit init \[FILE\] \[--force\]/);
    expect(out).toContain("Examples:");
  });
});
