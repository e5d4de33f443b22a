// The HPA on the adapter's per-pod request rate, a cdk8s-plus-28 HorizontalPodAutoscaler.
import { ApiObject, Duration, JsonPatch } from "cdk8s";
import * as kplus from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { HPA_REQUEST_RATE_METRIC } from "../../monitoring/adapter";
import { APP_NAME } from "./labels";
import { meta } from "./objects";
import type { VllmChartProps } from "./props";

/** A decimal as a Kubernetes quantity ("5", "2500m"). */
function quantity(n: number): string {
  return Number.isInteger(n) ? String(n) : `${Math.round(n * 1000)}m`;
}

/**
 * The typed vLLM Deployment (objects.ts) as cdk8s-plus's scaling target. No replicas (the HPA owns
 * the count) and no containers: cdk8s-plus reads them only to check CPU or memory metrics.
 */
class DeploymentTarget implements kplus.IScalable {
  hasAutoscaler = false;
  constructor(private readonly name: string) {}
  markHasAutoscaler(): void {
    this.hasAutoscaler = true;
  }
  toScalingTarget(): kplus.ScalingTarget {
    return { apiVersion: "apps/v1", kind: "Deployment", name: this.name, containers: [] };
  }
}

export function addAutoscaler(scope: Construct, p: VllmChartProps): kplus.HorizontalPodAutoscaler {
  const a = p.autoscaling;
  const onePodPer = (seconds: number) => [
    { replicas: kplus.Replicas.absolute(1), duration: Duration.seconds(seconds) },
  ];
  const target = kplus.MetricTarget.averageValue(a.targetRequestsPerSecond);
  const hpa = new kplus.HorizontalPodAutoscaler(scope, "autoscaler", {
    metadata: meta(p),
    target: new DeploymentTarget(APP_NAME),
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metrics: [kplus.Metric.pods({ name: HPA_REQUEST_RATE_METRIC, target })],
    // A GPU pod (and maybe its node) takes minutes to serve: add one at a time, and only after
    // the rate stayed high; remove slowly, so a short lull does not discard a loaded model.
    scaleUp: {
      strategy: kplus.ScalingStrategy.MAX_CHANGE,
      stabilizationWindow: Duration.seconds(a.scaleUpStabilizationSeconds),
      policies: onePodPer(120),
    },
    scaleDown: {
      strategy: kplus.ScalingStrategy.MIN_CHANGE,
      stabilizationWindow: Duration.seconds(a.scaleDownStabilizationSeconds),
      policies: onePodPer(300),
    },
  });
  // cdk8s-plus-28 writes the target as a bare number (2.5); ours is the quantity string ("2500m") the
  // API server prints back. A Quantity is written from its `value` (imports/k8s.ts), hence the object.
  const averageValue = { value: quantity(a.targetRequestsPerSecond) };
  ApiObject.of(hpa).addJsonPatch(JsonPatch.replace("/spec/metrics/0/pods/target/averageValue", averageValue));
  return hpa;
}
