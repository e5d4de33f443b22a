import { CLUSTER_AUTOSCALER_PODS } from "../../charts/netpol";
import { AUTOSCALER_NAMESPACE } from "../cluster/iam";
import { scrapedBy } from "./scrape";
import type { AddonDescriptor, AddonSettings } from "./addon";
import { clusterAutoscalerValues, type AutoscalerCluster } from "./values/cluster-autoscaler";
import { CHARTS } from "./versions";

function eksCluster(s: AddonSettings): AutoscalerCluster {
  if (!s.eksCluster)
    throw new Error(
      "vllm-k8s:addons.clusterAutoscaler: cluster-autoscaler needs the EKS cluster (eks mode). " +
        "Set addons.clusterAutoscaler: false",
    );
  return s.eksCluster;
}

/** cluster-autoscaler (eks mode): adds GPU nodes for pending vLLM pods and removes idle ones. */
export const clusterAutoscaler: AddonDescriptor = {
  key: "clusterAutoscaler",
  release: "cluster-autoscaler",
  chart: CHARTS.clusterAutoscaler,
  // IRSA: the role's trust policy names this namespace (infra/cluster/iam.ts).
  namespace: () => AUTOSCALER_NAMESPACE,
  serviceMonitor: true,
  ready: true,
  check: (s) => void eksCluster(s),
  values: (s, serviceMonitor) => clusterAutoscalerValues(eksCluster(s), s.systemNodeSelector ?? {}, serviceMonitor),
  // It only opens connections (to the API server and AWS); nothing reaches it but Prometheus' scrape.
  pods: [CLUSTER_AUTOSCALER_PODS],
  connections: (s, installed) =>
    scrapedBy(
      s,
      installed,
      { namespace: AUTOSCALER_NAMESPACE, pods: CLUSTER_AUTOSCALER_PODS },
      "Prometheus scrapes cluster-autoscaler",
    ),
};
