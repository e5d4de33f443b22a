import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { renderConfigReference } from "../../infra/config-reference";

const readme = fs.readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("has the configuration reference generated from the current schema (run `npm run docs:config`)", () => {
    expect(readme).toContain(renderConfigReference());
  });

  it("documents every schema key", () => {
    for (const key of [
      "gpuNodes.amiType",
      "model.tensorParallelSize",
      "cluster.publicAccessCidrs",
      "monitoring.alerts.e2eLatencyP95Seconds",
    ])
      expect(readme).toContain(`\`${key}\``);
  });

  it("gives the quick start's test command that CI runs", () => {
    const ci = fs.readFileSync(new URL("../../.ci/run", import.meta.url), "utf8");
    expect(readme).toMatch(/^npm test\b/m);
    expect(ci).toMatch(/^npm test\b/m);
  });
});
