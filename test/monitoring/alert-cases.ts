// promtool unit-test cases for every alert: one input that fires after the alert's `for`, one
// that stays quiet below its threshold. Inputs are raw exporter series (vLLM histograms with
// vLLM's buckets from the fixture), so each case runs the recording rules too.
import * as fs from "node:fs";
import { defaultAlertThresholds as T } from "../../monitoring/thresholds";

const fixture = JSON.parse(fs.readFileSync(new URL("../fixtures/vllm-metrics.json", import.meta.url), "utf8"))
  .metrics as Record<string, { buckets?: number[] }>;

export interface InputSeries {
  series: string;
  values: string;
}
export interface AlertCase {
  alert: string;
  name: string;
  fires: boolean;
  input: InputSeries[];
  /** Minutes after the start to evaluate; for firing cases, also checked quiet before the `for` elapses. */
  evalMinutes: number;
  /** Labels the firing alert carries (besides alertname and severity). */
  labels?: Record<string, string>;
  /** The alert's `for`, in minutes: a firing case also asserts nothing fires at the first minute. */
  forMinutes?: number;
}

const MINUTES = 60;
const fmt = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;
const VLLM = { namespace: "llm", pod: "vllm-0", model_name: "m", engine: "0", job: "vllm", instance: "10.0.0.1:8000" };
const GPU = {
  gpu: "0",
  UUID: "GPU-1",
  modelName: "NVIDIA L4",
  hostname: "ip-10-0-1-5",
  namespace: "llm",
  pod: "vllm-0",
  container: "vllm",
  job: "dcgm-exporter",
  instance: "10.0.1.5:9400",
};

const counter = (name: string, labels: Record<string, string>, perMinute: number): InputSeries => ({
  series: name + fmt(labels),
  values: `0+${perMinute}x${MINUTES}`,
});
const gauge = (name: string, labels: Record<string, string>, value: number): InputSeries => ({
  series: name + fmt(labels),
  values: `${value}x${MINUTES}`,
});

/** A vLLM histogram where every request takes `seconds`, at `perMinute` requests a minute. */
function histogram(
  name: string,
  seconds: number,
  perMinute = 60,
  labels: Record<string, string> = VLLM,
  bucketsOf = name,
): InputSeries[] {
  const buckets = fixture[bucketsOf]?.buckets;
  if (!Array.isArray(buckets)) throw new Error(`no buckets for ${bucketsOf} in the fixture`);
  return [
    ...[...buckets.map(String), "+Inf"].map((le) =>
      counter(`${name}_bucket`, { ...labels, le }, le === "+Inf" || Number(le) >= seconds ? perMinute : 0),
    ),
    counter(`${name}_sum`, labels, perMinute * seconds),
    counter(`${name}_count`, labels, perMinute),
  ];
}

const model = { namespace: "llm", model_name: "m" };
const podLevel = { namespace: "llm", pod: "vllm-0", model_name: "m" };

function latency(alert: string, metric: string, bad: number, good: number): AlertCase[] {
  return [
    {
      alert,
      name: `${alert} fires at ${bad}s`,
      fires: true,
      input: histogram(metric, bad),
      evalMinutes: 20,
      forMinutes: 10,
      labels: model,
    },
    { alert, name: `${alert} quiet at ${good}s`, fires: false, input: histogram(metric, good), evalMinutes: 20 },
  ];
}

