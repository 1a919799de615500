import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkFiles } from "./check-cli.js";

describe("checkFiles", () => {
  const dir = mkdtempSync(join(tmpdir(), "netsplit-check-"));
  const good = join(dir, "good.yaml");
  const bad = join(dir, "bad.yaml");
  writeFileSync(good, "netsplit: 1\ncluster: { nodes: 2 }\n");
  writeFileSync(bad, "netsplit: 1\ncluster: { nodes: 2 }\nsteps:\n  - kill: n3\n  - wiat: 1s\n");

  it("prints `ok FILE` for valid files and every issue of the others, returning the count of bad files", async () => {
    const lines: string[] = [];
    const failed = await checkFiles([good, bad, join(dir, "missing.yaml")], (s) => lines.push(s));
    expect(failed).toBe(2);
    expect(lines[0]).toBe(`ok ${good}`);
    expect(lines[1]).toBe([
      `${bad}:4:11: unknown node \`n3\``,
      "    - kill: n3",
      "            ^^",
      "  hint: the cluster's nodes are: `n1`, `n2`",
    ].join("\n"));
    expect(lines[2]).toBe([
      `${bad}:5:5: unknown step \`wiat\` in \`steps[1]\``,
      "    - wiat: 1s",
      "      ^^^^",
      "  hint: did you mean `wait`?",
    ].join("\n"));
    expect(lines[3]).toMatch(new RegExp(`^${join(dir, "missing.yaml").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot read the file: ENOENT`));
    expect(lines).toHaveLength(4);
  });

  it("returns 0 when every file is valid", async () => {
    expect(await checkFiles([good, good], () => undefined)).toBe(0);
  });
});
