import { ADAPTER_PODS, PROMETHEUS_PODS, type Flow } from "../../charts/netpol";
import { adapterRules } from "../../monitoring/adapter";
import type { AddonDescriptor } from "./addon";
import { PROMETHEUS_PORT, prometheusUrl } from "./values/kube-prometheus-stack";
import { prometheusAdapterValues } from "./values/prometheus-adapter";
import { CHARTS } from "./versions";

/**
 * prometheus-adapter: serves the custom metrics API the request-rate HPA reads, from the rules
 * written once in monitoring/adapter.ts, querying the stack's Prometheus (so installed after it).
 */
export const prometheusAdapter: AddonDescriptor = {
  key: "prometheusAdapter",
  release: "prometheus-adapter",
  chart: CHARTS.prometheusAdapter,
  namespace: (s) => s.monitoringNamespace,
  after: ["kubePrometheusStack"],
  serviceMonitor: false,
  ready: true,
  values: (s) =>
    prometheusAdapterValues(
      { url: prometheusUrl(s.monitoringNamespace), port: PROMETHEUS_PORT },
      adapterRules(),
      s.systemNodeSelector ?? {},
    ),
  pods: [ADAPTER_PODS],
  connections(s, installed) {
    const ns = s.monitoringNamespace;
    const flows: Flow[] = [
      // The APIService v1beta1.custom.metrics.k8s.io points the API server at the adapter's Service.
      {
        from: { kind: "apiServer" },
        to: { namespace: ns, pods: ADAPTER_PODS },
        ports: ADAPTER_PODS.ports,
        why: "API server calls the custom metrics API (HPA)",
      },
    ];
    // Its values' prometheus.url/port (above).
    if (installed("kubePrometheusStack"))
      flows.push({
        from: { kind: "pods", namespace: ns, pods: ADAPTER_PODS },
        to: { namespace: ns, pods: PROMETHEUS_PODS },
        ports: [PROMETHEUS_PORT],
        why: "prometheus-adapter queries Prometheus",
      });
    return flows;
  },
};
