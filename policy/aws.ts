import { opaque } from "./graph";
import type { PolicyNode } from "./types";

// Helpers that read the AWS side of the graph: EKS clusters and node groups, whichever way they
// were registered. The offline graph (and the engine's per-resource view) shows the `@pulumi/eks`
// components with their inputs; the real engine also shows their `aws:eks` children.

export const EKS_CLUSTER = "eks:index:Cluster";
export const EKS_NODE_GROUP = "eks:index:ManagedNodeGroup";
const AWS_CLUSTER = "aws:eks/cluster:Cluster";
const AWS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

export interface Cluster {
  node: PolicyNode;
  encryptionKeyArn: unknown;
  endpointPublicAccess: boolean;
  publicAccessCidrs: unknown;
  nodeAssociatePublicIpAddress: unknown;
}

export interface NodeGroup {
  node: PolicyNode;
  amiType: unknown;
  instanceTypes: unknown;
  labels: Record<string, string>;
  taints: { key?: string; value?: string; effect?: string }[];
  scaling: { minSize?: unknown; maxSize?: unknown; desiredSize?: unknown };
  /** true/false when the graph says, undefined when it cannot be judged. */
  imdsv2: boolean | undefined;
  subnetIds: unknown[];
}

/**
 * Whether a component node carries its inputs. At stack level the engine hands over a
 * component's outputs instead (`eksCluster`, `nodeGroup`, …), so then its `aws:eks` child is read.
 */
const INPUT_KEYS: Record<string, string[]> = {
  [EKS_CLUSTER]: [
    "vpcId",
    "privateSubnetIds",
    "encryptionConfigKeyArn",
    "endpointPublicAccess",
    "publicAccessCidrs",
    "skipDefaultNodeGroup",
  ],
  [EKS_NODE_GROUP]: ["scalingConfig", "amiType", "nodeGroupName", "instanceTypes", "subnetIds"],
};
const hasInputs = (n: PolicyNode) => (INPUT_KEYS[n.type] ?? []).some((k) => n.inputs[k] !== undefined);

/** A component with inputs wins over its own `aws:eks` child, so nothing is counted twice. */
const shadowed = (n: PolicyNode, graph: readonly PolicyNode[], componentType: string) =>
  n.parentType === componentType && graph.some((p) => p.type === componentType && p.name === n.parent && hasInputs(p));

export function clusters(graph: readonly PolicyNode[]): Cluster[] {
  const out: Cluster[] = [];
  for (const n of graph) {
    if (n.type === EKS_CLUSTER && hasInputs(n)) {
      out.push({
        node: n,
        encryptionKeyArn: n.inputs.encryptionConfigKeyArn,
        // @pulumi/eks turns the public endpoint on unless told otherwise.
        endpointPublicAccess: n.inputs.endpointPublicAccess !== false,
        publicAccessCidrs: n.inputs.publicAccessCidrs,
        nodeAssociatePublicIpAddress: n.inputs.nodeAssociatePublicIpAddress,
      });
    } else if (n.type === AWS_CLUSTER && !shadowed(n, graph, EKS_CLUSTER)) {
      const enc = [n.inputs.encryptionConfig].flat().find((e: any) => e && [e.resources].flat().includes("secrets"));
      out.push({
        node: n,
        encryptionKeyArn: enc?.provider?.keyArn,
        endpointPublicAccess: n.inputs.vpcConfig?.endpointPublicAccess !== false,
        publicAccessCidrs: n.inputs.vpcConfig?.publicAccessCidrs,
        nodeAssociatePublicIpAddress: undefined,
      });
    }
  }
  return out;
}

/**
 * The launch template a node group names: the graph node; "none" when it names none; "outside" when
 * it names one the stack does not declare (its settings cannot be checked, so rules treat it as
 * failing); undefined when the reference is not known yet (preview).
 */
export function nodeGroupLaunchTemplate(
  n: PolicyNode,
  graph: readonly PolicyNode[],
): PolicyNode | "none" | "outside" | undefined {
  const ref = n.inputs.launchTemplate;
  if (!ref) return "none";
  const id = ref.id ?? ref.name;
  if (opaque(id)) return undefined;
  return (
    graph.find(
      (t) =>
        t.type === "aws:ec2/launchTemplate:LaunchTemplate" &&
        (t.id === id || t.inputs.id === id || t.inputs.name === id),
    ) ?? "outside"
  );
}

/** IMDSv2 of a raw node group lives in its launch template (`metadataOptions.httpTokens`). */
function launchTemplateImds(n: PolicyNode, graph: readonly PolicyNode[]): boolean | undefined {
  const lt = nodeGroupLaunchTemplate(n, graph);
  if (lt === undefined) return undefined;
  return typeof lt === "object" && lt.inputs.metadataOptions?.httpTokens === "required";
}

/** What both kinds of node group read the same way (the component's inputs mirror aws:eks/nodeGroup's). */
function nodeGroupOf(n: PolicyNode, imdsv2: boolean | undefined): NodeGroup {
  const i = n.inputs;
  return {
    node: n,
    amiType: i.amiType,
    instanceTypes: i.instanceTypes,
    labels: i.labels ?? {},
    taints: Array.isArray(i.taints) ? i.taints : [],
    scaling: i.scalingConfig ?? {},
    imdsv2,
    subnetIds: Array.isArray(i.subnetIds) ? i.subnetIds : [],
  };
}

export function nodeGroups(graph: readonly PolicyNode[]): NodeGroup[] {
  const out: NodeGroup[] = [];
  for (const n of graph) {
    const i = n.inputs;
    if (n.type === EKS_NODE_GROUP && hasInputs(n))
      out.push(
        nodeGroupOf(n, i.enableIMDSv2 === true ? true : i.launchTemplate ? launchTemplateImds(n, graph) : false),
      );
    else if (n.type === AWS_NODE_GROUP && !shadowed(n, graph, EKS_NODE_GROUP))
      out.push(nodeGroupOf(n, launchTemplateImds(n, graph)));
  }
  return out;
}

/**
 * Every node group with its launch template (`nodeGroupLaunchTemplate`: the graph node, "none" or
 * "outside"); a group whose reference is not known yet (preview) is left out.
 */
export function nodeGroupsWithTemplates(
  graph: readonly PolicyNode[],
): { group: NodeGroup; template: PolicyNode | "none" | "outside" }[] {
  return nodeGroups(graph).flatMap((group) => {
    const template = nodeGroupLaunchTemplate(group.node, graph);
    return template === undefined ? [] : [{ group, template }];
  });
}

/** `NO_SCHEDULE` (EKS API) and `NoSchedule` (Kubernetes) name the same effect. */
export const sameEffect = (a: string | undefined, b: string) =>
  (a ?? "").replace(/_/g, "").toLowerCase() === b.replace(/_/g, "").toLowerCase();
