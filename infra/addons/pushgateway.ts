import type { AddonDescriptor } from "./addon";
import { pushgatewayUrl, pushgatewayValues } from "./values/pushgateway";
import { CHARTS } from "./versions";

/** Prometheus Pushgateway: where the benchmark Job pushes its results for Prometheus to scrape. */
export const pushgateway: AddonDescriptor = {
  key: "pushgateway",
  release: "pushgateway",
  chart: CHARTS.pushgateway,
  namespace: (s) => s.monitoringNamespace,
  serviceMonitor: true,
  ready: true,
  values: (s, serviceMonitor) => pushgatewayValues(s.monitoringNamespace, s.systemNodeSelector ?? {}, serviceMonitor),
  outputs: (s) => ({ pushgatewayUrl: pushgatewayUrl(s.monitoringNamespace) }),
};
