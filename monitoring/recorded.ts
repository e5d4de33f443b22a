// Recording rules: every heavy expression a dashboard or alert reads, evaluated once per interval
// instead of on every panel refresh. Names follow Prometheus' `level:metric:operations`, where the
// level lists the labels kept. Dashboards, alerts and tests refer to them through `REC`.
import { DCGM_METRICS, HTTP_METRICS, KSM_METRICS, VLLM_METRICS, type CatalogMetric } from "./catalog";
import { SERVED_REQUESTS } from "./autoscaling";
import { monitoringConfig as cfg } from "./config";
import { gauge, histogramMean, quantile, rate, selector, sumBy } from "./promql";

const RATE_WINDOW = cfg.rateWindow.duration;

export const MODEL_LEVEL = ["namespace", "model_name"] as const;
export const POD_LEVEL = ["namespace", "pod", "model_name"] as const;
/**
 * dcgm-exporter names the node `Hostname` in every release up to 4.8.2 and `hostname` after
 * (NVIDIA/dcgm-exporter commit d5e5f51, "Rename Hostname label to hostname", on main after the
 * 4.5.3-4.8.2 tag). The GPU recording rules copy whichever is set into one label, GPU_NODE_LABEL,
 * and drop both spellings, so every GPU panel, variable and group reads a single name.
 */
export const GPU_NODE_SPELLINGS = ["Hostname", "hostname"] as const;
export const GPU_NODE_LABEL = "node";

/** `expr` with GPU_NODE_LABEL set from either spelling, the spellings themselves removed. */
function withGpuNode(expr: string): string {
  const [upper, lower] = GPU_NODE_SPELLINGS;
  const relabelled = `label_replace(label_replace(${expr}, "${GPU_NODE_LABEL}", "$1", "${upper}", "(.+)"), "${GPU_NODE_LABEL}", "$1", "${lower}", "(.+)")`;
  return `max without (${GPU_NODE_SPELLINGS.join(", ")}) (${relabelled})`;
}
/** Per GPU, every label kept but the node's, which is normalised (see GPU_NODE_LABEL). */
const gpuNodeRule = (m: CatalogMetric): RecordingRule => ({
  record: `gpu_node:${m.name.toLowerCase()}:relabel`,
  expr: withGpuNode(m.name),
});

/** OpenAI API calls of vLLM's scrape jobs (config.ts vllmSelector, apiHandlerSelector). */
const API_HTTP = `${cfg.vllmSelector}, ${cfg.apiHandlerSelector}`;
const API_RATE = sumBy(["namespace"], rate(HTTP_METRICS.requests, { matchers: API_HTTP }));
const API_5XX_RATE = sumBy(["namespace"], rate(HTTP_METRICS.requests, { matchers: `${API_HTTP}, status="5xx"` }));

export interface RecordingRule {
  record: string;
  expr: string;
}

export type Quantile = 0.5 | 0.9 | 0.95 | 0.99;
const qName = (q: number) => `p${Math.round(q * 100)}`;

/** Recorded series name for a histogram of the catalog, e.g. `vllm_e2e_request_latency_seconds`. */
const plain = (m: CatalogMetric) => m.name.replace(/^vllm:/, "vllm_").replace(/_total$/, "");

interface LatencyRules {
  bucket: RecordingRule;
  mean: RecordingRule;
  p50: RecordingRule;
  p90: RecordingRule;
  p95: RecordingRule;
  p99: RecordingRule;
  /** Per-pod P95, only for the latencies the per-pod panels show. */
  podBucket?: RecordingRule;
  podP95?: RecordingRule;
}

function latencyRules(m: CatalogMetric, podLevel: boolean): LatencyRules {
  const base = plain(m);
  const bucketRecord = `namespace_model_name:${base}_bucket:rate${RATE_WINDOW}`;
  const q = (p: Quantile): RecordingRule => ({
    record: `namespace_model_name:${base}:${qName(p)}_${RATE_WINDOW}`,
    expr: quantile(p, bucketRecord),
  });
  const out: LatencyRules = {
    // The bucket rate first: rules in a group run in order, the quantiles read it.
    bucket: { record: bucketRecord, expr: sumBy([...MODEL_LEVEL, "le"], rate(m, { suffix: "_bucket" })) },
    mean: { record: `namespace_model_name:${base}:mean${RATE_WINDOW}`, expr: histogramMean(m, MODEL_LEVEL) },
    p50: q(0.5),
    p90: q(0.9),
    p95: q(0.95),
    p99: q(0.99),
  };
  if (podLevel) {
    const podBucket = `namespace_pod:${base}_bucket:rate${RATE_WINDOW}`;
    out.podBucket = { record: podBucket, expr: sumBy([...POD_LEVEL, "le"], rate(m, { suffix: "_bucket" })) };
    out.podP95 = { record: `namespace_pod:${base}:p95_${RATE_WINDOW}`, expr: quantile(0.95, podBucket) };
  }
  return out;
}

