import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const managedPolicy = (name: string) => pulumi.interpolate`arn:${aws.getPartitionOutput().partition}:iam::aws:policy/${name}`;

/** Role for the EC2 nodes of both managed node groups. */
export function createNodeRole(clusterName: string, parent: pulumi.Resource): aws.iam.Role {
  const role = new aws.iam.Role(`${clusterName}-node`, {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
    tags: { "vllm-k8s.io/cluster": clusterName },
  }, { parent });
  for (const policy of ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"]) {
    new aws.iam.RolePolicyAttachment(`${clusterName}-node-${policy}`, { role: role.name, policyArn: managedPolicy(policy) }, { parent });
  }
  return role;
}

export const AUTOSCALER_NAMESPACE = "kube-system";
export const AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler";

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
  const subject = `system:serviceaccount:${AUTOSCALER_NAMESPACE}:${AUTOSCALER_SERVICE_ACCOUNT}`;
  const role = new aws.iam.Role(`${clusterName}-cluster-autoscaler`, {
    assumeRolePolicy: pulumi.all([oidcProviderArn, oidcProviderUrl]).apply(([arn, url]) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: arn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { [`${url}:sub`]: subject, [`${url}:aud`]: "sts.amazonaws.com" } },
          },
        ],
      }),
    ),
    tags: { "vllm-k8s.io/cluster": clusterName },
  }, { parent });

  const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
  const partition = aws.getPartitionOutput({}, { parent }).partition;
  const region = aws.getRegionOutput({}, { parent }).name;
  new aws.iam.RolePolicy(`${clusterName}-cluster-autoscaler`, {
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
  }, { parent });
  return role;
}
