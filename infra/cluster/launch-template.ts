import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface NodeLaunchTemplateArgs {
  /** Node group name; the template is `<name>-lt`. */
  name: string;
  amiType: string;
  diskSizeGiB: number;
  parent: pulumi.Resource;
}

/** IMDS settings every node group gets (EKS Best Practices, security: "Restrict access to the instance profile"). */
export const NODE_METADATA_OPTIONS = {
  httpEndpoint: "enabled",
  // IMDSv2 only (CIS EKS 3.x / EKS BP): no credential read with a plain GET.
  httpTokens: "required",
  // 1: the PUT that fetches a session token cannot cross the extra hop into a pod's network
  // namespace, so pods without hostNetwork cannot reach the node role's credentials. pulumi-eks's
  // `enableIMDSv2` sets 2 (pulumi/pulumi-eks v4.3.0 nodejs/eks/nodes/nodegroup.ts), hence our own template.
  httpPutResponseHopLimit: 1,
  instanceMetadataTags: "disabled",
} as const;

/**
 * The root (and for Bottlerocket, data) volumes of a node: gp3, encrypted whatever the account's
 * EBS-encryption-by-default says, deleted with the instance. Bottlerocket boots from a small OS
 * volume /dev/xvda and keeps images on /dev/xvdb (bottlerocket-os/bottlerocket README, "Storage");
 * the EKS-optimised AL2023 AMIs have one root volume /dev/xvda.
 */
export function nodeBlockDevices(
  amiType: string,
  diskSizeGiB: number,
): aws.types.input.ec2.LaunchTemplateBlockDeviceMapping[] {
  const ebs = (volumeSize: number) => ({
    volumeSize,
    volumeType: "gp3",
    encrypted: "true",
    deleteOnTermination: "true",
  });
  return amiType.startsWith("BOTTLEROCKET")
    ? [
        { deviceName: "/dev/xvda", ebs: ebs(4) },
        { deviceName: "/dev/xvdb", ebs: ebs(diskSizeGiB) },
      ]
    : [{ deviceName: "/dev/xvda", ebs: ebs(diskSizeGiB) }];
}

/**
 * A launch template for an EKS managed node group that carries only IMDS and disk settings: no
 * image id and no user data, so EKS still picks the AMI for `amiType` and bootstraps the node
 * (EKS user guide, "Customize managed nodes with launch templates"). The node group must then not
 * set `diskSize` or `enableIMDSv2` (the EKS API and pulumi-eks reject both with a launch template).
 */
export function createNodeLaunchTemplate({
  name,
  amiType,
  diskSizeGiB,
  parent,
}: NodeLaunchTemplateArgs): aws.ec2.LaunchTemplate {
  return new aws.ec2.LaunchTemplate(
    `${name}-lt`,
    {
      description: `EKS managed node group ${name}: IMDSv2 with hop limit 1, encrypted gp3 volumes`,
      metadataOptions: NODE_METADATA_OPTIONS,
      blockDeviceMappings: nodeBlockDevices(amiType, diskSizeGiB),
      updateDefaultVersion: true,
      tagSpecifications: [{ resourceType: "volume", tags: { Name: `${name}-node` } }],
    },
    { parent },
  );
}
