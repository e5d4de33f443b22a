import { clusters, nodeGroups, sameEffect, type NodeGroup } from "../aws";
import { describeObject, helmReleases, workloads, type Workload } from "../graph";
import {
  GPU_NODE_LABEL,
  GPU_RESOURCE,
  GPU_TAINT,
  gpuPlacementsIn,
  gpuRequest,
  selectsGpuNodes,
  targetsGpuNodes,
  toleratesGpuTaint,
} from "../scheduling";
import { rule, type PolicyNode, type Rule } from "../types";

const TAINT = `${GPU_TAINT.key}=${GPU_TAINT.value}:${GPU_TAINT.effect}`;
const LABEL = `${GPU_NODE_LABEL.key}=${GPU_NODE_LABEL.value}`;

/**
 * DaemonSets that must run on GPU nodes without asking for a GPU: they expose and watch the GPUs.
 * Matched by chart name (Helm) or `app.kubernetes.io/name` (objects). test/infra/addons/registry.test.ts
 * holds it equal to the registered add-ons whose values reach the GPU nodes (policy/ imports no infra/).
 */
export const GPU_DAEMONSET_ALLOWLIST = ["nvidia-device-plugin", "dcgm-exporter"] as const;

const isGpuGroup = (g: NodeGroup) =>
  g.labels[GPU_NODE_LABEL.key] === GPU_NODE_LABEL.value ||
  (typeof g.amiType === "string" && g.amiType.includes("NVIDIA")) ||
  g.taints.some((t) => t.key === GPU_TAINT.key);

export const gpuNodeGroups = (graph: readonly PolicyNode[]) => nodeGroups(graph).filter(isGpuGroup);

const hasGpuTaint = (g: NodeGroup) =>
  g.taints.some(
    (t) => t.key === GPU_TAINT.key && t.value === GPU_TAINT.value && sameEffect(t.effect, GPU_TAINT.effect),
  );

export const gpuNodeGroup = rule({
  id: "gpu-node-group",
  description: `An EKS cluster has a GPU node group with an NVIDIA AMI type, the ${TAINT} taint and the ${LABEL} label.`,
  severity: "high",
  scope: "stack",
  check(graph, report) {
    const groups = gpuNodeGroups(graph);
    if (groups.length === 0)
      for (const c of clusters(graph))
        report(
          c.node,
          `EKS cluster ${c.node.name} has no GPU node group (none has the ${LABEL} label, an NVIDIA AMI or the ${GPU_TAINT.key} taint): vLLM pods would stay Pending. Keep the gpuNodes group of infra/cluster/node-groups.ts.`,
        );
    for (const g of groups) {
      const name = g.node.name;
      if (!hasGpuTaint(g))
        report(
          g.node,
          `GPU node group ${name} lacks the taint ${TAINT} (has ${JSON.stringify(g.taints)}): CPU pods would fill the GPU nodes. Add it to the node group's taints (effect NO_SCHEDULE).`,
        );
      if (typeof g.amiType !== "string" || !g.amiType.includes("NVIDIA"))
        report(
          g.node,
          `GPU node group ${name} has amiType ${JSON.stringify(g.amiType)}, not an NVIDIA AMI type: nodes would have no GPU driver. Set gpuNodes.amiType to AL2023_x86_64_NVIDIA or BOTTLEROCKET_x86_64_NVIDIA.`,
        );
      if (g.labels[GPU_NODE_LABEL.key] !== GPU_NODE_LABEL.value)
        report(
          g.node,
          `GPU node group ${name} lacks the label ${LABEL} that GPU workloads select (charts/node-pools.ts). Add it to the node group's labels.`,
        );
    }
  },
});

const gpuContainers = (w: Workload) => w.containers.filter((c) => gpuRequest(c) > 0);

