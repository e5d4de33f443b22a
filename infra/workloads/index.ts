export { VllmWorkloads, type SecretArgs, type VllmWorkloadsArgs } from "./vllm-workloads";
