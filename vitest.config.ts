import * as os from "node:os";
import { defineConfig } from "vitest/config";

// Keep the default `forks` pool: Pulumi mocks are process-global, and vmForks / --no-isolate leak
// one file's mocks into another (DESIGN §10). The example stacks' graphs are built once per run, in
// the background (test/graphs/), and the suites read them as data; only the suites that run the
// program themselves (or spy on globals) run isolated, one fresh process per file. The rest share
// their workers' module cache, which saves most of their import time.
// `npm test` takes about a minute on the 2-core machine: long fault matrices, property runs and
// CLI-spawning suites are named `*.slow.test.ts` and run by `npm run test:slow` (vitest.slow.config.ts), which CI also runs.
export const shared = {
  pool: "forks" as const,
  // One worker per core (vitest's default leaves one core to its main process, which idles): on
  // the 2-core machine that default ran one file at a time, while most slow suites wait on
  // timers, servers and child processes.
  maxWorkers: os.availableParallelism(),
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

/**
 * Suites that touch process-global state: Pulumi's mocks, spies on console or process. An entry is
 * a folder glob (every test file below the folder) or an exact path; test/arch/isolation.test.ts
 * fails when a suite outside them (or a helper it imports) reaches for that state.
 */
export const ISOLATED = [
  "test/infra/outputs.test.ts",
  "test/infra/addons/fake-addon.test.ts",
  "test/infra/bad-stacks.test.ts",
  "test/infra/config-security.test.ts",
  "test/infra/graph-bad-config.test.ts",
  "test/matrix/**/*.test.ts",
  "test/policy/connections.test.ts",
  "test/policy/gpu.test.ts",
  "test/bench/compare.test.ts",
];
const SLOW = "test/**/*.slow.test.ts";

/** Root-level only (a project that extends the root runs the root's global setup once more). */
export const runOnce = {
  // Builds the example stacks' graphs once per run, in the background (test/graphs/examples.ts).
  globalSetup: ["test/graphs/global-setup.ts"],
  reporters: ["default", "./test/slowest-suites.ts"],
};

export default defineConfig({
  test: {
    ...shared,
    ...runOnce,
    projects: [
      { test: { ...shared, name: "isolated", include: ISOLATED, exclude: [SLOW] } },
      {
        test: {
          ...shared,
          name: "shared",
          isolate: false,
          include: ["test/**/*.test.ts"],
          exclude: [SLOW, ...ISOLATED],
        },
      },
    ],
  },
});
