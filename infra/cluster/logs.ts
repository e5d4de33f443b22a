import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { clusterTag } from "./tags";

/**
 * The log group EKS writes control-plane logs to is always `/aws/eks/<cluster>/cluster` (EKS user
 * guide, "Send control plane logs to CloudWatch Logs"); EKS creates it with no expiry when it does
 * not exist, so we create it first, with our retention, and the cluster waits for it.
 */
export function createControlPlaneLogGroup(
  clusterName: string,
  retentionInDays: number,
  parent: pulumi.Resource,
): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(
    `${clusterName}-control-plane`,
    {
      name: `/aws/eks/${clusterName}/cluster`,
      retentionInDays,
      tags: clusterTag(clusterName),
    },
    { parent },
  );
}