function lengthRules(m: CatalogMetric) {
  return {
    bucket: {
      record: `namespace_model_name:${plain(m)}_bucket:rate${RATE_WINDOW}`,
      expr: sumBy([...MODEL_LEVEL, "le"], rate(m, { suffix: "_bucket" })),
    },
  };
}

function counterRate(m: CatalogMetric, level: readonly string[], prefix: string, extra: string[] = []): RecordingRule {
  return { record: `${prefix}:${plain(m)}:rate${RATE_WINDOW}`, expr: sumBy([...level, ...extra], rate(m)) };
}

const V = VLLM_METRICS;
const D = DCGM_METRICS;
const K = KSM_METRICS;

/** Framebuffer in use per GPU and its total (dcgm-exporter reports used and free, not total). */
const FB_TOTAL = `${D.fbUsed.name} + ${D.fbFree.name}`;
const FB_USED_RATIO = `${D.fbUsed.name} / (${FB_TOTAL})`;
const gpuNodeUtil = gpuNodeRule(D.utilization);

const NODE_GPUS = selector(K.nodeGpuCapacity.name, cfg.gpuResourceSelector);

const gpuRequestsPod: RecordingRule = {
  record: "namespace_pod:kube_pod_gpu_requests:sum",
  expr: sumBy(["namespace", "pod"], selector(K.podRequests.name, cfg.gpuResourceSelector)),
};

