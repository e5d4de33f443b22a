// Every network flow into our namespaces, as data. The NetworkPolicies are generated from it
// (policies.ts). Flows into the serving namespace are read from the objects (connections.ts: the
// URLs our pods are given and our ServiceMonitors); flows into the add-ons come from the add-on
// registry (infra/addons/connections.ts), each descriptor declaring its pods and connections.
import { dedupeFlows, objectRoutes, serviceMonitorFlows, urlFlows } from "./connections";
import { VLLM_PODS, type PodGroup } from "./pods";

/** Who opens the connection. */
export type Source =
  | { kind: "pods"; namespace: string; pods: PodGroup }
  /** Every pod of a namespace (`serving.allowedClientNamespaces`). */
  | { kind: "namespace"; namespace: string }
  /** Addresses outside the cluster (a load balancer's clients). */
  | { kind: "cidrs"; cidrs: string[] }
  /**
   * The Kubernetes API server calling a webhook or an aggregated API. NetworkPolicy cannot name
   * the control plane (on EKS its ENIs sit in the VPC subnets beside the pods), so the flow is
   * allowed from any source, on its port only.
   */
  | { kind: "apiServer" };

export interface Flow {
  from: Source;
  to: { namespace: string; pods: PodGroup };
  ports: number[];
  why: string;
}

export interface ServingFlowProps {
  namespace: string;
  monitoringNamespace: string;
  allowedClientNamespaces: string[];
  /** Every object of the app: the URLs its pods are given and its ServiceMonitors are the flows. */
  objects: readonly object[];
}

/** Into the serving namespace: what the objects connect to there, and the client namespaces. */
export function servingFlows(p: ServingFlowProps): Flow[] {
  const derived = [
    ...serviceMonitorFlows(p.objects, p.monitoringNamespace),
    ...urlFlows(p.objects, objectRoutes(p.objects)).flows,
  ].filter((f) => f.to.namespace === p.namespace);
  const clients = p.allowedClientNamespaces
    .filter((ns) => ns !== p.namespace)
    .map((ns): Flow => ({
      from: { kind: "namespace", namespace: ns },
      to: { namespace: p.namespace, pods: VLLM_PODS },
      ports: VLLM_PODS.ports,
      why: "serving.allowedClientNamespaces",
    }));
  return [...dedupeFlows(derived), ...clients];
}
