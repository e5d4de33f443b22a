// The fields of KEDA's ScaledObject (keda.sh/v1alpha1) we write, typed from its CRD schema in the
// keda chart 2.20.2 (kedacore/charts keda/templates/crds/crd-scaledobjects.yaml, 1444d00); the tests
// validate the object against that schema (test/fixtures/crds/keda-scaledobject.schema.json).
import type { IHorizontalPodAutoscalerBehavior } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscalerBehavior";

export interface ScaleTrigger {
  type: "prometheus" | "cron";
  /** Shown as the `scaler` label of KEDA's metrics. */
  name?: string;
  metricType?: "AverageValue" | "Value";
  /** Every value a string, as the CRD requires. */
  metadata: Record<string, string>;
}

export interface ScaledObject {
  apiVersion: "keda.sh/v1alpha1";
  kind: "ScaledObject";
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: {
    scaleTargetRef: { apiVersion?: string; kind?: string; name: string };
    pollingInterval?: number;
    cooldownPeriod?: number;
    minReplicaCount?: number;
    maxReplicaCount?: number;
    idleReplicaCount?: number;
    fallback?: {
      failureThreshold: number;
      replicas: number;
      behavior?: "static" | "currentReplicas" | "currentReplicasIfHigher" | "currentReplicasIfLower";
    };
    advanced?: {
      horizontalPodAutoscalerConfig?: { name?: string; behavior?: IHorizontalPodAutoscalerBehavior };
    };
    triggers: ScaleTrigger[];
  };
}