export const REC = {
  latency: {
    e2e: latencyRules(V.e2e, true),
    ttft: latencyRules(V.ttft, true),
    itl: latencyRules(V.itl, true),
    tpot: latencyRules(V.tpot, false),
    queue: latencyRules(V.queueTime, false),
    prefill: latencyRules(V.prefillTime, false),
    decode: latencyRules(V.decodeTime, false),
  },
  length: {
    prompt: lengthRules(V.promptLength),
    generation: lengthRules(V.generationLength),
    maxTokens: lengthRules(V.maxTokensParam),
  },
  requests: {
    /** Finished requests per second by finish reason (stop, length, abort, error, repetition). */
    byReason: counterRate(V.requestSuccess, MODEL_LEVEL, "namespace_model_name_finished_reason", ["finished_reason"]),
    model: counterRate(V.requestSuccess, MODEL_LEVEL, "namespace_model_name"),
    /** Served requests per pod: the HPA's signal (autoscaling.ts SERVED_REQUESTS: no aborts, no errors). */
    pod: {
      record: `namespace_pod:${plain(V.requestSuccess)}:rate${RATE_WINDOW}`,
      expr: sumBy(POD_LEVEL, rate(V.requestSuccess, { matchers: SERVED_REQUESTS })),
    },
  },
  tokens: {
    promptModel: counterRate(V.promptTokens, MODEL_LEVEL, "namespace_model_name"),
    generationModel: counterRate(V.generationTokens, MODEL_LEVEL, "namespace_model_name"),
    generationPod: counterRate(V.generationTokens, POD_LEVEL, "namespace_pod"),
  },
  scheduler: {
    running: {
      record: "namespace_model_name:vllm_num_requests_running:sum",
      expr: sumBy(MODEL_LEVEL, gauge(V.running)),
    },
    waiting: {
      record: "namespace_model_name:vllm_num_requests_waiting:sum",
      expr: sumBy(MODEL_LEVEL, gauge(V.waiting)),
    },
    runningPod: { record: "namespace_pod:vllm_num_requests_running:sum", expr: sumBy(POD_LEVEL, gauge(V.running)) },
    waitingPod: { record: "namespace_pod:vllm_num_requests_waiting:sum", expr: sumBy(POD_LEVEL, gauge(V.waiting)) },
    kvCachePod: {
      record: "namespace_pod:vllm_kv_cache_usage_perc:max",
      expr: `max by (${POD_LEVEL.join(", ")}) (${gauge(V.kvCacheUsage)})`,
    },
    preemptions: counterRate(V.preemptions, MODEL_LEVEL, "namespace_model_name"),
    prefixCacheHitRatio: {
      record: `namespace_model_name:vllm_prefix_cache_hit:ratio_rate${RATE_WINDOW}`,
      expr: `${sumBy(MODEL_LEVEL, rate(V.prefixCacheHits))} / ${sumBy(MODEL_LEVEL, rate(V.prefixCacheQueries))}`,
    },
  },
  http: {
    byStatus: {
      record: `namespace_status:vllm_http_requests:rate${RATE_WINDOW}`,
      expr: sumBy(["namespace", "status"], rate(HTTP_METRICS.requests, { matchers: API_HTTP })),
    },
    byPodStatus: {
      record: `namespace_pod_status:vllm_http_requests:rate${RATE_WINDOW}`,
      expr: sumBy(["namespace", "pod", "status"], rate(HTTP_METRICS.requests, { matchers: API_HTTP })),
    },
    errorRatio: {
      record: `namespace:vllm_http_5xx_requests:ratio_rate${RATE_WINDOW}`,
      // A namespace without any 5xx yet reads 0, not "no data" (the 5xx series only appears on the first error).
      expr: `(${API_5XX_RATE} or 0 * ${API_RATE}) / ${API_RATE}`,
    },
  },
  gpu: {
    // First: the rules below and the GPU dashboard read these (rules in a group run in order).
    node: {
      util: gpuNodeUtil,
      memCopyUtil: gpuNodeRule(D.memCopyUtil),
      fbUsed: gpuNodeRule(D.fbUsed),
      power: gpuNodeRule(D.power),
      temperature: gpuNodeRule(D.temperature),
      xid: gpuNodeRule(D.xid),
      grEngineActive: gpuNodeRule(D.grEngineActive),
      dramActive: gpuNodeRule(D.dramActive),
      memUsedRatio: { record: "gpu_node:dcgm_framebuffer_used:ratio", expr: withGpuNode(FB_USED_RATIO) },
      /** The dashboard draws it beside the used memory (a binary match per step is costly at 64 GPUs). */
      memTotal: { record: "gpu_node:dcgm_framebuffer_total:used_plus_free", expr: withGpuNode(FB_TOTAL) },
    },
    utilNode: {
      record: `${GPU_NODE_LABEL}:dcgm_gpu_utilization:avg`,
      expr: `avg by (${GPU_NODE_LABEL}) (${gpuNodeUtil.record})`,
    },
    utilCluster: { record: "cluster:dcgm_gpu_utilization:avg", expr: `avg(${D.utilization.name})` },
    utilPod: {
      record: "namespace_pod:dcgm_gpu_utilization:avg",
      expr: `avg by (namespace, pod) (${D.utilization.name}{pod!=""})`,
    },
    memUsedRatio: {
      // Per GPU, all labels kept: the alert names the GPU and node.
      record: "gpu:dcgm_framebuffer_used:ratio",
      expr: FB_USED_RATIO,
    },
    count: { record: "cluster:dcgm_gpus:count", expr: `count(${D.utilization.name})` },
    powerCluster: { record: "cluster:dcgm_power_usage_watts:sum", expr: `sum(${D.power.name})` },
  },
  // kube-state-metrics has a series per pod and phase, and per node and resource, in the whole
  // cluster: the capacity dashboard and GpuPodsPending read these records instead.
  capacity: {
    // First: gpuPodsPending reads it (rules in a group run in order).
    gpuRequestsPod,
    /** 1 for each pod that requests GPUs and is Pending: waiting for a GPU node. */
    gpuPodsPending: {
      record: "namespace_pod:kube_pod_gpu_pending:max",
      expr:
        `(max by (namespace, pod) (${selector(K.podPhase.name, `phase="Pending"`)}) == 1)` +
        ` and on (namespace, pod) (${gpuRequestsPod.record} > 0)`,
    },
    gpuCapacity: { record: "cluster:kube_node_gpu_capacity:sum", expr: `sum(${NODE_GPUS})` },
    gpuNodes: { record: "cluster:kube_node_gpu_capacity:count_nonzero", expr: `count(${NODE_GPUS} > 0)` },
  },
} as const;
