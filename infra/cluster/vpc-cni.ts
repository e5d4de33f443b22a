import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The VPC CNI's add-on configuration. `enableNetworkPolicy: "true"` starts the network policy
 * agent beside aws-node, without which the VPC CNI ignores every NetworkPolicy (off by default:
 * EKS user guide, "Limit pod traffic with Kubernetes network policies"; the add-on's configuration
 * schema, `aws eks describe-addon-configuration --addon-name vpc-cni`, has the string field
 * enableNetworkPolicy; pulumi-eks v4.3.0 nodejs/eks/addons/cni-addon.ts writes the same key).
 */
export const VPC_CNI_CONFIGURATION = { enableNetworkPolicy: "true" } as const;

export interface VpcCniArgs {
  clusterName: string;
  kubernetesVersion: string;
  roleArn: pulumi.Input<string>;
  cluster: pulumi.Resource;
  parent: pulumi.Resource;
}

/**
 * The VPC CNI as an EKS managed add-on, adopting the self-managed aws-node EKS installs at
 * creation (OVERWRITE), with network policy enforcement and its own IRSA role. We manage it here
 * instead of through pulumi-eks's `vpcCniOptions` because the IRSA role needs the cluster's OIDC
 * provider, which exists only after the cluster: passing the role into the cluster's own add-on
 * would be a cycle. Node groups wait for it.
 */
export function createVpcCniAddon(args: VpcCniArgs): aws.eks.Addon {
  // The newest version EKS publishes for this Kubernetes version, not EKS's default (which lags):
  // the CNI enforces our NetworkPolicies, so its fixes should arrive (EKS Best Practices, "keep
  // add-ons up to date"; CIS EKS v1.0.1 4.3.1). A later `pulumi up` picks up a newer build, which EKS
  // rolls out to aws-node in place; the default version would need a code change for each fix.
  const version = aws.eks.getAddonVersionOutput(
    { addonName: "vpc-cni", kubernetesVersion: args.kubernetesVersion, mostRecent: true },
    { parent: args.parent },
  );
  return new aws.eks.Addon(
    `${args.clusterName}-vpc-cni`,
    {
      clusterName: args.clusterName,
      addonName: "vpc-cni",
      addonVersion: version.version,
      serviceAccountRoleArn: args.roleArn,
      configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION),
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
    },
    { parent: args.parent, dependsOn: [args.cluster] },
  );
}
