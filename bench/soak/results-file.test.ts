import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatResults, readResults, writeClientsResults, writeSoakResults } from "./results-file.js";

const tmp = () => path.join(mkdtempSync(path.join(tmpdir(), "soak-results-")), "results.json");

describe("formatResults", () => {
  it("is pretty JSON with one sample per line, nested samples too, and reads back the same", () => {
    const value = { soak: { cycles: 2 }, samples: [{ t: 1, n: { a: 1 } }, { t: 2 }], clients: { verdict: "pass", samples: [{ t: 3 }], empty: { samples: [] } } };
    const text = formatResults(value);
    expect(text).toBe(`{
  "soak": {
    "cycles": 2
  },
  "samples": [
    {"t":1,"n":{"a":1}},
    {"t":2}
  ],
  "clients": {
    "verdict": "pass",
    "samples": [
      {"t":3}
    ],
    "empty": {
      "samples": []
    }
  }
}
`);
    expect(JSON.parse(text)).toEqual(value);
  });

  it("leaves a string that looks like the placeholder alone", () => {
    const value = { note: "\u0000samples:0", samples: [1] };
    expect(JSON.parse(formatResults(value))).toEqual(value);
  });
});

describe("each soak keeps the other's results", () => {
  it("the clients soak adds `clients`; the partition soak rewrites the rest and keeps `clients`", () => {
    const file = tmp();
    writeSoakResults(file, { verdict: "pass", samples: [{ c: 1 }] });
    writeClientsResults(file, { verdict: "fail", samples: [{ t: 1 }] });
    expect(readResults(file)).toEqual({ verdict: "pass", samples: [{ c: 1 }], clients: { verdict: "fail", samples: [{ t: 1 }] } });
    writeSoakResults(file, { verdict: "fail", samples: [] });
    expect(readResults(file)).toEqual({ verdict: "fail", samples: [], clients: { verdict: "fail", samples: [{ t: 1 }] } });
    writeClientsResults(file, { verdict: "pass", samples: [] });
    expect(readResults(file)).toMatchObject({ verdict: "fail", clients: { verdict: "pass" } });
  });

  it("a missing or unreadable file counts as empty", () => {
    const file = tmp();
    expect(readResults(file)).toEqual({});
    writeFileSync(file, "not json");
    expect(readResults(file)).toEqual({});
    writeClientsResults(file, { verdict: "pass" });
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ clients: { verdict: "pass" } });
  });

  it("rewrites bench/soak/results.json byte for byte (the partition soak's layout)", () => {
    const file = path.join(path.dirname(new URL(import.meta.url).pathname), "results.json");
    const text = readFileSync(file, "utf8");
    expect(formatResults(JSON.parse(text) as Record<string, unknown>)).toBe(text);
  });
});
