import * as k8s from "@pulumi/kubernetes";
import { monitoringFlows, namespacePolicies, type Flow } from "../../charts/netpol";
import type { StackConfig } from "../config";
import type { AddonOpts } from "./helm";

/** The flows into the monitoring namespace this stack's add-ons need (charts/netpol/flows.ts). */
export function monitoringFlowsFromConfig(config: StackConfig): Flow[] {
  const m = config.monitoring;
  return monitoringFlows({
    namespace: m.namespace,
    servingNamespace: config.serving.namespace,
    addons: { ...config.addons, benchmark: config.benchmark.enabled },
    grafanaClientCidrs: m.grafanaServiceType === "LoadBalancer" ? m.grafanaAllowedCidrs : undefined,
  });
}

/**
 * Default-deny ingress in the monitoring namespace plus one allow policy per add-on pod group,
 * applied before the charts so no pod ever runs unprotected.
 */
export function monitoringNetworkPolicies(config: StackConfig, opts: AddonOpts): k8s.yaml.v2.ConfigGroup {
  const objs = namespacePolicies(config.monitoring.namespace, monitoringFlowsFromConfig(config));
  return new k8s.yaml.v2.ConfigGroup("monitoring-network-policies", { objs }, opts);
}
