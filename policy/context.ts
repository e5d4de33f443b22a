import type { StackConfig } from "../infra/config";
import { defaultContext, type RuleContext } from "./types";

/** The allowances a stack config opts into, read from its validated config. */
export function contextFromConfig(config: StackConfig): RuleContext {
  return {
    ...defaultContext,
    allowPublicApiFromAnywhere: config.cluster.allowPublicApiFromAnywhere,
    // The add-ons whose values ask for a LoadBalancer: test/addons/registry.test.ts holds this equal
    // to the add-on registry (policy/ imports no infra/).
    allowLoadBalancers: config.monitoring.grafanaServiceType === "LoadBalancer" ? ["release/kube-prometheus-stack"] : [],
    expectHpa: config.autoscaling.enabled,
  };
}
