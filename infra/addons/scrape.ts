import type { Flow } from "../../charts/netpol/flows";
import { PROMETHEUS_PODS, type PodGroup } from "../../charts/netpol/pods";
import type { AddonSettings } from "./addon";

/** Prometheus (kube-prometheus-stack) scraping `pods` through a ServiceMonitor, when it is installed. */
export function scrapedBy(
  s: AddonSettings,
  installed: (key: string) => boolean,
  to: { namespace: string; pods: PodGroup },
  why: string,
): Flow[] {
  if (!installed("kubePrometheusStack")) return [];
  return [
    {
      from: { kind: "pods", namespace: s.monitoringNamespace, pods: PROMETHEUS_PODS },
      to,
      ports: to.pods.ports,
      why,
    },
  ];
}
