// The user's alert thresholds reach both the Compose rule files and the Compose dashboards'
// threshold lines, as they do in the cluster (charts/monitoring).
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { composeBundle } from "../../compose/bundle";
import { monitoringContent } from "../../compose/content";
import { alertThresholdsSchema, defaultAlertThresholds } from "../../monitoring/thresholds";

type Panel = {
  title: string;
  type: string;
  panels?: Panel[];
  fieldConfig?: { defaults?: { thresholds?: { steps: { value: number | null }[] } } };
};

function thresholdLines(files: Record<string, string>, dashboard: string, title: string): number[] {
  const json = JSON.parse(files[`grafana/dashboards/${dashboard}.json`]) as { panels: Panel[] };
  const panels = json.panels.flatMap((p) => (p.type === "row" ? (p.panels ?? []) : [p]));
  const panel = panels.find((p) => p.title === title)!;
  return panel.fieldConfig!.defaults!.thresholds!.steps.flatMap((s) => (s.value === null ? [] : [s.value]));
}

function alertExpr(files: Record<string, string>, alert: string): string {
  const groups = parse(files["prometheus/rules/alert-rules.yaml"]).groups as {
    rules: { alert?: string; expr: string }[];
  }[];
  return groups.flatMap((g) => g.rules).find((r) => r.alert === alert)!.expr;
}

describe("Compose bundle thresholds", () => {
  const custom = alertThresholdsSchema.parse({ ttftP95Seconds: 2.5, gpuTemperatureCelsius: 78 });
  const files = composeBundle(monitoringContent(custom));
  const defaults = composeBundle(monitoringContent());

  it("draws the user's thresholds on the dashboards, where the alerts fire", () => {
    expect(alertExpr(files, "VllmHighTTFT")).toMatch(/> 2\.5$/);
    expect(thresholdLines(files, "vllm-serving", "Time to first token")).toEqual([2.5]);
    expect(thresholdLines(files, "vllm-gpus", "Temperature")).toEqual([78]);
  });

  it("draws the defaults when the user sets none", () => {
    expect(thresholdLines(defaults, "vllm-serving", "Time to first token")).toEqual([
      defaultAlertThresholds.ttftP95Seconds,
    ]);
    expect(thresholdLines(defaults, "vllm-gpus", "Temperature")).toEqual([
      defaultAlertThresholds.gpuTemperatureCelsius,
    ]);
  });
});
