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
};
