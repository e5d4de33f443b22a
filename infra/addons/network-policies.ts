import * as k8s from "@pulumi/kubernetes";
import { monitoringFlows, namespacePolicies } from "../../charts/netpol";
import type { AddonSettings } from "./addon";
import type { AddonOpts } from "./helm";

/**
 * Default-deny ingress in the monitoring namespace plus one allow policy per add-on pod group
 * (the flows of charts/netpol/flows.ts), applied before the charts so no pod ever runs unprotected.
 */
export function monitoringNetworkPolicies(s: AddonSettings, opts: AddonOpts): k8s.yaml.v2.ConfigGroup {
  const on = (key: string) => s.enabled[key] ?? false;
  const grafana = s.kubePrometheusStack.grafana;
  const flows = monitoringFlows({
    namespace: s.monitoringNamespace,
    servingNamespace: s.servingNamespace,
    addons: {
      kubePrometheusStack: on("kubePrometheusStack"),
      prometheusAdapter: on("prometheusAdapter"),
      pushgateway: on("pushgateway"),
      dcgmExporter: on("dcgmExporter"),
      benchmark: s.benchmark ?? false,
    },
    grafanaClientCidrs: grafana.type === "LoadBalancer" ? grafana.allowedCidrs : undefined,
  });
  const objs = namespacePolicies(s.monitoringNamespace, flows);
  return new k8s.yaml.v2.ConfigGroup("monitoring-network-policies", { objs }, opts);
}
