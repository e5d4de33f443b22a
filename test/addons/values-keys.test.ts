import { describe, expect, it } from "vitest";
import { GPU_NODE_LABEL, GPU_TAINT, SYSTEM_NODE_LABEL } from "../../charts/node-pools";
import { parseStackConfig } from "../../infra/config-load";
import { clusterAutoscalerValues } from "../../infra/addons/values/cluster-autoscaler";
import { dcgmExporterValues } from "../../infra/addons/values/dcgm-exporter";
import { devicePluginValues } from "../../infra/addons/values/device-plugin";
import { kubePrometheusStackValues } from "../../infra/addons/values/kube-prometheus-stack";
import { prometheusAdapterValues } from "../../infra/addons/values/prometheus-adapter";
import { pushgatewayValues } from "../../infra/addons/values/pushgateway";
import { CHARTS } from "../../infra/addons/versions";
import { chartDefault, leafPaths, loadFixture, unknownPaths } from "./helm-fixtures";

// Every key path our typed values set must exist in the pinned chart's values.yaml, as
// recorded in test/fixtures/helm-values/. Values are built for both modes and with every
// optional branch taken (webhook on, LoadBalancer Grafana), so no key escapes the check.
const eks = parseStackConfig({ cluster: { mode: "eks", publicAccessCidrs: ["203.0.113.10/32"] }, monitoring: { grafanaServiceType: "LoadBalancer", grafanaAllowedCidrs: ["10.0.0.0/8"] } });
const existing = parseStackConfig({ cluster: { mode: "existing" } });
const cluster = { name: "vllm", region: "us-west-2", autoscalerRoleArn: "arn:aws:iam::123456789012:role/vllm-cluster-autoscaler" };
const rule = { seriesQuery: "x", resources: { template: "<<.Resource>>" }, name: { matches: "x", as: "y" }, metricsQuery: "x" };
const grafanaSecret = { name: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" };

const built = (config: typeof eks) => ({
  "nvidia-device-plugin": devicePluginValues(),
  "dcgm-exporter": dcgmExporterValues("counters", true),
  "kube-prometheus-stack": kubePrometheusStackValues({ config, grafanaSecret, webhookSecret: { name: "alertmanager-webhook", key: "url" } }),
  "prometheus-adapter": prometheusAdapterValues(config, { url: "http://kps-prometheus.monitoring.svc", port: 9090 }, [rule]),
  "cluster-autoscaler": clusterAutoscalerValues(config, cluster, true),
  "prometheus-pushgateway": pushgatewayValues(config, true),
});

describe("Helm values against the pinned charts' values.yaml", () => {
  for (const [mode, config] of [["eks", eks], ["existing", existing]] as const) {
    for (const [chart, values] of Object.entries(built(config))) {
      it(`${chart} (${mode}): every key path we set exists in the chart`, () => {
        const fixture = loadFixture(chart);
        expect(unknownPaths(fixture, values)).toEqual([]);
        expect(leafPaths(values, new Set()).length).toBeGreaterThan(0);
      });
    }
  }

  it("each fixture records the version we pin and the commit it was read from", () => {
    const byChart = new Map(Object.values(CHARTS).map((c) => [c.chart, c.version]));
    for (const chart of Object.keys(built(eks))) {
      const fixture = loadFixture(chart);
      expect(byChart.get(fixture.chart as (typeof CHARTS)[keyof typeof CHARTS]["chart"]), chart).toBe(fixture.pinned);
      for (const s of fixture.sources) expect(s.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it("the checker rejects a key the chart does not have (a typo cannot pass)", () => {
    const values = { ...pushgatewayValues(eks, true), serviceMonitor: { enabled: true, honorLabel: true } };
    expect(unknownPaths(loadFixture("prometheus-pushgateway"), values)).toEqual(["serviceMonitor.honorLabel"]);
  });
});

describe("chart defaults we override or rely on", () => {
  it("device plugin: replaces the NFD/GFD affinity with our GPU label and tolerates our taint", () => {
    const v = devicePluginValues();
    const nfdKeys = chartDefault(loadFixture("nvidia-device-plugin"), "affinityLabelKeys") as string[];
    const terms = v.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    const keys = terms.flatMap((t) => t.matchExpressions.map((e) => e.key));
    expect(keys).toEqual([GPU_NODE_LABEL.key]);
    expect(keys.some((k) => nfdKeys.includes(k))).toBe(false);
    expect(v.nodeSelector).toEqual({ [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value });
    expect(v.tolerations).toContainEqual({ key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect });
  });

  it("dcgm-exporter: GPU nodes only, honorLabels on (the chart defaults it off), our counters file mounted", () => {
    const v = dcgmExporterValues("counters", true);
    expect(chartDefault(loadFixture("dcgm-exporter"), "serviceMonitor.honorLabels")).toBe(false);
    expect(v.serviceMonitor.honorLabels).toBe(true);
    expect(v.nodeSelector).toEqual({ [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value });
    expect(v.tolerations).toEqual([{ key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect }]);
    const file = v.arguments[v.arguments.indexOf("-f") + 1];
    expect(v.extraVolumeMounts.map((m) => m.mountPath)).toContain(file);
    expect(v.extraConfigMapVolumes[0]!.configMap.name).toBe("counters");
  });

  it("kube-prometheus-stack: flips every *SelectorNilUsesHelmValues the chart defaults to true", () => {
    const fixture = loadFixture("kube-prometheus-stack");
    const spec = kubePrometheusStackValues({ config: eks, grafanaSecret }).prometheus.prometheusSpec as unknown as Record<string, unknown>;
    const flags = Object.keys(spec).filter((k) => k.endsWith("SelectorNilUsesHelmValues"));
    expect(flags).toHaveLength(5);
    for (const f of flags) {
      expect(chartDefault(fixture, `prometheus.prometheusSpec.${f}`)).toBe(true);
      expect(spec[f]).toBe(false);
    }
  });

  it("kube-state-metrics: the pinned chart's default collectors include HPAs and pods (alerts use them)", () => {
    const collectors = chartDefault(loadFixture("kube-prometheus-stack"), "collectors", "kube-state-metrics") as string[];
    expect(collectors).toEqual(expect.arrayContaining(["horizontalpodautoscalers", "pods", "nodes", "deployments"]));
    expect("collectors" in kubePrometheusStackValues({ config: eks, grafanaSecret })["kube-state-metrics"]).toBe(false);
  });

  it("system add-ons select the system node pool in eks mode and nothing on an existing cluster", () => {
    const sys = { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value };
    const e = kubePrometheusStackValues({ config: eks, grafanaSecret });
    for (const s of [e.prometheus.prometheusSpec, e.alertmanager.alertmanagerSpec, e.grafana, e.prometheusOperator, e["kube-state-metrics"], pushgatewayValues(eks, true), clusterAutoscalerValues(eks, cluster, true)])
      expect(s.nodeSelector).toEqual(sys);
    const x = kubePrometheusStackValues({ config: existing, grafanaSecret });
    for (const s of [x.prometheus.prometheusSpec, x.grafana, pushgatewayValues(existing, true)]) expect(s.nodeSelector).toEqual({});
  });

  it("nothing but Grafana can be a LoadBalancer, and Grafana only when configured", () => {
    const kps = loadFixture("kube-prometheus-stack");
    const fixtureTypes = [
      ...["dcgm-exporter", "prometheus-adapter", "cluster-autoscaler", "prometheus-pushgateway"].map((c) => chartDefault(loadFixture(c), "service.type")),
      chartDefault(kps, "prometheus.service.type"),
      chartDefault(kps, "alertmanager.service.type"),
      chartDefault(kps, "service.type", "grafana"),
    ];
    expect(new Set(fixtureTypes)).toEqual(new Set(["ClusterIP"]));
    const clusterIp = built(parseStackConfig({ cluster: { mode: "existing" } }));
    expect(JSON.stringify(clusterIp)).not.toContain("LoadBalancer");
    expect(kubePrometheusStackValues({ config: eks, grafanaSecret }).grafana.service.type).toBe("LoadBalancer");
  });
});
