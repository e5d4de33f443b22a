import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { clusterTag } from "./tags";

/**
 * Key management actions (AWS KMS developer guide, "Default key policy", key administrators),
 * narrowed so an administrator cannot use the key: `kms:Create*` would include kms:CreateGrant (a
 * grant of key use to anyone), so only kms:CreateAlias is listed. kms:PutKeyPolicy stays: KMS's
 * policy lockout safety check refuses a key policy that does not let its creator change it, and
 * Pulumi needs it to update the policy. Rewriting the policy to grant oneself use is therefore
 * possible, but only as a logged PutKeyPolicy event (docs/security.md, CIS 5.3.1 and its waiver).
 */
const KEY_ADMIN_ACTIONS = [
  "kms:CreateAlias",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:PutKeyPolicy",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
];

/**
 * What the EKS cluster role needs to envelope-encrypt Secrets (EKS user guide, "Encrypt Kubernetes
 * secrets with KMS on existing clusters": kms:Encrypt, kms:Decrypt, kms:ListGrants, kms:DescribeKey;
 * grants only for AWS resources).
 */
const CLUSTER_USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:ListGrants"];

/** Deletion waiting period: 30 days, the longest KMS allows (7 is the shortest) to undo a mistaken delete. */
export const KEY_DELETION_WINDOW_DAYS = 30;

/**
 * The Secrets-encryption key policy: the account (through IAM) may administer the key but not
 * use it; only the cluster's own role may encrypt and decrypt with it.
 */
export function secretsKeyPolicy(partition: string, account: string, clusterRoleArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "KeyAdministration",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${account}:root` },
        Action: KEY_ADMIN_ACTIONS,
        Resource: "*",
      },
      {
        Sid: "ClusterEncryptsSecrets",
        Effect: "Allow",
        Principal: { AWS: clusterRoleArn },
        Action: CLUSTER_USE_ACTIONS,
        Resource: "*",
      },
      {
        Sid: "ClusterGrantsForAwsResources",
        Effect: "Allow",
        Principal: { AWS: clusterRoleArn },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
    ],
  });
}

export function createSecretsKey(clusterName: string, clusterRole: aws.iam.Role, parent: pulumi.Resource): aws.kms.Key {
  const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
  const partition = aws.getPartitionOutput({}, { parent }).partition;
  return new aws.kms.Key(
    `${clusterName}-secrets`,
    {
      description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      policy: pulumi.all([partition, account, clusterRole.arn]).apply(([p, a, r]) => secretsKeyPolicy(p, a, r)),
      tags: clusterTag(clusterName),
    },
    { parent },
  );
}
