import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { CONTROL_PLANE_LOG_TYPES } from "../config-security";
import { createAutoscalerRole, createClusterServiceRole, createCniRole, createNodeRole } from "./iam";
import { createSecretsKey } from "./kms";
import { createControlPlaneLogGroup } from "./logs";
import { createNetwork } from "./network";
import { createVpcCniAddon } from "./vpc-cni";
import { createClusterStorage } from "./storage";
import { createGpuNodeGroup, createSystemNodeGroup } from "./node-groups";

export interface GpuClusterArgs {
  config: StackConfig;
}

/**
 * EKS in its own VPC: nodes in private subnets, Secrets encrypted with a KMS key whose policy only
 * lets the cluster role use it, API access through EKS access entries, all five control-plane log
 * types with a retention, an OIDC provider for IRSA, the VPC CNI enforcing NetworkPolicy under its
 * own IRSA role, a CPU system node group and a GPU node group that scales from zero (both from a
 * launch template: IMDSv2 with hop limit 1, encrypted volumes), and cluster-autoscaler's IRSA role.
 * docs/security.md maps each choice to its CIS EKS / EKS Best Practices control.
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

    const clusterRole = createClusterServiceRole(c.name, parent);
    const secretsKey = createSecretsKey(c.name, clusterRole, parent);
    const logGroup = createControlPlaneLogGroup(c.name, c.logRetentionDays, parent);

    const nodeRole = createNodeRole(c.name, parent);
    const adminPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
    const cluster = new eks.Cluster(c.name, {
      name: c.name,
      version: c.kubernetesVersion,
      serviceRole: clusterRole,
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
      // CIS EKS 2.1.1: all five control-plane log types, into the log group made above.
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      // The VPC CNI is our managed add-on below (network policy on, its own IRSA role), not pulumi-eks's.
      useDefaultVpcCni: true,
      tags: { "vllm-k8s.io/cluster": c.name },
    }, { parent, dependsOn: [logGroup] });

    const cniRole = createCniRole(c.name, cluster.oidcProviderArn, cluster.oidcProviderUrl, parent);
    const vpcCni = createVpcCniAddon({ clusterName: c.name, kubernetesVersion: c.kubernetesVersion, roleArn: cniRole.arn, cluster, parent });

    const groupArgs = { config, cluster, nodeRole, subnetIds: network.privateSubnetIds, dependsOn: [vpcCni], parent };
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
    this.ready = [cluster, vpcCni, system, gpu.nodeGroup, storage.addon, storage.storageClass];
    this.registerOutputs({ clusterName: c.name, gpuNodeGroupName: gpu.nodeGroupName, autoscalerRoleArn: this.autoscalerRoleArn });
  }
}
