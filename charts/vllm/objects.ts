// The objects of the vLLM service that cdk8s-plus-28 cannot express cleanly, as typed plain objects
// (kubernetes-models types); the reason is next to each. The Service, HPA and NetworkPolicies are
// cdk8s-plus constructs (service.ts, autoscaler.ts, charts/netpol).
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1";
import type { IDeployment } from "kubernetes-models/apps/v1";
import type { INamespace, IPersistentVolumeClaim, IServiceAccount } from "kubernetes-models/v1";
import type { IServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { monitoringConfig } from "../../monitoring/config";
import { psaLabels, servingPsaLevel } from "../netpol";
import { PART_OF } from "../part-of";
import { APP_NAME, commonLabels, selectorLabels } from "./labels";
import { MODEL_CACHE_PVC, podSpec } from "./pod";
import type { VllmChartProps } from "./props";

/** Metadata of every vLLM object: its name (default `vllm`), the serving namespace and the common labels. */
export const meta = (p: VllmChartProps, name = APP_NAME) => ({
  name,
  namespace: p.namespace,
  labels: commonLabels(p.engine),
});

/** The serving namespace's labels: ours, and Pod Security admission at the engine's level (charts/netpol/psa.ts). */
export function namespaceLabels(engine: VllmChartProps["engine"]): Record<string, string> {
  return { ...PART_OF, ...psaLabels(servingPsaLevel(engine), "restricted") };
}

/**
 * vLLM's own identity (CIS EKS 4.1.5: no workload runs as `default`). It calls no Kubernetes API, so
 * neither it nor the pod mounts a token, and no Role binds it.
 */
export function serviceAccount(p: VllmChartProps): IServiceAccount {
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(p), automountServiceAccountToken: false };
}

// Typed: cdk8s-plus-28's Namespace writes an empty `spec` ours leaves out.
export function namespace(p: VllmChartProps): INamespace {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name: p.namespace, labels: namespaceLabels(p.engine) } };
}

// Typed: cdk8s-plus-28's container resources have no `nvidia.com/gpu`, and its defaults (pod runAsNonRoot, which
// vLLM's root image fails; imagePullPolicy Always; a TCP startup probe) would each need undoing.
export function deployment(p: VllmChartProps): IDeployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(p),
    spec: {
      // The HPA owns the replica count when it exists; setting it here would fight it on every apply.
      ...(p.autoscaling.enabled ? {} : { replicas: p.replicas }),
      selector: { matchLabels: { ...selectorLabels } },
      // One extra pod during a rollout (maxUnavailable 0): the service keeps its capacity while the new pod loads.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      // Downloading and loading a model (plus a GPU node from zero) can take well over the 10-minute default.
      progressDeadlineSeconds: 3600,
      template: { metadata: { labels: commonLabels(p.engine) }, spec: podSpec(p, { ...selectorLabels }) },
    },
  };
}

// Typed: a Prometheus Operator custom resource, which cdk8s-plus does not cover.
export function serviceMonitor(p: VllmChartProps): IServiceMonitor {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: meta(p),
    spec: {
      selector: { matchLabels: { ...selectorLabels } },
      // 15 s: the rules' 5-minute and the adapter's 2-minute rate windows assume it.
      endpoints: [{ port: "http", path: "/metrics", interval: monitoringConfig.scrapeInterval, scrapeTimeout: "10s" }],
    },
  };
}

// Typed: cdk8s-plus-28 has no PodDisruptionBudget.
export function podDisruptionBudget(p: VllmChartProps): IPodDisruptionBudget {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: meta(p),
    spec: {
      // One pod at a time. Never minAvailable with one replica: it would block node drains and
      // cluster-autoscaler scale-down forever. A pod that never became ready can always be evicted.
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: "AlwaysAllow",
      selector: { matchLabels: { ...selectorLabels } },
    },
  };
}

// Typed: cdk8s-plus-28's PersistentVolumeClaim writes `volumeMode: Filesystem`, which ours leaves to the API default.
export function modelCacheClaim(p: VllmChartProps): IPersistentVolumeClaim {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: meta(p, MODEL_CACHE_PVC),
    spec: {
      // `pvc`: an EBS volume attaches to one node, so one pod. `shared`: every replica on every node
      // mounts the same claim, so the weights are downloaded once (docs/serving.md, Model cache).
      accessModes: [p.modelCache.type === "shared" ? "ReadWriteMany" : "ReadWriteOnce"],
      resources: { requests: { storage: `${p.modelCache.sizeGiB}Gi` } },
      ...(p.modelCache.storageClassName ? { storageClassName: p.modelCache.storageClassName } : {}),
    },
  };
}
