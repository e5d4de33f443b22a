import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { createAutoscalerRole, createNodeRole } from "./iam";
import { createNetwork } from "./network";
import { createClusterStorage } from "./storage";
import { createGpuNodeGroup, createSystemNodeGroup } from "./node-groups";

export interface GpuClusterArgs {
  config: StackConfig;
}

/**
 * EKS in its own VPC: nodes in private subnets, Secrets encrypted with a KMS key, API access
 * through EKS access entries, an OIDC provider for IRSA, a CPU system node group, a GPU node
 * group that scales from zero, and the IRSA role cluster-autoscaler uses.
 */
export class GpuCluster extends pulumi.ComponentResource {
  readonly clusterName: string;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly gpuNodeGroupName: string;
  readonly autoscalerRoleArn: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly vpcId: pulumi.Output<string>;
  /** Everything in-cluster objects must wait for (and be deleted before). */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: GpuClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vllm-k8s:cluster:GpuCluster", name, {}, opts);
    const { config } = args;
    const c = config.cluster;
    this.clusterName = c.name;
    const parent = this;

    const network = createNetwork(config, parent);
    this.vpcId = network.vpcId;

    const secretsKey = new aws.kms.Key(`${c.name}-secrets`, {
      description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${c.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 7,
      tags: { "vllm-k8s.io/cluster": c.name },
    }, { parent });

    const nodeRole = createNodeRole(c.name, parent);
    const adminPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
    const cluster = new eks.Cluster(c.name, {
      name: c.name,
      version: c.kubernetesVersion,
      vpcId: network.vpcId,
      publicSubnetIds: network.publicSubnetIds,
      privateSubnetIds: network.privateSubnetIds,
      nodeAssociatePublicIpAddress: false,
      skipDefaultNodeGroup: true,
      instanceRoles: [nodeRole],
      authenticationMode: eks.AuthenticationMode.Api,
      accessEntries: Object.fromEntries(
        c.adminRoleArns.map((arn, i) => [
          `admin-${i}`,
          { principalArn: arn, accessPolicies: { admin: { policyArn: adminPolicy, accessScope: { type: "cluster" } } } },
        ]),
      ),
      createOidcProvider: true,
      encryptionConfigKeyArn: secretsKey.arn,
      endpointPrivateAccess: c.endpointPrivateAccess,
      endpointPublicAccess: c.endpointPublicAccess,
      publicAccessCidrs: c.endpointPublicAccess ? c.publicAccessCidrs : undefined,
      enabledClusterLogTypes: ["api", "audit", "authenticator"],
      tags: { "vllm-k8s.io/cluster": c.name },
    }, { parent });

    const groupArgs = { config, cluster, nodeRole, subnetIds: network.privateSubnetIds, parent };
    const system = createSystemNodeGroup(groupArgs);
    const gpu = createGpuNodeGroup(groupArgs);
    this.gpuNodeGroupName = gpu.nodeGroupName;

    const autoscalerRole = createAutoscalerRole(c.name, cluster.oidcProviderArn, cluster.oidcProviderUrl, parent);
    this.autoscalerRoleArn = autoscalerRole.arn;
    this.oidcProviderArn = cluster.oidcProviderArn;

    this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
    this.provider = new k8s.Provider(`${c.name}-k8s`, { kubeconfig: this.kubeconfig, enableServerSideApply: true }, { parent });
    const storage = createClusterStorage({
      clusterName: c.name,
      kubernetesVersion: c.kubernetesVersion,
      oidcProviderArn: cluster.oidcProviderArn,
      oidcProviderUrl: cluster.oidcProviderUrl,
      provider: this.provider,
      cluster,
      parent,
    });
    this.ready = [cluster, system, gpu.nodeGroup, storage.addon, storage.storageClass];
    this.registerOutputs({ clusterName: c.name, gpuNodeGroupName: gpu.nodeGroupName, autoscalerRoleArn: this.autoscalerRoleArn });
  }
}
