import { describe, expect, it } from "vitest";
import { share, shareText } from "./stability.js";

describe("bench stability: the share of expected verdicts", () => {
  it("counts every run of every pass and names the scenarios that were not as expected", () => {
    const s = share([
      { jobs: 1, wallMs: 1000, verdicts: { a: "pass", b: "pass" } },
      { jobs: 2, wallMs: 600, verdicts: { a: "pass", b: "unknown" } },
    ]);
    expect(s).toEqual({ matched: 3, total: 4, off: ["b (unknown)"] });
    expect(shareText(s)).toBe("3 of 4 runs PASS as expected (75%); not as expected: b (unknown)");
    expect(shareText(share([{ jobs: 1, wallMs: 1, verdicts: { a: "pass" } }]))).toBe("1 of 1 runs PASS as expected (100%)");
  });
});
