// The label every object of ours carries (Kubernetes' recommended app.kubernetes.io/part-of), by
// which the charts and the NetworkPolicies mark what this project owns.
export const PART_OF = { "app.kubernetes.io/part-of": "vllm-k8s" } as const;
