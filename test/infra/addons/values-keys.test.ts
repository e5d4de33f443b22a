import { describe, expect, it } from "vitest";
import { GPU_NODE_LABEL, GPU_TAINT, SYSTEM_NODE_LABEL } from "../../../charts/node-pools";
import { parseStackConfig } from "../../../infra/config-load";
import type { AddonDescriptor, AddonSettings } from "../../../infra/addons";
import { KEDA_METRICS_PORT } from "../../../infra/addons/keda";
import { ADDONS } from "../../../infra/addons/registry";
import { devicePluginValues } from "../../../infra/addons/values/device-plugin";
import { dcgmNodeLabel, type DcgmExporterValues } from "../../../infra/addons/values/dcgm-exporter";
import { CHARTS } from "../../../infra/addons/versions";
import type { KubePrometheusStackValues } from "../../../infra/addons/values/kube-prometheus-stack";
import { addonSettings } from "../../../infra/mapper/addons";
import { chartDefault, leafPaths, loadFixture, valuesProblems } from "./helm-fixtures";

// Every key path the values of a registered add-on set must exist in its pinned chart's
// values.yaml, as recorded in test/fixtures/helm-values/<chart>.yaml. Values are built through the
// mapper for both modes and with every optional branch taken (webhook on, LoadBalancer Grafana,
// ServiceMonitors on), so no key escapes the check.
const eksConfig = parseStackConfig({
  cluster: { mode: "eks", publicAccessCidrs: ["203.0.113.10/32"] },
  monitoring: { grafanaServiceType: "LoadBalancer", grafanaAllowedCidrs: ["10.0.0.0/8"] },
});
const eks = addonSettings(eksConfig, {
  cluster: { clusterName: "vllm", autoscalerRoleArn: "arn:aws:iam::123456789012:role/vllm-autoscaler", ready: [] },
  secrets: { alertmanagerWebhookUrl: "https://hooks.example.test/x" },
});
const existing = addonSettings(parseStackConfig({ cluster: { mode: "existing" } }));
// Every add-on, cluster-autoscaler included, on an existing cluster too (its values only need the cluster).
const existingAll: AddonSettings = { ...existing, eksCluster: eks.eksCluster };

const byKey = (key: string): AddonDescriptor => ADDONS.find((d) => d.key === key)!;
const kpsValues = (s: AddonSettings) => byKey("kubePrometheusStack").values(s, true) as KubePrometheusStackValues;
const valuesOf = (key: string, s: AddonSettings) =>
  byKey(key).values(s, true) as { nodeSelector: Record<string, string> };

