import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createCsiDriver } from "./csi-driver";

export const EBS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "ebs-csi-controller-sa" } as const;
export const DEFAULT_STORAGE_CLASS = "gp3";

export interface ClusterStorageArgs {
  clusterName: string;
  kubernetesVersion: string;
  oidcProviderArn: pulumi.Input<string>;
  oidcProviderUrl: pulumi.Input<string>;
  provider: k8s.Provider;
  /** The EKS cluster resource the add-on attaches to. */
  cluster: pulumi.Resource;
  parent: pulumi.Resource;
}

/**
 * Persistent volumes on EKS need the EBS CSI driver (EKS no longer provisions EBS in-tree);
 * without it Prometheus' volume claim stays Pending and kube-prometheus-stack never becomes
 * ready. The driver runs as an EKS add-on with its own IRSA role, and an encrypted gp3
 * StorageClass becomes the default. Reclaim policy Delete: volumes go with their claims.
 */
export function createClusterStorage(args: ClusterStorageArgs) {
  const { parent } = args;
  const { role, addon } = createCsiDriver({
    ...args,
    stem: "ebs-csi",
    addonName: "aws-ebs-csi-driver",
    serviceAccount: EBS_CSI_SERVICE_ACCOUNT,
    managedPolicy: "AmazonEBSCSIDriverPolicy",
  });

  const storageClass = new k8s.storage.v1.StorageClass(
    DEFAULT_STORAGE_CLASS,
    {
      metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      volumeBindingMode: "WaitForFirstConsumer",
      reclaimPolicy: "Delete",
      allowVolumeExpansion: true,
      parameters: { type: "gp3", encrypted: "true" },
    },
    { parent, provider: args.provider, dependsOn: [addon] },
  );
  return { addon, storageClass, role };
}
