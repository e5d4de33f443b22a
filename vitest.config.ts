import { defineConfig } from "vitest/config";

// Keep the default `forks` pool with isolation: Pulumi mocks are process-global,
// and vmForks / --no-isolate leak one file's mocks into another (DESIGN §10).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
