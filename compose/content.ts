// The monitoring content the cluster gets, produced by the same generators: the compose bundle
// never holds a second copy of a rule or a dashboard. The thresholds feed both the alert rules and
// the dashboards' threshold lines, so a panel shows where its alert fires.
import { allDashboards } from "../monitoring/dashboards";
import { alertRuleGroups, recordingRuleGroups, renderRuleFile } from "../monitoring/rules";
import { type AlertThresholds, defaultAlertThresholds } from "../monitoring/thresholds";
import type { MonitoringContent } from "./bundle";

export function monitoringContent(thresholds: AlertThresholds = defaultAlertThresholds): MonitoringContent {
  return {
    ruleFiles: {
      "recording-rules.yaml": renderRuleFile(recordingRuleGroups()),
      "alert-rules.yaml": renderRuleFile(alertRuleGroups(thresholds)),
    },
    dashboards: allDashboards(thresholds),
  };
}
