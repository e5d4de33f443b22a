// Prometheus rule groups as plain objects: the same groups go into PrometheusRule objects
// (charts/monitoring), the compose bundle's rule files and the local Prometheus of `npm start`.
import { stringify } from "yaml";
import { alertRules, type AlertGroup, type AlertRule } from "./alerts";
import { REC, type RecordingRule } from "./recorded";
import type { AlertThresholds } from "./thresholds";

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<RecordingRule | AlertRule>;
}

const flatten = (v: unknown): RecordingRule[] =>
  v && typeof v === "object" && "record" in v
    ? [v as RecordingRule]
    : v && typeof v === "object"
      ? Object.values(v).flatMap(flatten)
      : [];

/**
 * Recording rules, grouped so each group only reads raw series or records from earlier in the
 * same group (rules in a group run in order; groups run concurrently).
 */
export function recordingRuleGroups(): RuleGroup[] {
  const { gpu, capacity, ...vllm } = REC;
  return [
    { name: "vllm.recording", rules: flatten(vllm) },
    { name: "vllm-gpu.recording", rules: flatten(gpu) },
    { name: "vllm-capacity.recording", rules: flatten(capacity) },
  ];
}

const alertGroupNames: Record<AlertGroup, string> = {
  vllm: "vllm.alerts",
  gpu: "vllm-gpu.alerts",
  capacity: "vllm-capacity.alerts",
  benchmark: "vllm-bench.alerts",
};

export function alertRuleGroups(thresholds: AlertThresholds): RuleGroup[] {
  const rules = alertRules(thresholds);
  return (Object.keys(alertGroupNames) as AlertGroup[]).map((g) => ({
    name: alertGroupNames[g],
    rules: rules
      .filter((r) => r.group === g)
      // eslint-disable-next-line @typescript-eslint/no-unused-vars -- `group` is destructured only to leave it out of `rule`
      .map(({ group: _group, ...rule }) => rule),
  }));
}

/** A Prometheus rule file (`groups:`), as `promtool check rules` and `rule_files` read it. */
export function renderRuleFile(groups: RuleGroup[]): string {
  return (
    "# Generated from monitoring/ (recorded.ts, alerts.ts); do not edit.\n" + stringify({ groups }, { lineWidth: 0 })
  );
}
