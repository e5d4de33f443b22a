import { podsNamed, type PodGroup } from "../../charts/netpol/pods";
import { scrapedBy } from "./scrape";
import type { AddonDescriptor, AddonSettings } from "./addon";
import { AUTOSCALER_NAMESPACE, clusterAutoscalerValues, type AutoscalerCluster } from "./values/cluster-autoscaler";
import { CHARTS } from "./versions";

// kube-system is not ours (CIS EKS 4.3.2 still wants its pods under a NetworkPolicy), so its policies
// select only the add-on's own pods.
// kubernetes/autoscaler cluster-autoscaler/charts/cluster-autoscaler 9.59.0 (55c37cd), _helpers.tpl
// "cluster-autoscaler.name" = <cloudProvider>-<chart name>: app.kubernetes.io/name=aws-cluster-autoscaler;
// metrics on containerPort 8085 (Service port 8085, named http, the ServiceMonitor's port).
export const CLUSTER_AUTOSCALER_PODS: PodGroup = {
  name: "cluster-autoscaler",
  labels: podsNamed("aws-cluster-autoscaler"),
  ports: [8085],
};

function eksCluster(s: AddonSettings): AutoscalerCluster {
  if (!s.eksCluster)
    throw new Error(
      "vllm-k8s:addons.clusterAutoscaler: cluster-autoscaler needs the EKS cluster (eks mode). " +
        "Set addons.clusterAutoscaler: false",
    );
  return s.eksCluster;
}

/** cluster-autoscaler (eks mode): adds GPU nodes for pending vLLM pods and removes idle ones. */
export const clusterAutoscaler: AddonDescriptor<"clusterAutoscaler"> = {
  key: "clusterAutoscaler",
  toggle: {
    description:
      "cluster-autoscaler: adds GPU nodes for pending vLLM pods, removes idle ones (default: on in `eks` mode; not available in `existing` mode).",
  },
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
