/** Tag key marking every AWS resource of one stack's cluster (cost reports, `aws resourcegroupstaggingapi`). */
export const CLUSTER_TAG = "vllm-k8s.io/cluster";

/**
 * The cluster tag as a tags map. The AWS provider writes it as a default tag; resources also carry
 * it explicitly because their `tags` input is what the offline graph and the policy rules see.
 */
export const clusterTag = (clusterName: string): Record<string, string> => ({ [CLUSTER_TAG]: clusterName });
