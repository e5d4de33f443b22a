import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { clusterTag } from "./tags";
import { AUTOSCALER_NAMESPACE, AUTOSCALER_SERVICE_ACCOUNT } from "../addons/values/cluster-autoscaler";

const managedPolicy = (name: string) =>
  pulumi.interpolate`arn:${aws.getPartitionOutput().partition}:iam::aws:policy/${name}`;

/** A role of this cluster (tagged with it) that `assumeRolePolicy` lets assume it. */
const clusterRole = (
  name: string,
  clusterName: string,
  trust: { assumeRolePolicy: pulumi.Input<string>; description?: string },
  parent: pulumi.Resource,
) => new aws.iam.Role(name, { ...trust, tags: clusterTag(clusterName) }, { parent });

/** The AWS managed policy `policy` attached to `role` (resource `name`). */
const attach = (name: string, role: aws.iam.Role, policy: string, parent: pulumi.Resource) =>
  new aws.iam.RolePolicyAttachment(name, { role: role.name, policyArn: managedPolicy(policy) }, { parent });

/**
 * Role for the EC2 nodes of both managed node groups. No AmazonEKS_CNI_Policy: the VPC CNI's ENI
 * permissions belong to its own IRSA role (createCniRole; EKS Best Practices, security, "Update
 * the aws-node daemonset to use IRSA"), so a pod that reaches the node role gets no ENI rights.
 */
export function createNodeRole(clusterName: string, parent: pulumi.Resource): aws.iam.Role {
  const role = clusterRole(
    `${clusterName}-node`,
    clusterName,
    {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    },
    parent,
  );
  for (const policy of NODE_ROLE_POLICIES) attach(`${clusterName}-node-${policy}`, role, policy, parent);
  return role;
}

export const NODE_ROLE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"] as const;

/**
 * The EKS cluster (control plane) role, ours rather than pulumi-eks's so the KMS key policy can
 * name it: pulumi-eks v4.3.0 (nodejs/eks/cluster/cluster.ts) gives its own role AmazonEKSClusterPolicy
 * and the trust actions sts:AssumeRole and sts:TagSession; we do the same.
 */
export function createClusterServiceRole(clusterName: string, parent: pulumi.Resource): aws.iam.Role {
  const role = clusterRole(
    `${clusterName}-cluster`,
    clusterName,
    {
      description: "Allows EKS to manage the cluster on your behalf.",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
          },
        ],
      }),
    },
    parent,
  );
  attach(`${clusterName}-cluster-AmazonEKSClusterPolicy`, role, "AmazonEKSClusterPolicy", parent);
  return role;
}

/** Trust policy letting exactly one Kubernetes service account assume a role through the cluster's OIDC provider. */
export function irsaTrust(
  oidcProviderArn: pulumi.Input<string>,
  oidcProviderUrl: pulumi.Input<string>,
  namespace: string,
  serviceAccount: string,
): pulumi.Output<string> {
  return pulumi.all([oidcProviderArn, oidcProviderUrl]).apply(([arn, url]) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: arn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${url}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
              [`${url}:aud`]: "sts.amazonaws.com",
            },
          },
        },
      ],
    }),
  );
}

/** The VPC CNI's service account (amazon-vpc-cni-k8s: DaemonSet aws-node in kube-system). */
export const CNI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "aws-node" } as const;

/** IRSA role for the VPC CNI with AmazonEKS_CNI_Policy (EKS user guide, "Configure Amazon VPC CNI plugin to use IRSA"). */
export function createCniRole(
  clusterName: string,
  oidcProviderArn: pulumi.Input<string>,
  oidcProviderUrl: pulumi.Input<string>,
  parent: pulumi.Resource,
): aws.iam.Role {
  const { namespace, name } = CNI_SERVICE_ACCOUNT;
  const assumeRolePolicy = irsaTrust(oidcProviderArn, oidcProviderUrl, namespace, name);
  const role = clusterRole(`${clusterName}-vpc-cni`, clusterName, { assumeRolePolicy }, parent);
  attach(`${clusterName}-vpc-cni`, role, "AmazonEKS_CNI_Policy", parent);
  return role;
}

/**
 * IRSA role for cluster-autoscaler with least privilege: describe calls need `*` (AWS does not
 * scope them), while scaling and terminating are allowed only on Auto Scaling groups carrying
 * this cluster's `k8s.io/cluster-autoscaler/<cluster>` tag, which EKS managed node groups set.
 */
export function createAutoscalerRole(
  clusterName: string,
  oidcProviderArn: pulumi.Input<string>,
  oidcProviderUrl: pulumi.Input<string>,
  parent: pulumi.Resource,
): aws.iam.Role {
  const assumeRolePolicy = irsaTrust(
    oidcProviderArn,
    oidcProviderUrl,
    AUTOSCALER_NAMESPACE,
    AUTOSCALER_SERVICE_ACCOUNT,
  );
  const role = clusterRole(`${clusterName}-cluster-autoscaler`, clusterName, { assumeRolePolicy }, parent);

  const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
  const partition = aws.getPartitionOutput({}, { parent }).partition;
  const region = aws.getRegionOutput({}, { parent }).name;
  new aws.iam.RolePolicy(
    `${clusterName}-cluster-autoscaler`,
    {
      role: role.name,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "Describe",
            Effect: "Allow",
            Action: [
              "autoscaling:DescribeAutoScalingGroups",
              "autoscaling:DescribeAutoScalingInstances",
              "autoscaling:DescribeLaunchConfigurations",
              "autoscaling:DescribeScalingActivities",
              "autoscaling:DescribeTags",
              "ec2:DescribeImages",
              "ec2:DescribeInstanceTypes",
              "ec2:DescribeLaunchTemplateVersions",
              "ec2:GetInstanceTypesFromInstanceRequirements",
            ],
            Resource: "*",
          },
          {
            Sid: "DescribeThisClustersNodegroups",
            Effect: "Allow",
            Action: ["eks:DescribeNodegroup"],
            Resource: pulumi.interpolate`arn:${partition}:eks:${region}:${account}:nodegroup/${clusterName}/*`,
          },
          {
            Sid: "ScaleOnlyThisClustersGroups",
            Effect: "Allow",
            Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
            Resource: "*",
            Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
          },
        ],
      }),
    },
    { parent },
  );
  return role;
}
