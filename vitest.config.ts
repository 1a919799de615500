import { defineConfig } from "vitest/config";

// Two projects: `unit` (pure logic, parallel) and `integration` (real BEAM nodes and a real
// Toxiproxy; files run one at a time so a 2-core machine is not overloaded and timings stay honest).
export default defineConfig({
  test: {
    fileParallelism: false,
    projects: [
      {
        test: {
          name: "unit",
          include: ["harness/src/**/*.test.ts"],
          exclude: ["harness/src/**/*.int.test.ts"],
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
    ],
  },
});
