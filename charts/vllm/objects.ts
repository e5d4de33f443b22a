// The Kubernetes objects of the vLLM service, as typed plain objects (kubernetes-models types):
// full control over every field (GPU limits, probes, securityContext) without cdk8s-plus defaults.
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1";
import type { IDeployment } from "kubernetes-models/apps/v1";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import type { INamespace, IPersistentVolumeClaim, IService } from "kubernetes-models/v1";
import type { IServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { HPA_REQUEST_RATE_METRIC } from "../../monitoring/adapter";
import { namespacePolicies, psaLabels, servingFlows, servingPsaLevel } from "../netpol";
import { APP_NAME, commonLabels, HTTP_PORT, selectorLabels } from "./labels";
import { MODEL_CACHE_PVC, podSpec } from "./pod";
import type { VllmChartProps } from "./props";

const meta = (p: VllmChartProps, name = APP_NAME) => ({ name, namespace: p.namespace, labels: commonLabels(p.engine) });

/** A decimal as a Kubernetes quantity ("5", "2500m"). */
export function quantity(n: number): string {
  return Number.isInteger(n) ? String(n) : `${Math.round(n * 1000)}m`;
}

/** The serving namespace's labels: ours, and Pod Security admission at the engine's level (charts/netpol/psa.ts). */
export function namespaceLabels(engine: VllmChartProps["engine"]): Record<string, string> {
  return { "app.kubernetes.io/part-of": "vllm-k8s", ...psaLabels(servingPsaLevel(engine), "restricted") };
}

export function namespace(p: VllmChartProps): INamespace {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name: p.namespace, labels: namespaceLabels(p.engine) } };
}

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

export function service(p: VllmChartProps): IService {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(p),
    spec: { type: "ClusterIP", selector: { ...selectorLabels }, ports: [{ name: "http", port: HTTP_PORT, targetPort: "http", protocol: "TCP" }] },
  };
}

export function serviceMonitor(p: VllmChartProps): IServiceMonitor {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: meta(p),
    spec: {
      selector: { matchLabels: { ...selectorLabels } },
      // 15 s: the rules' 5-minute and the adapter's 2-minute rate windows assume it.
      endpoints: [{ port: "http", path: "/metrics", interval: "15s", scrapeTimeout: "10s" }],
    },
  };
}

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

/**
 * Default-deny ingress for the serving namespace, then exactly the flows into vLLM: Prometheus,
 * the benchmark and serving.allowedClientNamespaces, on the API port (charts/netpol/flows.ts).
 */
export function networkPolicies(p: VllmChartProps): INetworkPolicy[] {
  return namespacePolicies(p.namespace, servingFlows(p));
}

export function horizontalPodAutoscaler(p: VllmChartProps): IHorizontalPodAutoscaler {
  const a = p.autoscaling;
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta(p),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: APP_NAME },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics: [{ type: "Pods", pods: { metric: { name: HPA_REQUEST_RATE_METRIC }, target: { type: "AverageValue", averageValue: quantity(a.targetRequestsPerSecond) } } }],
      behavior: {
        // A GPU pod (and maybe its node) takes minutes to serve: add one at a time, and only after
        // the rate stayed high; remove slowly, so a short lull does not discard a loaded model.
        scaleUp: { stabilizationWindowSeconds: a.scaleUpStabilizationSeconds, selectPolicy: "Max", policies: [{ type: "Pods", value: 1, periodSeconds: 120 }] },
        scaleDown: { stabilizationWindowSeconds: a.scaleDownStabilizationSeconds, selectPolicy: "Min", policies: [{ type: "Pods", value: 1, periodSeconds: 300 }] },
      },
    },
  };
}

export function modelCacheClaim(p: VllmChartProps): IPersistentVolumeClaim {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: meta(p, MODEL_CACHE_PVC),
    spec: {
      // EBS volumes attach to one node: pods on other nodes cannot share it (docs/serving.md).
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: `${p.modelCache.sizeGiB}Gi` } },
      ...(p.modelCache.storageClassName ? { storageClassName: p.modelCache.storageClassName } : {}),
    },
  };
}
