import type { StackConfig } from "../config";

/**
 * What a stack opts into that the policy rules must accept, as plain values (policy/context.ts
 * `StackAllowances`; infra/ does not import policy/, the shapes match structurally).
 */
export function policyAllowances(cfg: StackConfig) {
  return {
    allowPublicApiFromAnywhere: cfg.cluster.allowPublicApiFromAnywhere,
    grafanaLoadBalancer: cfg.monitoring.grafanaServiceType === "LoadBalancer",
    autoscaling: cfg.autoscaling.enabled,
  };
}
