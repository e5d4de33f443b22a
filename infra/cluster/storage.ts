import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrust } from "./iam";
import { clusterTag } from "./tags";

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
  const { clusterName, parent } = args;
  const sa = EBS_CSI_SERVICE_ACCOUNT;
  const role = new aws.iam.Role(
    `${clusterName}-ebs-csi`,
    {
      assumeRolePolicy: irsaTrust(args.oidcProviderArn, args.oidcProviderUrl, sa.namespace, sa.name),
      tags: clusterTag(clusterName),
    },
    { parent },
  );
  new aws.iam.RolePolicyAttachment(
    `${clusterName}-ebs-csi`,
    {
      role: role.name,
      policyArn: pulumi.interpolate`arn:${aws.getPartitionOutput({}, { parent }).partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`,
    },
    { parent },
  );

  // The add-on version EKS itself names as default for this Kubernetes version: fixed per
  // cluster version, so an unrelated `pulumi up` never upgrades the driver.
  const version = aws.eks.getAddonVersionOutput(
    { addonName: "aws-ebs-csi-driver", kubernetesVersion: args.kubernetesVersion, mostRecent: false },
    { parent },
  );
  const addon = new aws.eks.Addon(
    `${clusterName}-ebs-csi`,
    {
      clusterName,
      addonName: "aws-ebs-csi-driver",
      addonVersion: version.version,
      serviceAccountRoleArn: role.arn,
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "PRESERVE",
    },
    { parent, dependsOn: [args.cluster] },
  );

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
