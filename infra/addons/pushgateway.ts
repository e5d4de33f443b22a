import { PUSHGATEWAY_PODS } from "../../charts/netpol";
import type { AddonDescriptor } from "./addon";
import { scrapedBy } from "./scrape";
import { PUSHGATEWAY_FULLNAME, PUSHGATEWAY_PORT, pushgatewayUrl, pushgatewayValues } from "./values/pushgateway";
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
