// The generated rules as data, no tool needed (rules.slow.test.ts runs them through promtool):
// every alert carries its annotations and a runbook section, has a firing and a quiet promtool
// case, and follows the thresholds; record names follow the naming convention.
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { alertRules } from "../../monitoring/alerts";
import { recordingRuleGroups } from "../../monitoring/rules";
import { alertThresholdsSchema, defaultAlertThresholds } from "../../monitoring/thresholds";
import { alertCases } from "./alert-cases";

describe("generated rule files", () => {
  it("carry severity, summary, description and a runbook link to that alert's section", () => {
    const runbooks = fs.readFileSync(new URL("../../docs/runbooks.md", import.meta.url), "utf8");
    const headings = new Set([...runbooks.matchAll(/^## (\S+)$/gm)].map((m) => m[1].toLowerCase()));
    for (const r of alertRules(defaultAlertThresholds)) {
      expect(["critical", "warning", "info"], r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary.length, r.alert).toBeGreaterThan(10);
      expect(r.annotations.description.length, r.alert).toBeGreaterThan(20);
      const anchor = r.annotations.runbook_url.split("#")[1];
      expect(r.annotations.runbook_url.startsWith(defaultAlertThresholds.runbookBaseUrl), r.alert).toBe(true);
      expect(headings.has(anchor), `docs/runbooks.md has no "## ${r.alert}" section`).toBe(true);
    }
  });

  it("follow the configured thresholds", () => {
    const rules = alertRules(alertThresholdsSchema.parse({ ttftP95Seconds: 2.5, gpuPodPendingMinutes: 45 }));
    expect(rules.find((r) => r.alert === "VllmHighTTFT")!.expr).toMatch(/> 2\.5$/);
    expect(rules.find((r) => r.alert === "GpuPodsPending")!.for).toBe("45m");
  });

  it("record names follow level:metric:operations and are unique", () => {
    const records = recordingRuleGroups().flatMap((g) => g.rules.map((r) => ("record" in r ? r.record : "")));
    expect(new Set(records).size).toBe(records.length);
    for (const r of records) expect(r).toMatch(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/);
  });
});

describe("promtool test cases", () => {
  const cases = alertCases();

  it("has a firing and a quiet case for every alert", () => {
    for (const r of alertRules(defaultAlertThresholds)) {
      expect(
        cases.some((c) => c.alert === r.alert && c.fires),
        `${r.alert}: firing case`,
      ).toBe(true);
      expect(
        cases.some((c) => c.alert === r.alert && !c.fires),
        `${r.alert}: quiet case`,
      ).toBe(true);
    }
  });
});
