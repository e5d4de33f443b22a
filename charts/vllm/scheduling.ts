// Node labels and the GPU taint shared by the cluster (infra/cluster) and the workloads
// (charts/): one source of truth, so GPU pods always match the GPU node group.

/** Label on every GPU node; vLLM pods select it. */
export const GPU_NODE_LABEL = { key: "vllm-k8s.io/node-pool", value: "gpu" } as const;

/** Label on every system (CPU) node; the simulator engine and add-ons select it. */
export const SYSTEM_NODE_LABEL = { key: "vllm-k8s.io/node-pool", value: "system" } as const;

/** Taint keeping CPU-only pods off the GPU nodes; GPU pods tolerate it. */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } as const;

/** Label cluster-autoscaler's AWS provider reads to treat a node (group) as GPU capacity. */
export const ACCELERATOR_LABEL = "k8s.amazonaws.com/accelerator";
