// Every metric our dashboards, rules, alerts and the autoscaler read, with where it comes from.
// vLLM names were read from vLLM's V1 metric logger (vllm-project/vllm vllm/v1/metrics/loggers.py
// @ 3168f587f0555dda23ee852316697cc12f314eab) and the OpenAI server's HTTP instrumentation;
// `oldNames` are names earlier vLLM releases exposed, which queries still accept (promql.ts
// `gauge`/`rate`) while those releases are close to the vLLM image we pin. Tests check that every
// metric a query names is listed here, so a dashboard cannot silently go dark after a rename.

export type MetricType = "counter" | "gauge" | "histogram";
export type MetricSource =
  | "vllm"
  | "vllm-http"
  | "dcgm-exporter"
  | "kube-state-metrics"
  | "cluster-autoscaler"
  | "keda"
  | "pushgateway"
  | "prometheus";

export interface CatalogMetric {
  /** Series name as queried: counters include `_total`, histograms are the base name. */
  name: string;
  type: MetricType;
  source: MetricSource;
  labels: readonly string[];
  unit: string;
  help: string;
  /** Names earlier releases exposed for the same thing (queried with `or` where cheap). */
  oldNames?: readonly OldName[];
}

/** A name an earlier vLLM release exposed, and the releases that expose it. */
export interface OldName {
  name: string;
  /** Last vLLM minor release exposing it, by default or behind --show-hidden-metrics-for-version, e.g. "0.10". */
  lastVllm: string;
  /** The releases it serves, for readers, e.g. "v0.7 to v0.10". */
  serves: string;
}

/**
 * How many minor releases behind the pinned vLLM image an old name is still queried. vLLM hides a
 * deprecated metric one minor release after deprecating it and removes it the next (its
 * --show-hidden-metrics-for-version policy), so two minors cover every release a cluster can run
 * next to the pinned one; older fallbacks only cost every query an `or`.
 */
export const OLD_NAME_WINDOW_MINORS = 2;

/**
 * Old names no longer queried, with the releases they served: the pinned image (charts/versions.ts,
 * vLLM v0.30.0) is far past them. Kept as data so a test can prove no query uses them and the docs
 * can name what to do on such a release (upgrade, or add the name back here).
 */
export const RETIRED_OLD_NAMES: readonly (OldName & { replacedBy: string })[] = [
  // loggers.py: "Deprecated in 0.9 - Renamed as vllm:kv_cache_usage_perc; in 0.10, only enable if show_hidden_metrics".
  {
    name: "vllm:gpu_cache_usage_perc",
    replacedBy: "vllm:kv_cache_usage_perc",
    lastVllm: "0.10",
    serves: "v0.7 to v0.10 (hidden in v0.10)",
  },
  {
    name: "vllm:gpu_prefix_cache_queries_total",
    replacedBy: "vllm:prefix_cache_queries_total",
    lastVllm: "0.10",
    serves: "v0.8 to v0.10 (hidden in v0.10)",
  },
  {
    name: "vllm:gpu_prefix_cache_hits_total",
    replacedBy: "vllm:prefix_cache_hits_total",
    lastVllm: "0.10",
    serves: "v0.8 to v0.10 (hidden in v0.10)",
  },
  // Renamed to vllm:inter_token_latency_seconds in v0.11, hidden in v0.12, removed after (DESIGN §6: removed Jan 2026).
  {
    name: "vllm:time_per_output_token_seconds",
    replacedBy: "vllm:inter_token_latency_seconds",
    lastVllm: "0.12",
    serves: "v0.6 to v0.12 (hidden in v0.12)",
  },
];

const VLLM = ["model_name", "engine"] as const;

function vllm(
  name: string,
  type: MetricType,
  unit: string,
  help: string,
  extra: { labels?: string[]; oldNames?: OldName[] } = {},
): CatalogMetric {
  return {
    name,
    type,
    source: "vllm",
    labels: [...VLLM, ...(extra.labels ?? [])],
    unit,
    help,
    oldNames: extra.oldNames,
  };
}

