import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CONTROL_PLANE_LOG_TYPES } from "../config-security";
import { createAutoscalerRole, createClusterServiceRole, createCniRole, createNodeRole } from "./iam";
import { createSecretsKey } from "./kms";
import { createControlPlaneLogGroup } from "./logs";
import { createNetwork, type NetworkArgs } from "./network";
import { createVpcCniAddon } from "./vpc-cni";
import { createClusterStorage } from "./storage";
import { createSharedStorage } from "./shared-storage";
import { createGpuNodeGroup, createSystemNodeGroup, type GpuNodesArgs, type SystemNodesArgs } from "./node-groups";
import { clusterTag } from "./tags";

/** Who may reach the EKS API endpoint (docs/security.md maps each choice to its control). */
export interface EndpointAccessArgs {
  /** Reach the API from inside the VPC. Stack config `cluster.endpointPrivateAccess`, default true. */
  privateAccess: boolean;
  /** Reach the API from outside the VPC. `cluster.endpointPublicAccess`, default true. */
  publicAccess: boolean;
  /** CIDRs allowed on the public endpoint (ignored when it is off). `cluster.publicAccessCidrs`, default none. */
  publicAccessCidrs: string[];
}

/**
 * Everything GpuCluster builds from. Every field is required: the mapper (infra/mapper/cluster.ts)
 * fills it from the validated stack config, whose defaults each field names.
 */
export interface GpuClusterArgs {
  /** EKS cluster name, prefix of every AWS resource name, value of the cluster tag. `cluster.name`, default `vllm`. */
  clusterName: string;
  /** EKS Kubernetes version. `cluster.kubernetesVersion`, default `1.35`. */
  kubernetesVersion: string;
  /** VPC layout (network.ts). */
  network: NetworkArgs;
  /** API endpoint access. */
  endpoint: EndpointAccessArgs;
  /** IAM roles granted cluster-admin through EKS access entries. `cluster.adminRoleArns`, default none. */
  adminRoleArns: string[];
  /** Retention of the control-plane log group (days). `cluster.logRetentionDays`, default 90. */
  logRetentionDays: number;
  /** The CPU node group. */
  systemNodes: SystemNodesArgs;
  /** The GPU node group. */
  gpuNodes: GpuNodesArgs;
  /**
   * Name of the ReadWriteMany (EFS) StorageClass to build, set only when a shared model cache or
   * benchmark shards use it; undefined: no EFS at all.
   */
  sharedStorageClass?: string;
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
  /** Everything in-cluster objects must wait for (and be deleted before). */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: GpuClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vllm-k8s:cluster:GpuCluster", name, {}, opts);
    const { clusterName, kubernetesVersion, endpoint } = args;
    this.clusterName = clusterName;

    const network = createNetwork(clusterName, args.network, this);

    const clusterRole = createClusterServiceRole(clusterName, this);
    const secretsKey = createSecretsKey(clusterName, clusterRole, this);
    const logGroup = createControlPlaneLogGroup(clusterName, args.logRetentionDays, this);

    const nodeRole = createNodeRole(clusterName, this);
    const adminPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
    const cluster = new eks.Cluster(
      clusterName,
      {
        name: clusterName,
        version: kubernetesVersion,
        serviceRole: clusterRole,
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        nodeAssociatePublicIpAddress: false,
        skipDefaultNodeGroup: true,
        instanceRoles: [nodeRole],
        authenticationMode: eks.AuthenticationMode.Api,
        accessEntries: Object.fromEntries(
          args.adminRoleArns.map((arn, i) => [
            `admin-${i}`,
            {
              principalArn: arn,
              accessPolicies: { admin: { policyArn: adminPolicy, accessScope: { type: "cluster" } } },
            },
          ]),
        ),
        createOidcProvider: true,
        encryptionConfigKeyArn: secretsKey.arn,
        endpointPrivateAccess: endpoint.privateAccess,
        endpointPublicAccess: endpoint.publicAccess,
        publicAccessCidrs: endpoint.publicAccess ? endpoint.publicAccessCidrs : undefined,
        // CIS EKS 2.1.1: all five control-plane log types, into the log group made above.
        enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
        // The VPC CNI is our managed add-on below (network policy on, its own IRSA role), not pulumi-eks's.
        useDefaultVpcCni: true,
        tags: clusterTag(clusterName),
      },
      { parent: this, dependsOn: [logGroup] },
    );

    const cniRole = createCniRole(clusterName, cluster.oidcProviderArn, cluster.oidcProviderUrl, this);
    const vpcCni = createVpcCniAddon({ clusterName, kubernetesVersion, roleArn: cniRole.arn, cluster, parent: this });

    const subnetIds = network.privateSubnetIds;
    const groupArgs = { clusterName, cluster, nodeRole, subnetIds, dependsOn: [vpcCni], parent: this };
    const system = createSystemNodeGroup(args.systemNodes, groupArgs);
    const gpu = createGpuNodeGroup(args.gpuNodes, groupArgs);
    this.gpuNodeGroupName = gpu.nodeGroupName;

    const autoscalerRole = createAutoscalerRole(clusterName, cluster.oidcProviderArn, cluster.oidcProviderUrl, this);
    this.autoscalerRoleArn = autoscalerRole.arn;

    this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
    this.provider = new k8s.Provider(
      `${clusterName}-k8s`,
      {
        kubeconfig: this.kubeconfig,
        enableServerSideApply: true,
      },
      { parent: this },
    );
    const storageArgs = {
      clusterName,
      kubernetesVersion,
      oidcProviderArn: cluster.oidcProviderArn,
      oidcProviderUrl: cluster.oidcProviderUrl,
      provider: this.provider,
      cluster,
      parent: this,
    };
    const storage = createClusterStorage(storageArgs);
    this.ready = [cluster, vpcCni, system, gpu.nodeGroup, storage.addon, storage.storageClass];
    if (args.sharedStorageClass) {
      const shared = createSharedStorage({
        ...storageArgs,
        className: args.sharedStorageClass,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        // Managed node groups whose launch template names no security group get EKS's cluster security group.
        nodeSecurityGroupId: cluster.eksCluster.apply((c) => c.vpcConfig.clusterSecurityGroupId),
      });
      this.ready.push(shared.addon, shared.storageClass);
    }
    const autoscalerRoleArn = this.autoscalerRoleArn;
    this.registerOutputs({ clusterName, gpuNodeGroupName: gpu.nodeGroupName, autoscalerRoleArn });
  }
}
