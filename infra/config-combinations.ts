// Combinations of features that each validate alone but cannot work together: refused before any
// resource, one line naming the key, why, and what to set instead. config.ts calls these.
import { parseLatencyThreshold } from "../bench/contract";

/** The part of the stack config these rules read. */
export interface CombinationView {
  cluster: { mode: "eks" | "existing" };
  serving: {
    engine: "vllm" | "simulator";
    replicas: number;
    modelCache: { type: "emptyDir" | "pvc" | "shared"; storageClassName?: string };
  };
  autoscaling: { enabled: boolean; maxReplicas: number };
  addons: { kubePrometheusStack: boolean };
  monitoring: { prometheusUrl?: string };
  benchmark: {
    enabled: boolean;
    scenario: string;
    shards: number;
    sharedResultsStorageClass?: string;
    plan: { enabled: boolean; slos: Record<string, number> };
  };
}

export function combinationIssues(c: CombinationView): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const b = c.benchmark;

  // Shards on different nodes share one ReadWriteMany results volume: on eks our EFS class serves
  // it; elsewhere the cluster default must be RWX, or the user names a class.
  if (b.shards === 1 && b.sharedResultsStorageClass)
    add(
      "benchmark.sharedResultsStorageClass",
      "only used with benchmark.shards > 1 (one pod keeps its results on its own volume), so it would be ignored. Remove it, or raise benchmark.shards",
    );
  if (b.plan.enabled && !b.enabled)
    add(
      "benchmark.plan.enabled",
      "the plan Job is part of the benchmark, and benchmark.enabled is false, so nothing would be deployed. Set benchmark.enabled: true, or remove benchmark.plan.enabled",
    );
  for (const [k, v] of Object.entries(b.plan.slos)) {
    if (k === "success_rate" && !(v > 0 && v <= 1))
      add(
        `benchmark.plan.slos.${k}`,
        `${v} is not a fraction: success_rate is the share of requests that must succeed, from 0 to 1 (0.95 = 95 %)`,
      );
    const latency = parseLatencyThreshold(k);
    if (latency?.percentile !== undefined && !(latency.percentile > 0 && latency.percentile < 100))
      add(`benchmark.plan.slos.${k}`, `${latency.stat} is not a percentile between 0 and 100 (e.g. p95, p99.9)`);
    if (latency && v > 3_600_000)
      add(`benchmark.plan.slos.${k}`, `${v} ms is more than an hour; the threshold is in milliseconds (2000 = 2 s)`);
  }

  // The pvc model cache is ReadWriteOnce: a second pod (vLLM or the simulator, which mounts the
  // cache too) scheduled on another node could never mount it and would stay Pending.
  const maxPods = c.autoscaling.enabled ? c.autoscaling.maxReplicas : c.serving.replicas;
  if (c.serving.modelCache.type === "pvc" && maxPods > 1)
    add(
      "serving.modelCache.type",
      `a pvc cache is one ReadWriteOnce volume (it attaches to one node), and up to ${maxPods} vLLM pods may run (${c.autoscaling.enabled ? "autoscaling.maxReplicas" : "serving.replicas"}), so a pod on a second node would never start. Use shared (one ReadWriteMany claim for every pod) or emptyDir, or run one pod (${c.autoscaling.enabled ? "autoscaling.maxReplicas: 1" : "serving.replicas: 1"})`,
    );
  // A shared cache needs a ReadWriteMany class: on eks ours (EFS); an existing cluster's default
  // class is usually ReadWriteOnce, so the claim would stay Pending.
  if (c.serving.modelCache.type === "shared" && c.cluster.mode === "existing" && !c.serving.modelCache.storageClassName)
    add(
      "serving.modelCache.type",
      "shared needs a ReadWriteMany storage class, and on an existing cluster we cannot know which of yours is one. Set serving.modelCache.storageClassName to an RWX class (e.g. an EFS or NFS CSI class), or use emptyDir",
    );
  // Prometheus: ours (kube-prometheus-stack) or the user's URL. Without either, the autoscaler's trigger
  // and the rehearsal's cluster timeline would query a Service nothing runs.
  const url = c.monitoring.prometheusUrl;
  const kps = c.addons.kubePrometheusStack;
  if (kps && url)
    add(
      "monitoring.prometheusUrl",
      "kube-prometheus-stack is on, so its Prometheus is used and this URL would be ignored. Remove it, or set addons.kubePrometheusStack: false",
    );
  const needs = [
    ...(c.autoscaling.enabled ? ["the autoscaler's trigger (autoscaling.enabled)"] : []),
    ...(c.benchmark.enabled && c.benchmark.scenario === "rehearsal"
      ? ["the rehearsal's cluster timeline (benchmark.scenario: rehearsal)"]
      : []),
  ];
  if (!kps && !url && needs.length)
    add(
      "monitoring.prometheusUrl",
      `addons.kubePrometheusStack is off, so no Prometheus of ours answers ${needs.join(" and ")}. Set monitoring.prometheusUrl to your Prometheus (its in-cluster Service URL, or e.g. https://prometheus.example.com), or turn addons.kubePrometheusStack on${c.autoscaling.enabled ? ", or set autoscaling.enabled: false" : ""}`,
    );
  return issues;
}