export const VLLM_METRICS = {
  running: vllm("vllm:num_requests_running", "gauge", "requests", "Requests in the running batch."),
  waiting: vllm("vllm:num_requests_waiting", "gauge", "requests", "Requests waiting to be scheduled."),
  kvCacheUsage: vllm("vllm:kv_cache_usage_perc", "gauge", "ratio (0-1)", "KV-cache usage; 1 means full."),
  promptTokens: vllm("vllm:prompt_tokens_total", "counter", "tokens", "Prefill tokens processed."),
  generationTokens: vllm("vllm:generation_tokens_total", "counter", "tokens", "Generation tokens produced."),
  requestSuccess: vllm("vllm:request_success_total", "counter", "requests", "Finished requests by finish reason.", {
    labels: ["finished_reason"],
  }),
  preemptions: vllm(
    "vllm:num_preemptions_total",
    "counter",
    "preemptions",
    "Requests preempted because the KV cache was full.",
  ),
  prefixCacheQueries: vllm("vllm:prefix_cache_queries_total", "counter", "tokens", "Prefix-cache lookups, in tokens."),
  prefixCacheHits: vllm("vllm:prefix_cache_hits_total", "counter", "tokens", "Prefix-cache hits, in tokens."),
  ttft: vllm("vllm:time_to_first_token_seconds", "histogram", "seconds", "Time to first token."),
  itl: vllm("vllm:inter_token_latency_seconds", "histogram", "seconds", "Gap between consecutive output tokens."),
  tpot: vllm(
    "vllm:request_time_per_output_token_seconds",
    "histogram",
    "seconds",
    "Per-request mean time per output token.",
  ),
  e2e: vllm("vllm:e2e_request_latency_seconds", "histogram", "seconds", "End-to-end request latency."),
  queueTime: vllm("vllm:request_queue_time_seconds", "histogram", "seconds", "Time a request waited before running."),
  inferenceTime: vllm("vllm:request_inference_time_seconds", "histogram", "seconds", "Time a request spent running."),
  prefillTime: vllm("vllm:request_prefill_time_seconds", "histogram", "seconds", "Time a request spent in prefill."),
  decodeTime: vllm("vllm:request_decode_time_seconds", "histogram", "seconds", "Time a request spent in decode."),
  promptLength: vllm("vllm:request_prompt_tokens", "histogram", "tokens", "Prompt length per request."),
  generationLength: vllm("vllm:request_generation_tokens", "histogram", "tokens", "Output length per request."),
  maxTokensParam: vllm("vllm:request_params_max_tokens", "histogram", "tokens", "The max_tokens request parameter."),
} as const;

/** The OpenAI server's HTTP instrumentation (prometheus-fastapi-instrumentator, status grouped as 2xx/4xx/5xx). */
export const HTTP_METRICS = {
  requests: {
    name: "http_requests_total",
    type: "counter",
    source: "vllm-http",
    labels: ["handler", "method", "status"],
    unit: "requests",
    help: "HTTP requests by handler and status class.",
  },
} as const satisfies Record<string, CatalogMetric>;

/**
 * dcgm-exporter with pod mapping (labels `namespace`/`pod`/`container` of the pod holding the GPU).
 * The node label is `Hostname` in every dcgm-exporter release up to 4.8.2 and `hostname` after it
 * (which one the pinned chart writes: dcgmNodeLabel in infra/addons/values/dcgm-exporter.ts);
 * queries group by both so either works.
 */
