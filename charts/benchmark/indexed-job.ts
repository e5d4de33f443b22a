// The benchmark sharded over pods: the Job (or the CronJob's job template) becomes an Indexed Job
// with completions = parallelism = shards. Kubernetes gives each pod JOB_COMPLETION_INDEX
// (Indexed completion mode, stable since 1.24: kubernetes.io/docs/tasks/job/
// indexed-parallel-processing-static); `vllm-bench run` then sends that index's share of the
// seeded plan (bench/fleet). All shards write their records to one shared results volume, in a
// folder named after the Job (the `job-name` label the Job controller puts on its pods), agree
// on one start time there, and the last shard to finish merges the run into the usual files and
// sets the exit code from the thresholds: that is the merge step.
import type { ICronJob, IJob, IJobSpec } from "kubernetes-models/batch/v1";
import type { IConfigMap, IPersistentVolumeClaim } from "kubernetes-models/v1";
import { JOB_ENV } from "../../bench/contract";
import { BENCH_NAME } from "./objects";
import type { BenchmarkChartProps } from "./props";

export const SHARED_RESULTS_CLAIM = `${BENCH_NAME}-results`;
/** Clocks on cluster nodes (NTP / Amazon Time Sync) agree far better than this; the barrier leaves it as margin. */
export const MAX_SKEW_MS = 1000;

export interface ShardingProps {
  /** Pods the run is split over (BENCH_SHARDS); 1 = the plain Job. */
  shards: number;
  /** Storage class of the shared results volume (ReadWriteMany, e.g. an EFS class on EKS); default: the cluster default. */
  storageClassName?: string;
}

/**
 * The fleet additions to the benchmark's objects: PROMETHEUS_URL (the rehearsal's timeline reads
 * the HPA and the GPU nodes from it) and, with shards > 1, the Indexed Job.
 */
export function fleetObjects(
  p: BenchmarkChartProps,
  objs: [IConfigMap, ICronJob | IJob],
  s: ShardingProps,
): Array<IConfigMap | ICronJob | IJob | IPersistentVolumeClaim> {
  if (p.prometheusUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(p.prometheusUrl))
    throw new Error(
      `benchmark prometheusUrl '${p.prometheusUrl}': expected an http(s) URL such as http://kps-prometheus.monitoring.svc:9090`,
    );
  if (p.prometheusUrl) {
    objs = structuredClone(objs);
    const spec = objs[1].kind === "CronJob" ? objs[1].spec.jobTemplate.spec! : objs[1].spec!;
    const c = spec.template.spec!.containers[0];
    c.env = [...(c.env ?? []), { name: JOB_ENV.prometheusUrl, value: p.prometheusUrl }];
  }
  return shardedObjects(p, objs, s);
}

export function shardedObjects(
  p: BenchmarkChartProps,
  objs: [IConfigMap, ICronJob | IJob],
  s: ShardingProps,
): Array<IConfigMap | ICronJob | IJob | IPersistentVolumeClaim> {
  if (!Number.isInteger(s.shards) || s.shards < 1 || s.shards > 64)
    throw new Error(`benchmark shards: ${s.shards} must be an integer from 1 to 64`);
  if (s.shards === 1) return objs;
  // Each shard caps its share of a scenario's concurrency: fail here, not in N pods at run time.
  const scenarios = (
    JSON.parse(objs[0].data!["scenario.json"]) as { scenarios: { name: string; max_concurrency?: number }[] }
  ).scenarios;
  const caps = p.overrides?.concurrencyLevels ?? scenarios.map((sc) => sc.max_concurrency ?? Infinity);
  const tight = Math.min(...caps);
  if (tight < s.shards)
    throw new Error(
      `benchmark shards: ${s.shards} shards but the scenario allows only ${tight} concurrent requests (max_concurrency or concurrencyLevels); use at most ${tight} shards`,
    );
  const [configMap, runner] = structuredClone(objs);
  const spec: IJobSpec = runner.kind === "CronJob" ? runner.spec.jobTemplate.spec! : runner.spec!;
  spec.completionMode = "Indexed";
  spec.completions = s.shards;
  spec.parallelism = s.shards;
  const pod = spec.template.spec!;
  const c = pod.containers[0];
  c.env = [
    ...(c.env ?? []),
    { name: JOB_ENV.shards, value: String(s.shards) },
    { name: JOB_ENV.maxSkewMs, value: String(MAX_SKEW_MS) },
    { name: JOB_ENV.runId, valueFrom: { fieldRef: { fieldPath: "metadata.labels['job-name']" } } },
  ];
  // Every shard's records meet on one volume; the last shard merges them there.
  const claimName = p.resultsClaimName ?? SHARED_RESULTS_CLAIM;
  pod.volumes = pod.volumes!.map((v) =>
    v.name === "results" ? { name: "results", persistentVolumeClaim: { claimName } } : v,
  );
  runner.metadata!.annotations = {
    ...runner.metadata!.annotations,
    "vllm-k8s.io/shards": String(s.shards),
    "vllm-k8s.io/merge": "the last shard to finish merges /results/<job name>/shard-*.json",
  };
  if (p.resultsClaimName) return [configMap, runner];
  const claim: IPersistentVolumeClaim = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: SHARED_RESULTS_CLAIM, namespace: p.namespace, labels: runner.metadata!.labels },
    spec: {
      // Shards run on different nodes: the volume must be mountable by all of them at once.
      accessModes: ["ReadWriteMany"],
      ...(s.storageClassName ? { storageClassName: s.storageClassName } : {}),
      resources: { requests: { storage: "5Gi" } },
    },
  };
  return [configMap, claim, runner];
}
