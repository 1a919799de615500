/**
 * The scenario corpus: every file in testdata/good loads without an issue; every file in
 * testdata/bad starts with `# expect: <code> <line>:<column>` lines and gives exactly those
 * issues, in order; when it also has `# message: <text>` lines, the issues' messages are exactly
 * those texts, in order.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatIssue } from "./issues.js";
import { loadScenarioFile, loadScenarioText } from "./load.js";

const here = dirname(fileURLToPath(import.meta.url));
const goodDir = join(here, "testdata", "good");
const badDir = join(here, "testdata", "bad");
const contractFile = join(here, "../../../../shared/SCENARIOS.md");
const yamlFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();

describe("good scenarios", () => {
  it.each(yamlFiles(goodDir))("%s loads without an issue", async (file) => {
    const result = await loadScenarioFile(join(goodDir, file));
    if (!result.ok) expect.fail(result.errors.map(formatIssue).join("\n"));
    expect(result.scenario.name).toBeTruthy();
  });

  // shared/ sits beside the repository on development machines and in CI; skip where it does not.
  it.skipIf(!existsSync(contractFile))("includes the contract's example verbatim", () => {
    const contract = readFileSync(contractFile, "utf8");
    const example = /```yaml\n([\s\S]*?)```/.exec(contract)?.[1];
    expect(example).toBeDefined();
    expect(readFileSync(join(goodDir, "majority-minority-split.yaml"), "utf8")).toBe(example);
    expect(loadScenarioText(example ?? "", "majority-minority-split.yaml").ok).toBe(true);
  });
});

describe("bad scenarios", () => {
  const files = yamlFiles(badDir);

  it("has a corpus of at least 20 files", () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files)("%s gives exactly the expected issues", async (file) => {
    const text = readFileSync(join(badDir, file), "utf8");
    const expected = [...text.matchAll(/^# expect: (\w+) (\d+):(\d+)$/gm)].map((m) => `${m[1]} ${m[2]}:${m[3]}`);
    expect(expected.length, "the file needs `# expect: <code> <line>:<column>` lines").toBeGreaterThan(0);
    const result = await loadScenarioFile(join(badDir, file));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => `${e.code} ${e.line}:${e.column}`)).toEqual(expected);
    const messages = [...text.matchAll(/^# message: (.*)$/gm)].map((m) => m[1]);
    if (messages.length > 0) expect(result.errors.map((e) => e.message)).toEqual(messages);
    for (const issue of result.errors) {
      expect(issue.message).not.toBe("");
      expect(issue.excerpt).toMatch(/\n *\^+$/);
    }
  });
});
