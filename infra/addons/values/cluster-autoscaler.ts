import type * as pulumi from "@pulumi/pulumi";
import { CLUSTER_AUTOSCALER_IMAGE, type KubernetesMinor } from "../versions";

/** Where cluster-autoscaler runs, as its IRSA role's trust policy names it (infra/cluster/iam.ts). */
export const AUTOSCALER_NAMESPACE = "kube-system";
export const AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler";

/** The cluster-autoscaler chart values we set (chart keys: test/fixtures/helm-values/cluster-autoscaler.yaml). */
export interface ClusterAutoscalerValues {
  cloudProvider: "aws";
  awsRegion: string;
  autoDiscovery: { clusterName: string };
  image: { repository: string; tag: string };
  rbac: { serviceAccount: { create: boolean; name: string; annotations: Record<string, pulumi.Input<string>> } };
  nodeSelector: Record<string, string>;
  extraArgs: Record<string, string | number | boolean>;
  serviceMonitor: { enabled: boolean; namespace: string; interval: string };
}

/** The EKS cluster cluster-autoscaler scales (ClusterAddonsArgs.eksCluster); every field required. */
export interface AutoscalerCluster {
  /** Cluster name: node groups are discovered by its tags. */
  name: string;
  /** AWS region of the cluster. */
  region: string;
  /** Control-plane minor version: the autoscaler image follows it. */
  kubernetesVersion: KubernetesMinor;
  /** IRSA role the autoscaler's ServiceAccount assumes (infra/cluster/iam.ts). */
  autoscalerRoleArn: pulumi.Input<string>;
}

/**
 * IRSA: the ServiceAccount name and namespace must be exactly the ones the role's trust policy
 * names (infra/cluster/iam.ts). Flags suit GPU nodes: they take minutes to boot and are costly,
 * so pick the group that wastes least, balance equal groups across AZs, give new nodes time
 * before judging them, and let nodes whose pods use emptyDir (vLLM's /dev/shm and model cache)
 * scale down.
 */
export function clusterAutoscalerValues(
  cluster: AutoscalerCluster,
  nodeSelector: Record<string, string>,
  serviceMonitor: boolean,
): ClusterAutoscalerValues {
  return {
    cloudProvider: "aws",
    awsRegion: cluster.region,
    autoDiscovery: { clusterName: cluster.name },
    image: {
      repository: CLUSTER_AUTOSCALER_IMAGE.repository,
      tag: CLUSTER_AUTOSCALER_IMAGE.tagByKubernetesMinor[cluster.kubernetesVersion],
    },
    rbac: {
      serviceAccount: {
        create: true,
        name: AUTOSCALER_SERVICE_ACCOUNT,
        annotations: { "eks.amazonaws.com/role-arn": cluster.autoscalerRoleArn },
      },
    },
    nodeSelector,
    extraArgs: {
      expander: "least-waste",
      "balance-similar-node-groups": true,
      "skip-nodes-with-local-storage": false,
      "scale-down-unneeded-time": "10m",
      "scale-down-delay-after-add": "10m",
      "max-node-provision-time": "15m",
      // DaemonSets (device plugin, dcgm-exporter, node-exporter) must not keep an idle GPU node alive.
      "ignore-daemonsets-utilization": true,
    },
    serviceMonitor: { enabled: serviceMonitor, namespace: AUTOSCALER_NAMESPACE, interval: "30s" },
  };
}
