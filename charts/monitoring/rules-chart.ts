// PrometheusRule objects from the rule groups in monitoring/. kube-prometheus-stack is installed
// with `ruleSelectorNilUsesHelmValues: false`, so it selects these without a `release` label.
import { ApiObject, Chart } from "cdk8s";
import type { Construct } from "constructs";
import { alertRuleGroups, recordingRuleGroups, type RuleGroup } from "../../monitoring/rules";
import { PART_OF } from "../part-of";
import type { MonitoringChartProps } from "./props";

export class MonitoringRulesChart extends Chart {
  constructor(scope: Construct, id: string, props: MonitoringChartProps) {
    super(scope, id, { namespace: props.namespace, labels: { ...PART_OF } });
    const rule = (name: string, groups: RuleGroup[]) =>
      new ApiObject(this, name, {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name, labels: { "app.kubernetes.io/name": name } },
        spec: { groups },
      });
    // Two objects: recording rules rarely change, alert thresholds do; a bad edit to one cannot
    // take the other out (the operator rejects a PrometheusRule as a whole).
    rule("vllm-recording-rules", recordingRuleGroups());
    rule("vllm-alert-rules", alertRuleGroups(props.thresholds));
  }
}
