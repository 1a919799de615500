import { defineConfig } from "vitest/config";

// Three projects: `unit` (pure logic, parallel), `integration` (real BEAM nodes and a real
// Toxiproxy; files run one at a time so a 2-core machine is not overloaded and timings stay honest)
// and `examples` (examples/: the library as a user writes it, on real nodes too).
//
// The examples import "netsplit" by its package name. Node resolves a package's own name through
// its exports map; the `netsplit-source` condition maps it to the TypeScript sources (no build
// needed), next to Vite's default server conditions.
const SOURCE_CONDITIONS = ["module", "node", "development|production", "netsplit-source"];

export default defineConfig({
  test: {
    fileParallelism: false,
    projects: [
      {
        test: {
          name: "unit",
          include: ["harness/src/**/*.test.ts", "bench/**/*.test.ts"],
          exclude: ["harness/src/**/*.int.test.ts", "bench/**/*.int.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["harness/src/**/*.int.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        ssr: { resolve: { conditions: SOURCE_CONDITIONS } },
        test: {
          name: "examples",
          include: ["examples/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
