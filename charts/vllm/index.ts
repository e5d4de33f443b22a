// The vLLM service chart: Deployment, Service, ServiceMonitor, PDB, NetworkPolicies (default-deny + allows), HPA (+ PVC).
import { ApiObject, Chart } from "cdk8s";
import type { Construct } from "constructs";
import * as o from "./objects";
import type { VllmChartProps } from "./props";

export type { VllmChartProps } from "./props";

export function vllmObjects(p: VllmChartProps): Array<{ kind: string; metadata?: { name?: string } }> {
  return [
    ...(p.includeNamespace ? [o.namespace(p)] : []),
    ...(p.engine === "vllm" && p.modelCache.type === "pvc" ? [o.modelCacheClaim(p)] : []),
    o.deployment(p),
    o.service(p),
    o.serviceMonitor(p),
    o.podDisruptionBudget(p),
    ...o.networkPolicies(p),
    ...(p.autoscaling.enabled ? [o.horizontalPodAutoscaler(p)] : []),
  ];
}

export class VllmChart extends Chart {
  constructor(scope: Construct, id: string, props: VllmChartProps) {
    super(scope, id);
    for (const obj of vllmObjects(props)) new ApiObject(this, `${obj.kind}-${obj.metadata?.name}`.toLowerCase(), obj as never);
  }
}