describe("Helm values against the pinned charts' values.yaml", () => {
  for (const [mode, settings] of [
    ["eks", eks],
    ["existing", existingAll],
  ] as const) {
    for (const d of ADDONS) {
      it(`${d.release} (${mode}): the fixture matches the pin and every key path we set exists in the chart`, () => {
        const values = d.values(settings, true);
        expect(valuesProblems(d, values)).toEqual([]);
        expect(leafPaths(values, new Set()).length).toBeGreaterThan(0);
      });
    }
  }

  it("the checker rejects a key the chart does not have, and a fixture of another version (a typo cannot pass)", () => {
    const pg = byKey("pushgateway");
    const values = { ...pg.values(eks, true), serviceMonitor: { enabled: true, honorLabel: true } };
    expect(valuesProblems(pg, values)).toEqual(["unknown key serviceMonitor.honorLabel"]);
    const stale = { ...loadFixture("prometheus-pushgateway"), pinned: "0.0.1" };
    const want = `fixture read from 0.0.1, chart pinned at ${pg.chart.version}`;
    expect(valuesProblems(pg, pg.values(eks, true), stale)).toEqual([want]);
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
    const v = byKey("dcgmExporter").values(eks, true) as DcgmExporterValues;
    expect(chartDefault(loadFixture("dcgm-exporter"), "serviceMonitor.honorLabels")).toBe(false);
    expect(v.serviceMonitor.honorLabels).toBe(true);
    expect(v.nodeSelector).toEqual({ [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value });
    expect(v.tolerations).toEqual([{ key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect }]);
    const file = v.arguments[v.arguments.indexOf("-f") + 1];
    expect(v.extraVolumeMounts.map((m) => m.mountPath)).toContain(file);
    expect(v.extraConfigMapVolumes[0].configMap.name).toBe("dcgm-exporter-counters");
  });

  it("dcgm-exporter: the node label follows the pinned version (`Hostname` up to 4.8.2, `hostname` after)", () => {
    expect(["3.3.9", "4.7.1", "4.8.2"].map((v) => dcgmNodeLabel(v))).toEqual(["Hostname", "Hostname", "Hostname"]);
    expect(["4.8.3", "4.9.0", "5.0.0"].map((v) => dcgmNodeLabel(v))).toEqual(["hostname", "hostname", "hostname"]);
    expect(dcgmNodeLabel()).toBe(dcgmNodeLabel(CHARTS.dcgmExporter.version));
  });

  it("kube-prometheus-stack: flips every *SelectorNilUsesHelmValues the chart defaults to true", () => {
    const fixture = loadFixture("kube-prometheus-stack");
    const spec = kpsValues(eks).prometheus.prometheusSpec as unknown as Record<string, unknown>;
    const flags = Object.keys(spec).filter((k) => k.endsWith("SelectorNilUsesHelmValues"));
    expect(flags).toHaveLength(5);
    for (const f of flags) {
      expect(chartDefault(fixture, `prometheus.prometheusSpec.${f}`)).toBe(true);
      expect(spec[f]).toBe(false);
    }
  });

  it("kube-state-metrics: the pinned chart's default collectors include HPAs and pods (alerts use them)", () => {
    const collectors = chartDefault(
      loadFixture("kube-prometheus-stack"),
      "collectors",
      "kube-state-metrics",
    ) as string[];
    expect(collectors).toEqual(expect.arrayContaining(["horizontalpodautoscalers", "pods", "nodes", "deployments"]));
    expect("collectors" in kpsValues(eks)["kube-state-metrics"]).toBe(false);
  });

  it("system add-ons select the system node pool in eks mode and nothing on an existing cluster", () => {
    const sys = { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value };
    const e = kpsValues(eks);
    const cpu = ["pushgateway", "clusterAutoscaler", "keda"];
    const kpsParts = [
      e.prometheus.prometheusSpec,
      e.alertmanager.alertmanagerSpec,
      e.grafana,
      e.prometheusOperator,
      e["kube-state-metrics"],
    ];
    for (const s of [...kpsParts, ...cpu.map((k) => valuesOf(k, eks))]) expect(s.nodeSelector).toEqual(sys);
    const x = kpsValues(existingAll);
    for (const s of [x.prometheus.prometheusSpec, x.grafana, ...cpu.map((k) => valuesOf(k, existingAll))])
      expect(s.nodeSelector).toEqual({});
  });

  it("KEDA's pods serve their metrics where our NetworkPolicies admit Prometheus (the chart's default port)", () => {
    const keda = loadFixture("keda");
    for (const part of ["operator", "metricServer", "webhooks"])
      expect(chartDefault(keda, `prometheus.${part}.port`), part).toBe(KEDA_METRICS_PORT);
  });

  it("nothing but Grafana can be a LoadBalancer, and Grafana only when configured", () => {
    const kps = loadFixture("kube-prometheus-stack");
    const fixtureTypes = [
      ...["dcgm-exporter", "keda", "cluster-autoscaler", "prometheus-pushgateway"].map((c) =>
        chartDefault(loadFixture(c), "service.type"),
      ),
      chartDefault(kps, "prometheus.service.type"),
      chartDefault(kps, "alertmanager.service.type"),
      chartDefault(kps, "service.type", "grafana"),
    ];
    expect(new Set(fixtureTypes)).toEqual(new Set(["ClusterIP"]));
    expect(JSON.stringify(ADDONS.map((d) => d.values(existingAll, true)))).not.toContain("LoadBalancer");
    expect(kpsValues(eks).grafana.service.type).toBe("LoadBalancer");
  });
});
