import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createCsiDriver } from "./csi-driver";
import type { ClusterStorageArgs } from "./storage";
import { clusterTag } from "./tags";

// Upstream facts (AWS EKS user guide, "Amazon EFS CSI driver" add-on page,
// docs.aws.amazon.com/eks/latest/userguide/add-ons-aws-efs-csi-driver.html, read late 2026): the
// add-on is named `aws-efs-csi-driver`, its controller runs as kube-system/efs-csi-controller-sa
// under IRSA, and needs the AWS managed policy service-role/AmazonEFSCSIDriverPolicy.
//
// Which ServiceAccounts the role trusts: that AWS page widens the trust to `efs-csi-*` (controller
// and node, kube-system/efs-csi-node-sa in the chart's values.yaml). We trust the controller only.
// The driver's own IAM page (kubernetes-sigs/aws-efs-csi-driver docs/iam-policy-create.md, commit
// a4fc67600be60d0f8350dc9459e55ff04e9aa944) gives the node ServiceAccount only S3 Files policies
// (AmazonS3FilesClientFullAccess, AmazonS3ReadOnlyAccess) and AmazonElasticFileSystemsUtils for
// efs-utils logs to CloudWatch; the node plugin (pkg/driver/node.go, same commit) reads only the
// instance's availability zone, and every EFS API call (access points, mount targets) is the
// controller's (pkg/driver/controller.go). Our StorageClass mounts with TLS but without the `iam`
// mount option (IAM authorisation of NFS clients), so no mount needs node credentials either: a
// node role would be permissions nobody uses. Adding `iam` (or S3 Files) means trusting the node
// ServiceAccount with its own, narrower role.
export const EFS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "efs-csi-controller-sa" } as const;
const NFS_PORT = 2049;

/** The EBS storage's arguments (the same cluster, provider and IRSA issuer) plus the network. */
export interface SharedStorageArgs extends ClusterStorageArgs {
  /** Name of the StorageClass. */
  className: string;
  vpcId: pulumi.Input<string>;
  /** One mount target per subnet: the nodes' private subnets, one per availability zone. */
  privateSubnetIds: pulumi.Input<string>[];
  /** The security group on the nodes (EKS's cluster security group for managed node groups). */
  nodeSecurityGroupId: pulumi.Input<string>;
}

/**
 * ReadWriteMany storage on EKS (EBS volumes attach to one node): the EFS CSI driver as an EKS
 * add-on with its own IRSA role, one encrypted EFS file system with a mount target in each
 * private subnet, NFS admitted only from the nodes' security group, and a StorageClass that gives
 * each claim its own access point. Created only when the stack uses it (a shared model cache, or
 * benchmark shards without a class of the user's).
 *
 * Destroy order: claims depend on the StorageClass (through the cluster's `ready`), the class on
 * the mount targets and the add-on, the mount targets on the file system; Pulumi deletes in the
 * reverse order, so the driver removes each claim's access point before the file system goes, and
 * no mount target is left behind (EFS refuses to delete a file system that still has one).
 */
export function createSharedStorage(args: SharedStorageArgs) {
  const { clusterName, parent } = args;
  const { role, addon } = createCsiDriver({
    ...args,
    stem: "efs-csi",
    addonName: "aws-efs-csi-driver",
    serviceAccount: EFS_CSI_SERVICE_ACCOUNT,
    managedPolicy: "AmazonEFSCSIDriverPolicy",
    waitForPolicy: true,
  });

  // Encrypted at rest with the AWS managed key (aws/elasticfilesystem): the volume holds public
  // model weights and benchmark results, and our secrets key's policy admits only the cluster role.
  const fileSystem = new aws.efs.FileSystem(
    `${clusterName}-shared`,
    { encrypted: true, tags: { ...clusterTag(clusterName), Name: `${clusterName}-shared` } },
    { parent },
  );
  const securityGroup = new aws.ec2.SecurityGroup(
    `${clusterName}-efs`,
    {
      vpcId: args.vpcId,
      description: "NFS to the shared EFS file system, from the cluster's nodes only",
      tags: { ...clusterTag(clusterName), Name: `${clusterName}-efs` },
    },
    { parent },
  );
  const nfsFromNodes = new aws.vpc.SecurityGroupIngressRule(
    `${clusterName}-efs-nfs`,
    {
      securityGroupId: securityGroup.id,
      referencedSecurityGroupId: args.nodeSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      description: "NFS from the nodes",
    },
    { parent },
  );
  const mountTargets = args.privateSubnetIds.map(
    (subnetId, i) =>
      new aws.efs.MountTarget(
        `${clusterName}-shared-${i}`,
        { fileSystemId: fileSystem.id, subnetId, securityGroups: [securityGroup.id] },
        { parent, dependsOn: [nfsFromNodes] },
      ),
  );

  // Parameters documented in kubernetes-sigs/aws-efs-csi-driver docs/parameters.md ("Storage Class
  // Parameters for Dynamic Provisioning", commit 1009c75): efs-ap makes one access point per claim,
  // directoryPerms is the mode of its root directory (required), and the access point enforces its
  // own uid/gid, so root in the vLLM container writes as that user. Mounts use TLS by default
  // (same file, "Encryption In Transit").
  const storageClass = new k8s.storage.v1.StorageClass(
    args.className,
    {
      metadata: { name: args.className },
      provisioner: "efs.csi.aws.com",
      reclaimPolicy: "Delete",
      parameters: { provisioningMode: "efs-ap", fileSystemId: fileSystem.id, directoryPerms: "700" },
    },
    { parent, provider: args.provider, dependsOn: [addon, ...mountTargets] },
  );
  return { addon, role, fileSystem, securityGroup, mountTargets, storageClass };
}
