// The selectors and knobs every rule, alert, dashboard and autoscaler query interpolates, kept in one
// place the way kubernetes-mixin keeps its `_config` (kubernetes-monitoring/kubernetes-mixin
// config.libsonnet @ 0049d674): selectors are label matchers written between `{}`, and the rate
// windows are counted in scrapes, so they follow the scrape interval. The charts' ServiceMonitor,
// the exporters' Helm values and the Compose Prometheus read the interval from here too.

/** A whole number of seconds as a Prometheus duration in its largest exact unit: 300 -> "5m", 90 -> "90s". */
export function promDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds <= 0)
    throw new Error(`a duration must be whole positive seconds, got ${seconds}`);
  for (const [unit, size] of [
    ["h", 3600],
    ["m", 60],
  ] as const)
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

/**
 * Prometheus' rule of thumb: a rate window holds at least four scrapes, so one missed scrape does
 * not blank a series (a `rate()` needs two samples in its window).
 */
export const MIN_SCRAPES_PER_WINDOW = 4;

/** A rate window of `scrapes` scrape intervals. */
export interface RateWindow {
  scrapes: number;
  seconds: number;
  /** Prometheus duration, as written in `rate(x[...])` and in recorded series names (`rate5m`). */
  duration: string;
}

function rateWindow(scrapeIntervalSeconds: number, scrapes: number): RateWindow {
  if (scrapes < MIN_SCRAPES_PER_WINDOW)
    throw new Error(`a rate window needs at least ${MIN_SCRAPES_PER_WINDOW} scrapes, got ${scrapes}`);
  const seconds = scrapes * scrapeIntervalSeconds;
  return { scrapes, seconds, duration: promDuration(seconds) };
}

/**
 * The vLLM Service and ScaledObject name (charts/vllm APP_NAME), so the Prometheus job of its
 * ServiceMonitor; the Compose bundle names its scrape job the same.
 */
const VLLM_NAME = "vllm";
/**
 * The HPA KEDA creates for a ScaledObject is `keda-hpa-<ScaledObject name>` (kedacore/keda
 * controllers/keda/hpa.go getHPAName, commit 8b4f083, v2.20.x).
 */
const VLLM_HPA = `keda-hpa-${VLLM_NAME}`;
/** `vllm-bench run --pushgateway-url` pushes under this job (bench/client/outputs.ts). */
const BENCH_JOB = "vllm-bench";
/** `vllm-bench plan --pushgateway-url` pushes under this job (bench/plan/plan.ts pushPlan). */
const BENCH_PLAN_JOB = "vllm-bench-plan";
/**
 * kube-state-metrics' `resource` label for `nvidia.com/gpu`: it sanitises the resource name into a
 * label value (`kube_pod_container_resource_requests`, `kube_node_status_capacity`).
 */
const GPU_RESOURCE = "nvidia_com_gpu";

/** The whole config for a scrape interval (the shipped one is `monitoringConfig`, 15 s). */
export function monitoringConfigFor(scrapeIntervalSeconds: number) {
  return {
    /** How often Prometheus scrapes vLLM and dcgm-exporter (ServiceMonitor `interval`, Compose `scrape_interval`). */
    scrapeIntervalSeconds,
    scrapeInterval: promDuration(scrapeIntervalSeconds),
    /** Rule evaluation, once per scrape (the Compose Prometheus' `evaluation_interval`). */
    evaluationInterval: promDuration(scrapeIntervalSeconds),
    /**
     * Recording rules, alerts and dashboards: 20 scrapes (5 minutes at 15 s), long enough to hold
     * a P99 of bursty LLM traffic steady, short enough for an alert to follow within minutes.
     */
    rateWindow: rateWindow(scrapeIntervalSeconds, 20),
    /**
     * The autoscaler trigger's request rate (KEDA's Prometheus trigger): 8 scrapes (2 minutes at 15 s), shorter than
     * the rules' window so the HPA reacts within a couple of minutes; its stabilisation smooths the rest.
     */
    triggerRateWindow: rateWindow(scrapeIntervalSeconds, 8),

    /** Scrape job of the vLLM servers: the Service name in the cluster, the job name in Compose. */
    vllmJob: VLLM_NAME,
    /**
     * vLLM's scrape jobs: any job naming `vllm` (a prefix or suffix is allowed for several
     * deployments) except the benchmark's Pushgateway job.
     */
    vllmSelector: `job=~".*${VLLM_NAME}.*", job!="${BENCH_JOB}"`,
    /** OpenAI API calls only: health checks and metrics scrapes are not traffic. */
    apiHandlerSelector: `handler=~"/v1/.*"`,
    benchJob: BENCH_JOB,
    benchSelector: `job="${BENCH_JOB}"`,
    benchPlanJob: BENCH_PLAN_JOB,
    benchPlanSelector: `job="${BENCH_PLAN_JOB}"`,
    /** The vLLM HPA KEDA owns (kube-state-metrics' `horizontalpodautoscaler` label). */
    vllmHpa: VLLM_HPA,
    /** The vLLM HPAs, by name: KEDA's, with a prefix or suffix allowed for several deployments. */
    hpaSelector: `horizontalpodautoscaler=~"${VLLM_HPA}.*"`,
    /** The vLLM ScaledObjects, by name (KEDA's own metrics' `scaledObject` label). */
    scaledObjectSelector: `scaledObject=~"${VLLM_NAME}.*"`,
    gpuResource: GPU_RESOURCE,
    gpuResourceSelector: `resource="${GPU_RESOURCE}"`,
  } as const;
}

export type MonitoringConfig = ReturnType<typeof monitoringConfigFor>;

/** The config every rule, alert, dashboard and autoscaler query of this repository is built with. */
export const monitoringConfig: MonitoringConfig = monitoringConfigFor(15);
