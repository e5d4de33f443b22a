export { API_KEY_SECRET, chartPropsFromConfig, HF_TOKEN_SECRET, serviceUrl } from "./props";
export { VllmWorkloads, type VllmWorkloadsArgs } from "./vllm-workloads";