const DCGM_LABELS = ["gpu", "UUID", "modelName", "hostname", "Hostname", "namespace", "pod", "container"] as const;
function dcgm(name: string, unit: string, help: string): CatalogMetric {
  return { name, type: "gauge", source: "dcgm-exporter", labels: DCGM_LABELS, unit, help };
}
export const DCGM_METRICS = {
  utilization: dcgm("DCGM_FI_DEV_GPU_UTIL", "percent", "GPU utilisation."),
  memCopyUtil: dcgm("DCGM_FI_DEV_MEM_COPY_UTIL", "percent", "Memory bandwidth utilisation."),
  fbUsed: dcgm("DCGM_FI_DEV_FB_USED", "MiB", "Framebuffer memory used."),
  fbFree: dcgm("DCGM_FI_DEV_FB_FREE", "MiB", "Framebuffer memory free."),
  power: dcgm("DCGM_FI_DEV_POWER_USAGE", "watts", "Power draw."),
  temperature: dcgm("DCGM_FI_DEV_GPU_TEMP", "celsius", "GPU temperature."),
  xid: dcgm("DCGM_FI_DEV_XID_ERRORS", "code", "Code of the last XID error (0 when none)."),
  grEngineActive: dcgm("DCGM_FI_PROF_GR_ENGINE_ACTIVE", "ratio (0-1)", "Graphics engine active fraction."),
  dramActive: dcgm("DCGM_FI_PROF_DRAM_ACTIVE", "ratio (0-1)", "Device memory busy fraction."),
} as const;

function ksm(name: string, labels: string[], help: string): CatalogMetric {
  return { name, type: "gauge", source: "kube-state-metrics", labels: ["namespace", ...labels], unit: "", help };
}
export const KSM_METRICS = {
  hpaCurrent: ksm(
    "kube_horizontalpodautoscaler_status_current_replicas",
    ["horizontalpodautoscaler"],
    "HPA current replicas.",
  ),
  hpaDesired: ksm(
    "kube_horizontalpodautoscaler_status_desired_replicas",
    ["horizontalpodautoscaler"],
    "HPA desired replicas.",
  ),
  hpaMax: ksm("kube_horizontalpodautoscaler_spec_max_replicas", ["horizontalpodautoscaler"], "HPA max replicas."),
  hpaMin: ksm("kube_horizontalpodautoscaler_spec_min_replicas", ["horizontalpodautoscaler"], "HPA min replicas."),
  hpaTarget: ksm(
    "kube_horizontalpodautoscaler_spec_target_metric",
    ["horizontalpodautoscaler", "metric_name", "metric_target_type"],
    "HPA target value per metric.",
  ),
  podPhase: ksm("kube_pod_status_phase", ["pod", "phase"], "Pod phase (1 for the current one)."),
  podRequests: ksm(
    "kube_pod_container_resource_requests",
    ["pod", "container", "node", "resource", "unit"],
    "Container resource requests.",
  ),
  nodeGpuCapacity: ksm("kube_node_status_capacity", ["node", "resource", "unit"], "Node capacity by resource."),
} as const;

function ca(name: string, type: MetricType, labels: string[], help: string): CatalogMetric {
  return { name, type, source: "cluster-autoscaler", labels, unit: "", help };
}
export const AUTOSCALER_METRICS = {
  unschedulablePods: ca(
    "cluster_autoscaler_unschedulable_pods_count",
    "gauge",
    ["type"],
    "Pods the autoscaler considers unschedulable.",
  ),
  nodes: ca("cluster_autoscaler_nodes_count", "gauge", ["state"], "Nodes by state as the autoscaler sees them."),
  scaledUp: ca("cluster_autoscaler_scaled_up_nodes_total", "counter", [], "Nodes added."),
  scaledDown: ca("cluster_autoscaler_scaled_down_nodes_total", "counter", ["reason"], "Nodes removed."),
} as const;

