import type { StackConfig } from "../infra/config";
import { defaultContext, type RuleContext } from "./types";

/** The allowances a stack config opts into, read from its validated config. */
export function contextFromConfig(config: StackConfig): RuleContext {
  return {
    ...defaultContext,
    allowPublicApiFromAnywhere: config.cluster.allowPublicApiFromAnywhere,
    // kube-prometheus-stack's release name is fixed by infra/addons.
    allowLoadBalancers: config.monitoring.grafanaServiceType === "LoadBalancer" ? ["release/kube-prometheus-stack"] : [],
    expectHpa: config.autoscaling.enabled,
  };
}
