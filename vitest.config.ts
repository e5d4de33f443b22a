import { defineConfig } from "vitest/config";

// Keep the default `forks` pool: Pulumi mocks are process-global, and vmForks / --no-isolate leak
// one file's mocks into another (DESIGN §10). So the suites that build the resource graph under
// mocks (or spy on globals) run isolated, one fresh process per file; the rest, pure functions over
// data, share their workers' module cache, which saves most of their import time.
// `npm test` stays under two minutes on the 2-core machine: long fault matrices, property runs and
// CLI-spawning suites are named `*.slow.test.ts` and run by `npm run test:slow` (vitest.slow.config.ts), which CI also runs.
export const shared = {
  pool: "forks" as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
  reporters: ["default"],
};

/**
 * Suites that touch process-global state: Pulumi's mocks, spies on console or process. An entry is
 * a folder glob (every test file below the folder) or an exact path; test/arch/isolation.test.ts
 * fails when a suite outside them (or a helper it imports) reaches for that state.
 */
export const ISOLATED = [
  "test/infra/**/*.test.ts",
  "test/policy/**/*.test.ts",
  "test/matrix/**/*.test.ts",
  "test/charts/workloads-graph.test.ts",
  "test/bench/compare.test.ts",
];
const SLOW = "test/**/*.slow.test.ts";

export default defineConfig({
  test: {
    ...shared,
    projects: [
      { extends: true, test: { name: "isolated", include: ISOLATED, exclude: [SLOW] } },
      {
        extends: true,
        test: { name: "shared", isolate: false, include: ["test/**/*.test.ts"], exclude: [SLOW, ...ISOLATED] },
      },
    ],
  },
});
