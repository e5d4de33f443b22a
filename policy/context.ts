import { defaultContext, type RuleContext } from "./types";

/** What a stack opts into, as plain values (the mapper reads them from the stack config: infra/mapper/policy.ts). */
export interface StackAllowances {
  /** `cluster.allowPublicApiFromAnywhere`: 0.0.0.0/0 on the public API endpoint is accepted. */
  allowPublicApiFromAnywhere: boolean;
  /** `monitoring.grafanaServiceType: LoadBalancer`: Grafana's Service may be a load balancer. */
  grafanaLoadBalancer: boolean;
  /** `autoscaling.enabled`: the vLLM Deployment must have an HPA. */
  autoscaling: boolean;
}

/** The rule context of a stack: the strict defaults plus the allowances its config opts into. */
export function contextFor(stack: StackAllowances): RuleContext {
  return {
    ...defaultContext,
    allowPublicApiFromAnywhere: stack.allowPublicApiFromAnywhere,
    // The add-ons whose values ask for a LoadBalancer: test/infra/addons/registry.test.ts holds this equal
    // to the add-on registry (policy/ imports no infra/).
    allowLoadBalancers: stack.grafanaLoadBalancer ? ["release/kube-prometheus-stack"] : [],
    expectHpa: stack.autoscaling,
  };
}
