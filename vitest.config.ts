import { defineConfig } from "vitest/config";

// Keep the default `forks` pool with isolation: Pulumi mocks are process-global,
// and vmForks / --no-isolate leak one file's mocks into another (DESIGN §10).
// `npm test` stays under two minutes on the 2-core machine: long fault matrices, property runs and
// CLI-spawning suites are named `*.slow.test.ts` and run by `npm run test:slow` (vitest.slow.config.ts), which CI also runs.
export const shared = {
  pool: "forks" as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
  reporters: ["default"],
};

export default defineConfig({
  test: {
    ...shared,
    include: ["test/**/*.test.ts"],
    exclude: ["test/**/*.slow.test.ts", "**/node_modules/**"],
  },
});
