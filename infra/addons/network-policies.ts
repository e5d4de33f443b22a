import * as k8s from "@pulumi/kubernetes";
import { namespacePolicies, podPolicies, type Flow } from "../../charts/netpol";
import type { AddonSettings } from "./addon";
import { addonFlows, addonPods } from "./connections";
import type { AddonDescriptor } from "./addon";
import type { AddonOpts } from "./helm";

/**
 * Default-deny ingress in the monitoring namespace plus one allow policy per add-on pod group,
 * admitting exactly the registry's connections (./connections.ts), applied before the charts so no
 * pod ever runs unprotected.
 */
export function monitoringNetworkPolicies(
  s: AddonSettings,
  registry: readonly AddonDescriptor[],
  opts: AddonOpts,
): k8s.yaml.v2.ConfigGroup {
  const objs = namespacePolicies(s.monitoringNamespace, addonFlows(s, registry));
  return new k8s.yaml.v2.ConfigGroup("monitoring-network-policies", { objs }, opts);
}

/**
 * An add-on outside the monitoring namespace (kube-system): its own pods denied all ingress but its
 * connections; the namespace's other pods are not ours to isolate. Undefined when it declares no pods.
 */
export function addonNetworkPolicies(
  d: AddonDescriptor,
  s: AddonSettings,
  registry: readonly AddonDescriptor[],
  opts: AddonOpts,
): k8s.yaml.v2.ConfigGroup | undefined {
  const ns = d.namespace(s);
  const pods = addonPods(s, registry)
    .filter((p) => p.addon === d.key)
    .map((p) => p.pods);
  if (pods.length === 0) return undefined;
  const names = new Set(pods.map((p) => p.name));
  const flows = addonFlows(s, registry).filter((f: Flow) => f.to.namespace === ns && names.has(f.to.pods.name));
  return new k8s.yaml.v2.ConfigGroup(`${d.release}-network-policies`, { objs: podPolicies(ns, pods, flows) }, opts);
}
