import type { IResourceRequirements } from "kubernetes-models/v1";
import type { BenchmarkOverrides } from "../../bench/contract";

export interface BenchmarkChartProps {
  namespace: string;
  /** The bench/Dockerfile image (`vllm-bench` entrypoint), pinned by tag or digest. */
  image: string;
  /** Base URL of the OpenAI-compatible server, e.g. http://vllm.vllm.svc:8000 (MODEL_ENDPOINT). */
  endpoint: string;
  /** Served model name (SERVED_MODEL_NAME). */
  model: string;
  /** Scenario file (JSON text in the bench/presets layout) and its name; default: the smoke preset. */
  scenario?: { name: string; json: string };
  /** Push every scenario's figures here (PUSHGATEWAY_URL), e.g. http://pushgateway.monitoring.svc:9091. */
  pushgatewayUrl?: string;
  /** Cron schedule (5 fields): a CronJob runs the benchmark on it. */
  schedule?: string;
  /**
   * Without a schedule: "template" (default) renders a suspended CronJob to start runs from
   * (`kubectl create job --from=cronjob/vllm-bench`); "job" renders a Job that runs once when applied.
   */
  unscheduled?: "template" | "job";
  /** Container resources; default requests 1 CPU / 512Mi, limits 2 CPU / 1Gi. */
  resources?: IResourceRequirements;
  /** Secret holding the server's API key (VLLM_API_KEY). */
  apiKeySecret?: { name: string; key: string };
  nodeSelector?: Record<string, string>;
  /** Per-run overrides of the scenario file (REQUEST_RATE or RAMP_UP_*, CONCURRENCY_LEVELS, DURATION). */
  overrides?: BenchmarkOverrides;
  /** How long the run waits for the server to answer /v1/models (READY_TIMEOUT); default 900 s. */
  readyTimeoutSeconds?: number;
  /** Finished Jobs are deleted after this long; default 7 days. */
  ttlSecondsAfterFinished?: number;
  /** Hard limit of one run; default: derived from the scenario's durations, else 3 hours. */
  activeDeadlineSeconds?: number;
  /** Keep result files in this PersistentVolumeClaim instead of a pod-lifetime emptyDir. */
  resultsClaimName?: string;
  /** Split the run over this many pods (an Indexed Job, merged by its last shard); default 1. See indexed-job.ts. */
  shards?: number;
  /** With shards > 1 and no resultsClaimName: storage class of the ReadWriteMany results claim the shards share. */
  sharedResultsStorageClass?: string;
  /** Prometheus the run reads the cluster's side of a rate-profile run from (PROMETHEUS_URL), e.g. http://kps-prometheus.monitoring.svc:9090. */
  prometheusUrl?: string;
  /** Also render `vllm-bench plan` as a Job against ONE vLLM pod (see PlanJobProps). */
  plan?: PlanJobProps;
}

/** `vllm-bench plan` in the cluster: the sustainable rate of one replica, pushed to the Pushgateway. */
export interface PlanJobProps {
  /** Labels of the vLLM pods: a headless Service selects them, and the planner pins one pod address. */
  podSelector: Record<string, string>;
  /** The pods' HTTP port. */
  port: number;
  /** Expected fleet peak (req/s) for maxReplicas and cost (--peak-rps). */
  peakRequestsPerSecond: number;
  /** HPA target as a fraction of the sustainable rate (--headroom). */
  headroom: number;
  /** Reduced search (--quick): two to five minutes instead of ten or more, never above the full answer. */
  quick: boolean;
  /** SLOs by threshold name (--slo), on top of the scenario file's thresholds. */
  slos: Record<string, number>;
  /** The stack's GPU node shape, for gpuNodes.maxSize and cost. */
  instanceType: string;
  gpusPerNode: number;
  tensorParallelSize: number;
  /** Instance price per hour (--price-per-hour); default: the planner's dated price table. */
  pricePerHour?: number;
}
