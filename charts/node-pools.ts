// The cluster's node pools as the scheduler sees them: labels and the GPU taint, read by the node
// groups (infra/cluster), the add-ons' placement, the workloads (charts/) and the policy rules, so GPU
// pods always match the GPU node group.

/** Label on every GPU node; vLLM pods select it. */
export const GPU_NODE_LABEL = { key: "vllm-k8s.io/node-pool", value: "gpu" } as const;

/** Label on every system (CPU) node; the simulator engine and add-ons select it. */
export const SYSTEM_NODE_LABEL = { key: "vllm-k8s.io/node-pool", value: "system" } as const;

/** Taint keeping CPU-only pods off the GPU nodes; GPU pods tolerate it. */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } as const;

/** Label cluster-autoscaler's AWS provider reads to treat a node (group) as GPU capacity. */
export const ACCELERATOR_LABEL = "k8s.amazonaws.com/accelerator";
