import { podsNamed, type PodGroup } from "../../charts/netpol/pods";
import type { AddonDescriptor } from "./addon";
import { scrapedBy } from "./scrape";
import { PUSHGATEWAY_FULLNAME, PUSHGATEWAY_PORT, pushgatewayUrl, pushgatewayValues } from "./values/pushgateway";
import { CHARTS } from "./versions";

// charts/prometheus-pushgateway 3.8.0 (prometheus-community/helm-charts cf408a2), templates/deployment.yaml:
// name label = chart name whatever fullnameOverride says; Service `<fullname>` port 9091 -> 9091.
export const PUSHGATEWAY_PODS: PodGroup = {
  name: "pushgateway",
  labels: podsNamed("prometheus-pushgateway"),
  ports: [PUSHGATEWAY_PORT],
};

/** Prometheus Pushgateway: where the benchmark Job pushes its results for Prometheus to scrape. */
export const pushgateway: AddonDescriptor<"pushgateway"> = {
  key: "pushgateway",
  toggle: {
    description: "Prometheus Pushgateway: the benchmark Job pushes its results here; Prometheus scrapes them.",
    default: true,
  },
  release: "pushgateway",
  chart: CHARTS.pushgateway,
  namespace: (s) => s.monitoringNamespace,
  serviceMonitor: true,
  ready: true,
  values: (s, serviceMonitor) => pushgatewayValues(s.monitoringNamespace, s.systemNodeSelector ?? {}, serviceMonitor),
  outputs: (s) => ({ pushgatewayUrl: pushgatewayUrl(s.monitoringNamespace) }),
  pods: [PUSHGATEWAY_PODS],
  routes: (s) => [
    {
      namespace: s.monitoringNamespace,
      service: PUSHGATEWAY_FULLNAME,
      port: PUSHGATEWAY_PORT,
      targetPort: PUSHGATEWAY_PORT,
      pods: PUSHGATEWAY_PODS,
    },
  ],
  connections: (s, installed) =>
    scrapedBy(
      s,
      installed,
      { namespace: s.monitoringNamespace, pods: PUSHGATEWAY_PODS },
      "Prometheus scrapes Pushgateway",
    ),
};
