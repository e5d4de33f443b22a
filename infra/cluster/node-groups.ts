import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { ACCELERATOR_LABEL, GPU_NODE_LABEL, GPU_TAINT, SYSTEM_NODE_LABEL } from "../../charts/node-pools";
import { gpuInstanceInfo } from "../gpu-instances";
import { createNodeLaunchTemplate } from "./launch-template";

/** How many nodes a managed node group runs (its EKS `scalingConfig`). */
export interface NodeGroupSize {
  minSize: number;
  desiredSize: number;
  maxSize: number;
}

/**
 * The CPU node group for Prometheus, Grafana and controllers. Sizes: `systemNodes.minSize`, default 2;
 * `systemNodes.desiredSize`, default 2; `systemNodes.maxSize`, default 4.
 */
export interface SystemNodesArgs extends NodeGroupSize {
  /** EC2 instance types. `systemNodes.instanceTypes`, default `["m6i.large"]`. */
  instanceTypes: string[];
  /** Root volume (GiB). `systemNodes.diskSizeGiB`, default 50. */
  diskSizeGiB: number;
}

/**
 * The GPU node group. Sizes: `gpuNodes.minSize`, default 0 (scale from zero);
 * `gpuNodes.desiredSize`, default 0; `gpuNodes.maxSize`, default 2.
 */
export interface GpuNodesArgs extends NodeGroupSize {
  /** EKS AMI type (NVIDIA AL2023 or Bottlerocket). `gpuNodes.amiType`, default `AL2023_x86_64_NVIDIA`. */
  amiType: string;
  /**
   * GPU instance types, all with `gpusPerNode` GPUs; the first names the accelerator.
   * `gpuNodes.instanceTypes`, default `["g6.xlarge"]`.
   */
  instanceTypes: string[];
  /** `ON_DEMAND` or `SPOT`. `gpuNodes.capacityType`, default `ON_DEMAND`. */
  capacityType: "ON_DEMAND" | "SPOT";
  /** Root volume for images and model weights (GiB). `gpuNodes.diskSizeGiB`, default 200. */
  diskSizeGiB: number;
  /** GPUs per node, which cluster-autoscaler must know to scale from zero. `gpuNodes.gpusPerNode`, default 1. */
  gpusPerNode: number;
}

interface NodeGroupArgs {
  /** Cluster name: the groups are `<clusterName>-system` and `<clusterName>-gpu`. */
  clusterName: string;
  cluster: eks.Cluster;
  nodeRole: aws.iam.Role;
  subnetIds: pulumi.Input<string>[];
  /** What nodes need before they join (the VPC CNI add-on with its IRSA role). */
  dependsOn: pulumi.Resource[];
  parent: pulumi.Resource;
}

/** Our launch template instead of `diskSize`/`enableIMDSv2` (hop limit 1, encrypted volumes: launch-template.ts). */
function launchTemplate(name: string, amiType: string, diskSizeGiB: number, parent: pulumi.Resource) {
  const lt = createNodeLaunchTemplate({ name, amiType, diskSizeGiB, parent });
  return { id: lt.id, version: lt.latestVersion.apply((v) => String(v)) };
}

/** Small CPU nodes for Prometheus, Grafana, controllers and the simulator engine. */
export function createSystemNodeGroup(g: SystemNodesArgs, args: NodeGroupArgs): eks.ManagedNodeGroup {
  const { clusterName, cluster, nodeRole, subnetIds, dependsOn, parent } = args;
  const name = `${clusterName}-system`;
  const amiType = "AL2023_x86_64_STANDARD";
  return new eks.ManagedNodeGroup(
    name,
    {
      cluster,
      nodeGroupName: name,
      nodeRole,
      subnetIds,
      amiType,
      instanceTypes: g.instanceTypes,
      scalingConfig: { minSize: g.minSize, desiredSize: g.desiredSize, maxSize: g.maxSize },
      launchTemplate: launchTemplate(name, amiType, g.diskSizeGiB, parent),
      labels: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
    },
    { parent, dependsOn },
  );
}

/** The labels, taints and GPU count cluster-autoscaler must know to scale a group up from zero. */
export function gpuNodeTemplate(g: Pick<GpuNodesArgs, "instanceTypes" | "gpusPerNode">): {
  labels: Record<string, string>;
  taint: typeof GPU_TAINT;
  gpus: number;
} {
  const accelerator = gpuInstanceInfo(g.instanceTypes[0])?.accelerator ?? "nvidia-gpu";
  return {
    labels: { [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value, [ACCELERATOR_LABEL]: accelerator },
    taint: GPU_TAINT,
    gpus: g.gpusPerNode,
  };
}

/**
 * GPU managed node group: tainted so only GPU workloads land on it, min size 0, our launch
 * template (IMDSv2 with hop limit 1, an encrypted disk sized for model weights). Scale from zero: EKS does not copy managed-node-group
 * labels/taints to the Auto Scaling group, so we tag the ASG itself with cluster-autoscaler's
 * node-template tags; `ignoreScalingChanges` keeps Pulumi from undoing the autoscaler.
 */
export function createGpuNodeGroup(g: GpuNodesArgs, args: NodeGroupArgs) {
  const { clusterName, cluster, nodeRole, subnetIds, dependsOn, parent } = args;
  const template = gpuNodeTemplate(g);
  const nodeGroupName = `${clusterName}-gpu`;
  const nodeGroup = new eks.ManagedNodeGroup(
    nodeGroupName,
    {
      cluster,
      nodeGroupName,
      nodeRole,
      subnetIds,
      amiType: g.amiType,
      instanceTypes: g.instanceTypes,
      capacityType: g.capacityType,
      scalingConfig: { minSize: g.minSize, desiredSize: g.desiredSize, maxSize: g.maxSize },
      ignoreScalingChanges: true,
      launchTemplate: launchTemplate(nodeGroupName, g.amiType, g.diskSizeGiB, parent),
      labels: template.labels,
      taints: [{ key: template.taint.key, value: template.taint.value, effect: "NO_SCHEDULE" }],
    },
    { parent, dependsOn },
  );

  // The ASG EKS created for the group (a resource reference in the real engine, whose nested
  // `resources` output apply() flattens).
  const asgName = nodeGroup.nodeGroup.apply((ng) => ng.resources).apply((r) => r[0].autoscalingGroups[0].name);

  const prefix = "k8s.io/cluster-autoscaler/node-template";
  const tags: Record<string, string> = {
    ...Object.fromEntries(Object.entries(template.labels).map(([k, v]) => [`${prefix}/label/${k}`, v])),
    [`${prefix}/taint/${template.taint.key}`]: `${template.taint.value}:${template.taint.effect}`,
    [`${prefix}/resources/nvidia.com/gpu`]: String(template.gpus),
  };
  for (const [i, [key, value]] of Object.entries(tags).entries()) {
    new aws.autoscaling.Tag(
      `${nodeGroupName}-template-${i}`,
      {
        autoscalingGroupName: asgName,
        tag: { key, value, propagateAtLaunch: false },
      },
      { parent },
    );
  }
  return { nodeGroup, nodeGroupName };
}