/** The pod pins nodes by label: a node selector or a required node affinity term. */
const pinnedLabels = (spec: Record<string, any>): string[] => [
  ...Object.entries((spec.nodeSelector ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`),
  ...(spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []).flatMap(
    (t: any) =>
      (t?.matchExpressions ?? []).map((e: any) => `${e?.key} ${e?.operator} ${JSON.stringify(e?.values ?? [])}`),
  ),
];

const gpuLimit = (c: any) => {
  const v = c?.resources?.limits?.[GPU_RESOURCE];
  return Number(typeof v === "object" && v !== null ? v.value : v) > 0;
};

/**
 * Where a GPU pod must land depends on the cluster mode (infra/mapper/placement.ts): on the EKS
 * cluster we build (an EKS cluster in the graph) it selects our GPU node group's label, so the
 * autoscaler adds the right nodes; on a cluster the user brings (no EKS cluster in the graph) its
 * `nvidia.com/gpu` limit alone places it, since only nodes running the device plugin offer the
 * resource, and a label selector would pin it to labels that cluster's nodes need not carry.
 */
export const gpuWorkloadScheduling = rule({
  id: "gpu-workload-scheduling",
  description: `Every workload requesting nvidia.com/gpu tolerates the ${TAINT} taint; on our EKS cluster it selects the ${LABEL} nodes, on an existing cluster its GPU limit places it and it pins no node label.`,
  severity: "high",
  // Stack level: the mode is read from whether the graph holds an EKS cluster.
  scope: "stack",
  check(graph, report) {
    const eks = clusters(graph).length > 0;
    for (const w of workloads(graph)) {
      if (gpuContainers(w).length === 0) continue;
      const what = describeObject(w.object);
      if (!toleratesGpuTaint(w.podSpec.tolerations))
        report(
          w.object.node,
          `${what} requests nvidia.com/gpu but does not tolerate the GPU taint ${TAINT}: it would stay Pending on GPU nodes that carry it. Add a toleration {key: ${GPU_TAINT.key}, operator: Equal, value: "${GPU_TAINT.value}", effect: ${GPU_TAINT.effect}}.`,
        );
      if (eks && !selectsGpuNodes(w.podSpec))
        report(
          w.object.node,
          `${what} requests nvidia.com/gpu but does not select the GPU nodes: set nodeSelector ${LABEL} (or a required node affinity on it) so the autoscaler adds the right nodes.`,
        );
      if (eks) continue;
      for (const c of gpuContainers(w).filter((x) => !gpuLimit(x)))
        report(
          w.object.node,
          `${what}: container ${c.name} asks for nvidia.com/gpu without a limit. On an existing cluster the limit is what places the pod on a node whose device plugin offers GPUs (Kubernetes requires extended resources in limits): set resources.limits["nvidia.com/gpu"].`,
        );
      const pinned = pinnedLabels(w.podSpec);
      if (pinned.length)
        report(
          w.object.node,
          `${what} pins nodes by ${pinned.join(", ")}: on an existing cluster the nodes need not carry that label and the pod would stay Pending. Remove the node selector or affinity; its nvidia.com/gpu limit places it on the nodes where the device plugin runs.`,
        );
    }
  },
});

const allowListedObject = (w: Workload) =>
  w.object.kind === "DaemonSet" &&
  (GPU_DAEMONSET_ALLOWLIST as readonly string[]).includes(
    w.object.body.metadata?.labels?.["app.kubernetes.io/name"] ?? w.object.name,
  );

export const gpuNodesReserved = rule({
  id: "gpu-nodes-reserved",
  description: `Nothing without a GPU request tolerates the GPU taint or selects the GPU nodes, except the allow-listed GPU DaemonSets (${GPU_DAEMONSET_ALLOWLIST.join(", ")}).`,
  severity: "medium",
  scope: "resource",
  check(graph, report) {
    for (const w of workloads(graph)) {
      if (gpuContainers(w).length > 0 || allowListedObject(w)) continue;
      const what = describeObject(w.object);
      if (toleratesGpuTaint(w.podSpec.tolerations))
        report(
          w.object.node,
          `${what} requests no GPU but tolerates the GPU taint ${TAINT}: it could take a GPU node's CPU and keep the node from scaling down. Remove the toleration, or request nvidia.com/gpu.`,
        );
      if (targetsGpuNodes(w.podSpec))
        report(
          w.object.node,
          `${what} requests no GPU but selects the GPU nodes (${LABEL}): select the system nodes instead.`,
        );
    }
    for (const r of helmReleases(graph)) {
      if ((GPU_DAEMONSET_ALLOWLIST as readonly string[]).includes(r.chart)) continue;
      for (const { path, kind } of gpuPlacementsIn(r.values))
        report(
          r.node,
          kind === "toleration"
            ? `Helm release ${r.name} (chart ${r.chart}) tolerates the GPU taint ${TAINT} at values.${path}; only ${GPU_DAEMONSET_ALLOWLIST.join(" and ")} may. Remove the toleration.`
            : `Helm release ${r.name} (chart ${r.chart}) selects the GPU nodes at values.${path}; only ${GPU_DAEMONSET_ALLOWLIST.join(" and ")} may. Select the system nodes instead.`,
        );
    }
  },
});