export function alertCases(): AlertCase[] {
  const hpa = {
    namespace: "llm",
    horizontalpodautoscaler: "keda-hpa-vllm",
    job: "kube-state-metrics",
    instance: "ksm:8080",
  };
  // KEDA's operator metrics as Prometheus stores them: the ScaledObject's namespace moved to exported_namespace.
  const keda = { namespace: "monitoring", exported_namespace: "llm", scaledObject: "vllm", job: "keda-operator" };
  const pending = { namespace: "llm", pod: "vllm-1", job: "kube-state-metrics", instance: "ksm:8080" };
  const bench = {
    job: "vllm-bench",
    run_id: "r1",
    scenario: "smoke",
    threshold: "ttft_p95_ms",
    instance: "pushgateway:9091",
  };
  const http = (status: string, perMinute: number) =>
    counter("http_requests_total", { ...VLLM, handler: "/v1/chat/completions", method: "POST", status }, perMinute);
  return [
    {
      alert: "VllmTargetDown",
      name: "down target fires",
      fires: true,
      input: [gauge("up", VLLM, 0)],
      evalMinutes: 10,
      forMinutes: 5,
      labels: VLLM,
    },
    { alert: "VllmTargetDown", name: "up target quiet", fires: false, input: [gauge("up", VLLM, 1)], evalMinutes: 10 },
    {
      alert: "VllmNoTargets",
      name: "no vLLM job fires",
      fires: true,
      input: [
        gauge("up", { job: "other", instance: "x:1" }, 1),
        gauge("up", { job: "vllm-bench", instance: "pg:9091" }, 1),
      ],
      evalMinutes: 15,
      forMinutes: 10,
      labels: {},
    },
    {
      alert: "VllmNoTargets",
      name: "a vLLM target quiet",
      fires: false,
      input: [gauge("up", VLLM, 1)],
      evalMinutes: 15,
    },
    ...latency("VllmHighE2ELatency", "vllm:e2e_request_latency_seconds", 5, 0.5),
    ...latency("VllmHighTTFT", "vllm:time_to_first_token_seconds", 2.5, 0.1),
    ...latency("VllmHighInterTokenLatency", "vllm:inter_token_latency_seconds", 0.3, 0.02),
    // Retired old name (vLLM <= 0.12, far behind the pinned image; catalog.ts RETIRED_OLD_NAMES): no longer queried.
    {
      alert: "VllmHighInterTokenLatency",
      name: "quiet on the retired vllm:time_per_output_token_seconds",
      fires: false,
      evalMinutes: 20,
      input: histogram("vllm:time_per_output_token_seconds", 0.3, 60, VLLM, "vllm:inter_token_latency_seconds"),
    },
    ...latency("VllmHighQueueTime", "vllm:request_queue_time_seconds", 5, 0.5),
    {
      alert: "VllmHighErrorRate",
      name: "a third of calls fail",
      fires: true,
      input: [http("5xx", 30), http("2xx", 60)],
      evalMinutes: 15,
      forMinutes: 5,
      labels: { namespace: "llm" },
    },
    {
      alert: "VllmHighErrorRate",
      name: "1% of calls fail",
      fires: false,
      input: [http("5xx", 1), http("2xx", 99)],
      evalMinutes: 15,
    },
    {
      alert: "VllmRequestsQueued",
      name: "20 waiting",
      fires: true,
      input: [gauge("vllm:num_requests_waiting", VLLM, 20)],
      evalMinutes: 15,
      forMinutes: 10,
      labels: model,
    },
    {
      alert: "VllmRequestsQueued",
      name: "5 waiting",
      fires: false,
      input: [gauge("vllm:num_requests_waiting", VLLM, 5)],
      evalMinutes: 15,
    },
    {
      alert: "VllmKvCacheNearFull",
      name: "95% used",
      fires: true,
      input: [gauge("vllm:kv_cache_usage_perc", VLLM, 0.95)],
      evalMinutes: 15,
      forMinutes: 10,
      labels: podLevel,
    },
    {
      alert: "VllmKvCacheNearFull",
      name: "quiet under the retired gpu_cache name (vLLM <= 0.10)",
      fires: false,
      input: [gauge("vllm:gpu_cache_usage_perc", VLLM, 0.95)],
      evalMinutes: 15,
    },
    {
      alert: "VllmKvCacheNearFull",
      name: "50% used",
      fires: false,
      input: [gauge("vllm:kv_cache_usage_perc", VLLM, 0.5)],
      evalMinutes: 15,
    },
    {
      alert: "VllmPreemptions",
      name: "0.5 preemptions/s",
      fires: true,
      input: [counter("vllm:num_preemptions_total", VLLM, 30)],
      evalMinutes: 20,
      forMinutes: 10,
      labels: model,
    },
    {
      alert: "VllmPreemptions",
      name: "one a minute",
      fires: false,
      input: [counter("vllm:num_preemptions_total", VLLM, 1)],
      evalMinutes: 20,
    },
    {
      alert: "GpuUtilizationSaturated",
      name: "99% for 35m",
      fires: true,
      input: [gauge("DCGM_FI_DEV_GPU_UTIL", GPU, 99)],
      evalMinutes: 35,
      forMinutes: 30,
      labels: GPU,
    },
    {
      alert: "GpuUtilizationSaturated",
      name: "80%",
      fires: false,
      input: [gauge("DCGM_FI_DEV_GPU_UTIL", GPU, 80)],
      evalMinutes: 35,
    },
    {
      alert: "GpuMemoryNearFull",
      name: "98.7% used",
      fires: true,
      input: [gauge("DCGM_FI_DEV_FB_USED", GPU, 78000), gauge("DCGM_FI_DEV_FB_FREE", GPU, 1000)],
      evalMinutes: 20,
      forMinutes: 15,
      labels: GPU,
    },
    {
      alert: "GpuMemoryNearFull",
      name: "vLLM's usual 90% reservation",
      fires: false,
      input: [gauge("DCGM_FI_DEV_FB_USED", GPU, 72000), gauge("DCGM_FI_DEV_FB_FREE", GPU, 8000)],
      evalMinutes: 20,
    },
    {
      alert: "GpuTemperatureHigh",
      name: "90C",
      fires: true,
      input: [gauge("DCGM_FI_DEV_GPU_TEMP", GPU, 90)],
      evalMinutes: 15,
      forMinutes: 10,
      labels: GPU,
    },
    {
      alert: "GpuTemperatureHigh",
      name: "70C",
      fires: false,
      input: [gauge("DCGM_FI_DEV_GPU_TEMP", GPU, 70)],
      evalMinutes: 15,
    },
    {
      alert: "GpuXidError",
      name: "XID 79",
      fires: true,
      input: [gauge("DCGM_FI_DEV_XID_ERRORS", GPU, 79)],
      evalMinutes: 1,
      labels: GPU,
    },
    {
      alert: "GpuXidError",
      name: "no XID",
      fires: false,
      input: [gauge("DCGM_FI_DEV_XID_ERRORS", GPU, 0)],
      evalMinutes: 1,
    },
    {
      alert: "VllmHpaAtMaxReplicas",
      name: "4 of 4",
      fires: true,
      evalMinutes: 20,
      forMinutes: 15,
      labels: { namespace: "llm", horizontalpodautoscaler: "keda-hpa-vllm" },
      input: [
        gauge("kube_horizontalpodautoscaler_status_current_replicas", hpa, 4),
        gauge("kube_horizontalpodautoscaler_spec_max_replicas", hpa, 4),
      ],
    },
    {
      alert: "VllmAutoscalerErrors",
      name: "KEDA cannot query Prometheus",
      fires: true,
      evalMinutes: 20,
      forMinutes: 10,
      labels: { exported_namespace: "llm", scaledObject: "vllm" },
      input: [counter("keda_scaled_object_errors_total", keda, 2)],
    },
    {
      alert: "VllmAutoscalerErrors",
      name: "no scaler errors",
      fires: false,
      evalMinutes: 20,
      input: [counter("keda_scaled_object_errors_total", keda, 0)],
    },
    {
      alert: "VllmHpaAtMaxReplicas",
      name: "2 of 4",
      fires: false,
      evalMinutes: 20,
      input: [
        gauge("kube_horizontalpodautoscaler_status_current_replicas", hpa, 2),
        gauge("kube_horizontalpodautoscaler_spec_max_replicas", hpa, 4),
      ],
    },
    {
      alert: "GpuPodsPending",
      name: "GPU pod pending",
      fires: true,
      evalMinutes: T.gpuPodPendingMinutes + 5,
      forMinutes: T.gpuPodPendingMinutes,
      labels: { namespace: "llm", pod: "vllm-1" },
      input: [
        gauge("kube_pod_status_phase", { ...pending, phase: "Pending" }, 1),
        gauge(
          "kube_pod_container_resource_requests",
          { ...pending, container: "vllm", node: "", resource: "nvidia_com_gpu", unit: "integer" },
          1,
        ),
      ],
    },
    {
      alert: "GpuPodsPending",
      name: "a CPU pod pending",
      fires: false,
      evalMinutes: T.gpuPodPendingMinutes + 5,
      input: [
        gauge("kube_pod_status_phase", { ...pending, phase: "Pending" }, 1),
        gauge(
          "kube_pod_container_resource_requests",
          { ...pending, container: "vllm", node: "", resource: "cpu", unit: "core" },
          4,
        ),
      ],
    },
    {
      alert: "VllmCapacityLow",
      name: "30 req/s per pod",
      fires: true,
      input: [counter("vllm:request_success_total", { ...VLLM, finished_reason: "stop" }, 1800)],
      evalMinutes: 40,
      forMinutes: 30,
      labels: model,
    },
    {
      alert: "VllmCapacityLow",
      name: "10 req/s per pod",
      fires: false,
      input: [counter("vllm:request_success_total", { ...VLLM, finished_reason: "stop" }, 600)],
      evalMinutes: 40,
    },
    {
      alert: "VllmBenchmarkThresholdFailed",
      name: "a failed threshold",
      fires: true,
      input: [gauge("vllm_bench_threshold_passed", bench, 0)],
      evalMinutes: 1,
      labels: bench,
    },
    {
      alert: "VllmBenchmarkThresholdFailed",
      name: "a passed threshold",
      fires: false,
      input: [gauge("vllm_bench_threshold_passed", bench, 1)],
      evalMinutes: 1,
    },
  ];
}
