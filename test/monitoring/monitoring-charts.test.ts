import { ConfigMap } from "kubernetes-models/v1";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { App } from "cdk8s";
import { describe, expect, it } from "vitest";
import { DashboardsChart, GRAFANA_DASHBOARD_LABEL, MonitoringRulesChart } from "../../charts/monitoring";
import { alertRuleGroups, recordingRuleGroups } from "../../monitoring/rules";
import { alertThresholdsSchema, defaultAlertThresholds } from "../../monitoring/thresholds";

function synth(thresholds = defaultAlertThresholds) {
  const app = new App();
  new MonitoringRulesChart(app, "rules", { namespace: "llm", thresholds });
  new DashboardsChart(app, "dashboards", { namespace: "llm", thresholds });
  return app.charts.flatMap((c) => c.toJson());
}

describe("monitoring charts", () => {
  const objs = synth();

  it("PrometheusRules carry the same groups as monitoring/ and are schema-valid", () => {
    const rules = objs.filter((o) => o.kind === "PrometheusRule");
    expect(rules.map((r) => r.metadata.name).sort()).toEqual(["vllm-alert-rules", "vllm-recording-rules"]);
    for (const r of rules) {
      expect(r.metadata.namespace).toBe("llm");
      expect(() => new PrometheusRule(r).validate(), r.metadata.name).not.toThrow();
    }
    expect(rules.find((r) => r.metadata.name === "vllm-recording-rules").spec.groups).toEqual(recordingRuleGroups());
    expect(rules.find((r) => r.metadata.name === "vllm-alert-rules").spec.groups).toEqual(
      alertRuleGroups(defaultAlertThresholds),
    );
  });

  it("schema validation can fail: a rule without expr is rejected", () => {
    const bad = structuredClone(objs.find((o) => o.kind === "PrometheusRule"));
    delete bad.spec.groups[0].rules[0].expr;
    expect(() => new PrometheusRule(bad).validate()).toThrow(/expr/);
  });

  it("one dashboard ConfigMap each, labelled for Grafana's sidecar, small enough for kubectl apply", () => {
    const cms = objs.filter((o) => o.kind === "ConfigMap");
    expect(cms.length).toBe(4);
    for (const cm of cms) {
      expect(() => new ConfigMap(cm).validate()).not.toThrow();
      expect(cm.metadata.labels[GRAFANA_DASHBOARD_LABEL.key]).toBe(GRAFANA_DASHBOARD_LABEL.value);
      expect(cm.metadata.annotations.grafana_folder).toBe("vLLM");
      const [file, json] = Object.entries(cm.data as Record<string, string>)[0];
      expect(file).toMatch(/\.json$/);
      expect(JSON.parse(json).uid).toBeTruthy();
      // Client-side `kubectl apply` keeps a last-applied copy in an annotation limited to 256 KiB.
      expect(Buffer.byteLength(JSON.stringify(cm))).toBeLessThan(256 * 1024);
    }
  });

  it("thresholds from the stack config reach the alert expressions and the dashboards' lines", () => {
    const t = alertThresholdsSchema.parse({ e2eLatencyP95Seconds: 5 });
    const o = synth(t);
    const alerts = o
      .find((x) => x.metadata.name === "vllm-alert-rules")
      .spec.groups.flatMap((g: { rules: { alert: string; expr: string }[] }) => g.rules);
    expect(alerts.find((a: { alert: string }) => a.alert === "VllmHighE2ELatency").expr).toMatch(/> 5$/);
    const serving = o.find((x) => x.metadata.name === "dashboard-vllm-serving");
    expect(Object.values(serving.data as Record<string, string>)[0]).toContain('"value": 5');
  });
});