const TEMPLATE = "k8s.io/cluster-autoscaler/node-template";

export const gpuScaleFromZero = rule({
  id: "gpu-scale-from-zero",
  description:
    "The GPU node group has min size 0 and a max size, and its Auto Scaling group carries cluster-autoscaler's node-template tags (labels, taint, GPU count) so it can scale up from zero.",
  severity: "medium",
  scope: "stack",
  check(graph, report) {
    for (const g of gpuNodeGroups(graph)) {
      const name = g.node.name;
      const { minSize, maxSize } = g.scaling;
      if (minSize !== 0)
        report(
          g.node,
          `GPU node group ${name} has scalingConfig.minSize ${JSON.stringify(minSize)}: idle GPUs keep costing money. Set gpuNodes.minSize: 0.`,
        );
      if (typeof maxSize !== "number" || maxSize < 1)
        report(
          g.node,
          `GPU node group ${name} has no usable scalingConfig.maxSize (${JSON.stringify(maxSize)}): the cost ceiling is missing. Set gpuNodes.maxSize to at least 1.`,
        );
      // Tags that target this group's ASG: their name input derives from the group, so they depend
      // on it (or on its @pulumi/eks component, when the group is the component's child).
      const owners = [name, ...(g.node.parent ? [g.node.parent] : [])];
      const tags = new Map<string, unknown>();
      for (const t of graph)
        if (t.type === "aws:autoscaling/tag:Tag" && owners.some((o) => t.dependencies.includes(o)) && t.inputs.tag?.key)
          tags.set(t.inputs.tag.key, t.inputs.tag.value);
      const want: [string, (v: unknown) => boolean, string][] = [
        ...Object.entries(g.labels).map(([k, v]): [string, (x: unknown) => boolean, string] => [
          `${TEMPLATE}/label/${k}`,
          (x) => x === v,
          v,
        ]),
        ...g.taints
          .filter((t) => t.key)
          .map((t): [string, (x: unknown) => boolean, string] => {
            const expected = `${t.value ?? ""}:${GPU_TAINT.effect}`;
            return [`${TEMPLATE}/taint/${t.key}`, (x) => x === expected, expected];
          }),
        [`${TEMPLATE}/resources/nvidia.com/gpu`, (x) => Number(x) >= 1, "<GPUs per node>"],
      ];
      for (const [key, ok, expected] of want)
        if (!ok(tags.get(key)))
          report(
            g.node,
            `GPU node group ${name}: its Auto Scaling group lacks the tag ${key}=${expected} (found ${JSON.stringify(tags.get(key))}); cluster-autoscaler cannot scale it up from zero without it. Tag the ASG with aws.autoscaling.Tag (managed-node-group tags do not reach it).`,
          );
    }
  },
});

export const gpuRules: Rule[] = [gpuNodeGroup, gpuWorkloadScheduling, gpuNodesReserved, gpuScaleFromZero];