/** What the benchmark pushes under job `vllm-bench` (bench/client/outputs.ts). */
function bench(name: string, unit: string, help: string, labels: string[] = []): CatalogMetric {
  return { name, type: "gauge", source: "pushgateway", labels: ["job", "run_id", "scenario", ...labels], unit, help };
}
export const BENCH_METRICS = {
  thresholdPassed: bench("vllm_bench_threshold_passed", "bool", "1 when the threshold passed, 0 when it failed.", [
    "threshold",
  ]),
  requestThroughput: bench("vllm_bench_request_throughput", "requests/s", "Completed requests per second."),
  outputThroughput: bench("vllm_bench_output_throughput", "tokens/s", "Output tokens per second."),
  successRate: bench("vllm_bench_success_rate", "ratio (0-1)", "Share of requests that succeeded."),
  ttftP95: bench("vllm_bench_ttft_p95_seconds", "seconds", "TTFT P95."),
  tpotMean: bench("vllm_bench_tpot_mean_seconds", "seconds", "TPOT mean."),
  e2elP95: bench("vllm_bench_e2el_p95_seconds", "seconds", "E2E latency P95."),
  lastRun: bench("vllm_bench_last_run_timestamp_seconds", "unix seconds", "When the run finished."),
  // Pushed by `vllm-bench plan --pushgateway-url` (bench/plan/plan.ts pushPlan), grouped by job and model.
  planSustainable: {
    name: "vllm_bench_plan_sustainable_requests_per_second",
    type: "gauge",
    source: "pushgateway",
    labels: ["job", "model_name"],
    unit: "requests/s",
    help: "Highest request rate one vLLM replica sustained with every SLO met (the capacity plan).",
  },
  planTarget: {
    name: "vllm_bench_plan_target_requests_per_second",
    type: "gauge",
    source: "pushgateway",
    labels: ["job", "model_name"],
    unit: "requests/s",
    help: "HPA target per pod the capacity plan recommended.",
  },
} as const satisfies Record<string, CatalogMetric>;

// KEDA operator metrics (kedacore/keda pkg/metricscollector/prommetrics.go, commit 8b4f083, v2.20.x).
// Their `namespace` label is the ScaledObject's; the chart's ServiceMonitors do not honour labels, so
// in Prometheus it reads `exported_namespace` and `namespace` is KEDA's own.
export const KEDA_METRICS = {
  scaledObjectErrors: {
    name: "keda_scaled_object_errors_total",
    type: "counter",
    source: "keda",
    labels: ["namespace", "scaledObject"],
    unit: "errors",
    help: "Errors KEDA met evaluating a ScaledObject's triggers (a Prometheus it cannot query counts here).",
  },
  scalerActive: {
    name: "keda_scaler_active",
    type: "gauge",
    source: "keda",
    labels: ["namespace", "metric", "scaledObject", "scaler", "triggerIndex", "type"],
    unit: "bool",
    help: "1 while a trigger is active (the cron trigger: inside its window); `scaler` is the trigger's name.",
  },
} as const satisfies Record<string, CatalogMetric>;

export const PROMETHEUS_METRICS = {
  up: {
    name: "up",
    type: "gauge",
    source: "prometheus",
    labels: ["job", "instance", "namespace", "pod"],
    unit: "bool",
    help: "1 when the last scrape succeeded.",
  },
} as const satisfies Record<string, CatalogMetric>;

export const CATALOG: readonly CatalogMetric[] = [
  ...Object.values(VLLM_METRICS),
  ...Object.values(HTTP_METRICS),
  ...Object.values(DCGM_METRICS),
  ...Object.values(KSM_METRICS),
  ...Object.values(AUTOSCALER_METRICS),
  ...Object.values(KEDA_METRICS),
  ...Object.values(BENCH_METRICS),
  ...Object.values(PROMETHEUS_METRICS),
];

/** Every name a query may use for a catalogued metric, including histogram series and old names. */
export function knownSeriesNames(): Set<string> {
  const names = new Set<string>();
  for (const m of CATALOG) {
    for (const n of [m.name, ...(m.oldNames ?? []).map((o) => o.name)]) {
      if (m.type === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(n + s);
      else names.add(n);
    }
  }
  return names;
}
