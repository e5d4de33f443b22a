import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrust } from "./iam";
import { clusterTag } from "./tags";

export interface CsiDriverArgs {
  clusterName: string;
  kubernetesVersion: string;
  oidcProviderArn: pulumi.Input<string>;
  oidcProviderUrl: pulumi.Input<string>;
  /** The EKS cluster resource the add-on attaches to. */
  cluster: pulumi.Resource;
  parent: pulumi.Resource;
  /** Resource-name stem, e.g. `ebs-csi` (`<cluster>-ebs-csi`). */
  stem: string;
  /** EKS add-on name, e.g. `aws-ebs-csi-driver`. */
  addonName: string;
  /** The controller's ServiceAccount, the only one the IRSA role trusts. */
  serviceAccount: { namespace: string; name: string };
  /** AWS managed policy under `policy/service-role/`, e.g. `AmazonEBSCSIDriverPolicy`. */
  managedPolicy: string;
  /** Also wait for the policy attachment before creating the add-on. */
  waitForPolicy?: boolean;
}

/**
 * A CSI driver as an EKS managed add-on with its own IRSA role (the AWS managed policy attached,
 * trust scoped to the controller's ServiceAccount), at the version EKS itself names as default for
 * this Kubernetes version: fixed per cluster version, so an unrelated `pulumi up` never upgrades it.
 */
export function createCsiDriver(args: CsiDriverArgs) {
  const { clusterName, parent, serviceAccount: sa } = args;
  const name = `${clusterName}-${args.stem}`;
  const role = new aws.iam.Role(
    name,
    {
      assumeRolePolicy: irsaTrust(args.oidcProviderArn, args.oidcProviderUrl, sa.namespace, sa.name),
      tags: clusterTag(clusterName),
    },
    { parent },
  );
  const policy = new aws.iam.RolePolicyAttachment(
    name,
    {
      role: role.name,
      policyArn: pulumi.interpolate`arn:${aws.getPartitionOutput({}, { parent }).partition}:iam::aws:policy/service-role/${args.managedPolicy}`,
    },
    { parent },
  );
  const version = aws.eks.getAddonVersionOutput(
    { addonName: args.addonName, kubernetesVersion: args.kubernetesVersion, mostRecent: false },
    { parent },
  );
  const addon = new aws.eks.Addon(
    name,
    {
      clusterName,
      addonName: args.addonName,
      addonVersion: version.version,
      serviceAccountRoleArn: role.arn,
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "PRESERVE",
    },
    { parent, dependsOn: args.waitForPolicy ? [args.cluster, policy] : [args.cluster] },
  );
  return { role, addon };
}
