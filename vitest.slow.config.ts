import { defineConfig } from "vitest/config";
import { runOnce, shared } from "./vitest.config";

// The suites `npm test` leaves out to stay about a minute (see vitest.config.ts); CI runs both.
export default defineConfig({
  test: { ...shared, ...runOnce, include: ["test/**/*.slow.test.ts"], testTimeout: 120_000 },
});
