import type { IResourceRequirements } from "kubernetes-models/v1";
import type { RampUp } from "../../bench/client/random";

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
  /** Push every scenario's figures here (PUSHGATEWAY_URL), e.g. http://prometheus-pushgateway.monitoring.svc:9091. */
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
  overrides?: {
    requestRate?: number;
    /** A rate moving from startRps to endRps over each scenario's requests, instead of requestRate. */
    rampUp?: RampUp;
    concurrencyLevels?: number[];
    durationSeconds?: number;
  };
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
}
