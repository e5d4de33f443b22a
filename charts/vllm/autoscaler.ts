// The vLLM autoscaler: a KEDA ScaledObject. KEDA creates and owns the HPA (`keda-hpa-vllm`) from
// it, feeding the request rate through its external metrics API, and scales to and from zero,
// which an HPA cannot.
import type { Construct } from "constructs";
import { ACTIVE_HOURS_TRIGGER, requestRateTriggerQuery } from "../../monitoring/autoscaling";
import { typedObject } from "../typed-object";
import { APP_NAME } from "./labels";
import { meta } from "./objects";
import type { VllmChartProps } from "./props";
import type { ScaledObject, ScaleTrigger } from "./scaled-object";

/** A decimal as KEDA reads a threshold ("5", "2.5"). */
const decimal = (n: number) => String(n);

/**
 * Failed polls (30 s apart) before KEDA's fallback takes over from an unreachable Prometheus. The
 * fallback holds the replicas running then (`currentReplicas`): blind, the autoscaler neither buys
 * GPUs nor drops a loaded replica; the VllmAutoscalerErrors alert says so (docs/serving.md).
 */
const FALLBACK_FAILURES = 3;

export function scaledObject(p: VllmChartProps): ScaledObject {
  const a = p.autoscaling;
  const onePodPer = (seconds: number) => [{ type: "Pods", value: 1, periodSeconds: seconds }];
  const triggers: ScaleTrigger[] = [
    // First: its HPA metric is `s0-prometheus` (monitoring/autoscaling.ts HPA_REQUEST_RATE_METRIC).
    {
      type: "prometheus",
      name: "requests",
      // The sum over pods; AverageValue makes the HPA divide by the pods, so the target is per pod.
      metricType: "AverageValue",
      metadata: {
        serverAddress: a.prometheusUrl,
        query: requestRateTriggerQuery(p.namespace),
        threshold: decimal(a.targetRequestsPerSecond),
        // Active (so kept above zero) while any request is served.
        activationThreshold: "0",
        // An empty answer is a fault to report, not "no load" (the query returns 0 when idle).
        ignoreNullValues: "false",
      },
    },
  ];
  if (a.activeHours)
    triggers.push({
      type: "cron",
      name: ACTIVE_HOURS_TRIGGER,
      metadata: {
        timezone: a.activeHours.timezone,
        start: a.activeHours.start,
        end: a.activeHours.end,
        desiredReplicas: String(a.activeHours.replicas),
      },
    });
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: meta(p),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: APP_NAME },
      minReplicaCount: a.minReplicas,
      maxReplicaCount: a.maxReplicas,
      // Idle to zero: every trigger inactive for the scale-down window, like any other scale-in.
      ...(a.idleToZero && a.minReplicas > 0 ? { idleReplicaCount: 0 } : {}),
      cooldownPeriod: a.scaleDownStabilizationSeconds,
      fallback: {
        failureThreshold: FALLBACK_FAILURES,
        replicas: Math.max(a.minReplicas, 1),
        behavior: "currentReplicas",
      },
      advanced: {
        horizontalPodAutoscalerConfig: {
          // A GPU pod (and maybe its node) takes minutes to serve: add one at a time, and only after
          // the rate stayed high; remove slowly, so a short lull does not discard a loaded model.
          behavior: {
            scaleUp: {
              selectPolicy: "Max",
              stabilizationWindowSeconds: a.scaleUpStabilizationSeconds,
              policies: onePodPer(120),
            },
            scaleDown: {
              selectPolicy: "Min",
              stabilizationWindowSeconds: a.scaleDownStabilizationSeconds,
              policies: onePodPer(300),
            },
          },
        },
      },
      triggers,
    },
  };
}

export function addAutoscaler(scope: Construct, p: VllmChartProps): void {
  typedObject(scope, "autoscaler", scaledObject(p));
}
