// Alert rules. Each reads a recorded series (recorded.ts) or a cheap raw selector, carries a
// severity and links its runbook section (docs/runbooks.md, one `## <AlertName>` per alert).
import { BENCH_METRICS, DCGM_METRICS, KEDA_METRICS, KSM_METRICS, PROMETHEUS_METRICS } from "./catalog";
import { monitoringConfig as cfg } from "./config";
import { selector } from "./promql";
import { REC } from "./recorded";
import type { AlertThresholds } from "./thresholds";

export type Severity = "critical" | "warning" | "info";
export type AlertGroup = "vllm" | "gpu" | "capacity" | "benchmark";

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: Severity };
  annotations: { summary: string; description: string; runbook_url: string };
}

interface AlertDef {
  group: AlertGroup;
  alert: string;
  severity: Severity;
  expr: string;
  for?: string;
  summary: string;
  description: string;
}

const where = "{{ $labels.namespace }}/{{ $labels.model_name }}";
const fmt = (unit: "s" | "%" | "") =>
  unit === "s"
    ? "{{ $value | humanizeDuration }}"
    : unit === "%"
      ? "{{ $value | humanizePercentage }}"
      : "{{ $value | humanize }}";

function definitions(t: AlertThresholds): AlertDef[] {
  const L = REC.latency;
  return [
    {
      group: "vllm",
      alert: "VllmTargetDown",
      severity: "critical",
      for: "5m",
      expr: `${selector(PROMETHEUS_METRICS.up.name, cfg.vllmSelector)} == 0`,
      summary: "vLLM target {{ $labels.namespace }}/{{ $labels.pod }} is down",
      description:
        "Prometheus has failed to scrape {{ $labels.instance }} (job {{ $labels.job }}) for 5 minutes: the vLLM server is not answering /metrics.",
    },
    {
      group: "vllm",
      alert: "VllmNoTargets",
      severity: "critical",
      for: "10m",
      expr: `absent(${selector(PROMETHEUS_METRICS.up.name, cfg.vllmSelector)})`,
      summary: "Prometheus has no vLLM targets",
      description:
        "No scrape target matches a vLLM job for 10 minutes: the ServiceMonitor is not selected, the Service has no endpoints, or vLLM is not deployed.",
    },
    {
      group: "vllm",
      alert: "VllmHighE2ELatency",
      severity: "warning",
      for: "10m",
      expr: `${L.e2e.p95.record} > ${t.e2eLatencyP95Seconds}`,
      summary: `E2E latency P95 of ${where} is ${fmt("s")}`,
      description: `End-to-end request latency P95 has been above ${t.e2eLatencyP95Seconds}s for 10 minutes.`,
    },
    {
      group: "vllm",
      alert: "VllmHighTTFT",
      severity: "warning",
      for: "10m",
      expr: `${L.ttft.p95.record} > ${t.ttftP95Seconds}`,
      summary: `Time to first token P95 of ${where} is ${fmt("s")}`,
      description: `TTFT P95 has been above ${t.ttftP95Seconds}s for 10 minutes: requests queue or prefill is slow.`,
    },
    {
      group: "vllm",
      alert: "VllmHighInterTokenLatency",
      severity: "warning",
      for: "10m",
      expr: `${L.itl.p95.record} > ${t.interTokenLatencyP95Seconds}`,
      summary: `Inter-token latency P95 of ${where} is ${fmt("s")}`,
      description: `The gap between streamed tokens has had a P95 above ${t.interTokenLatencyP95Seconds}s for 10 minutes: the decode batch is too large for this GPU.`,
    },
    {
      group: "vllm",
      alert: "VllmHighErrorRate",
      severity: "critical",
      for: "5m",
      expr: `${REC.http.errorRatio.record} > ${t.errorRatio}`,
      summary: `${fmt("%")} of vLLM API requests in {{ $labels.namespace }} fail with 5xx`,
      description: `More than ${t.errorRatio * 100}% of OpenAI API requests have been answered with a server error for 5 minutes.`,
    },
    {
      group: "vllm",
      alert: "VllmRequestsQueued",
      severity: "warning",
      for: "10m",
      expr: `${REC.scheduler.waiting.record} > ${t.requestsWaiting}`,
      summary: `${fmt("")} requests waiting for ${where}`,
      description: `More than ${t.requestsWaiting} requests have been waiting for a batch slot for 10 minutes: the service needs more replicas or a larger max-num-seqs.`,
    },
    {
      group: "vllm",
      alert: "VllmHighQueueTime",
      severity: "warning",
      for: "10m",
      expr: `${L.queue.p95.record} > ${t.queueTimeP95Seconds}`,
      summary: `Queue time P95 of ${where} is ${fmt("s")}`,
      description: `Requests have waited more than ${t.queueTimeP95Seconds}s (P95) before being scheduled for 10 minutes.`,
    },
    {
      group: "vllm",
      alert: "VllmKvCacheNearFull",
      severity: "warning",
      for: "10m",
      expr: `${REC.scheduler.kvCachePod.record} > ${t.kvCacheUsageRatio}`,
      summary: `KV cache of {{ $labels.namespace }}/{{ $labels.pod }} is ${fmt("%")} full`,
      description: `KV-cache usage has been above ${t.kvCacheUsageRatio * 100}% for 10 minutes; preemptions and queueing follow.`,
    },
    {
      group: "vllm",
      alert: "VllmPreemptions",
      severity: "warning",
      for: "10m",
      expr: `${REC.scheduler.preemptions.record} > ${t.preemptionsPerSecond}`,
      summary: `${where} preempts ${fmt("")} requests per second`,
      description: `vLLM has preempted more than ${t.preemptionsPerSecond} requests per second for 10 minutes because the KV cache ran out; preempted requests are recomputed, wasting GPU time.`,
    },
    {
      group: "gpu",
      alert: "GpuUtilizationSaturated",
      severity: "warning",
      for: "30m",
      expr: `${DCGM_METRICS.utilization.name} > ${t.gpuUtilizationPercent}`,
      summary: "GPU {{ $labels.gpu }} on {{ $labels.Hostname }}{{ $labels.hostname }} is {{ $value }}% busy",
      description: `GPU utilisation has been above ${t.gpuUtilizationPercent}% for 30 minutes (pod {{ $labels.namespace }}/{{ $labels.pod }}): no headroom for bursts.`,
    },
    {
      group: "gpu",
      alert: "GpuMemoryNearFull",
      severity: "warning",
      for: "15m",
      expr: `${REC.gpu.memUsedRatio.record} > ${t.gpuMemoryUsageRatio}`,
      summary: `GPU {{ $labels.gpu }} on {{ $labels.Hostname }}{{ $labels.hostname }} memory is ${fmt("%")} used`,
      description: `Framebuffer use has been above ${t.gpuMemoryUsageRatio * 100}% for 15 minutes (pod {{ $labels.namespace }}/{{ $labels.pod }}).`,
    },
    {
      group: "gpu",
      alert: "GpuTemperatureHigh",
      severity: "warning",
      for: "10m",
      expr: `${DCGM_METRICS.temperature.name} > ${t.gpuTemperatureCelsius}`,
      summary: "GPU {{ $labels.gpu }} on {{ $labels.Hostname }}{{ $labels.hostname }} is at {{ $value }}C",
      description: `GPU temperature has been above ${t.gpuTemperatureCelsius}C for 10 minutes; the GPU will throttle clocks.`,
    },
    {
      group: "gpu",
      alert: "GpuXidError",
      severity: "critical",
      expr: `${DCGM_METRICS.xid.name} > 0`,
      summary: "GPU {{ $labels.gpu }} on {{ $labels.Hostname }}{{ $labels.hostname }} reported XID {{ $value }}",
      description:
        "The NVIDIA driver reported an XID error on this GPU (pod {{ $labels.namespace }}/{{ $labels.pod }}); some XIDs mean the GPU must be reset or the node replaced.",
    },
    {
      group: "capacity",
      alert: "VllmHpaAtMaxReplicas",
      severity: "warning",
      for: "15m",
      expr:
        `${selector(KSM_METRICS.hpaCurrent.name, cfg.hpaSelector)}` +
        ` >= on (namespace, horizontalpodautoscaler) ${KSM_METRICS.hpaMax.name}`,
      summary:
        "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has been at max replicas for 15 minutes",
      description:
        "The request-rate autoscaler cannot add pods: raise autoscaling.maxReplicas (and gpuNodes.maxSize) or expect queueing.",
    },
    {
      group: "capacity",
      alert: "VllmAutoscalerErrors",
      severity: "warning",
      for: "10m",
      expr: `sum by (exported_namespace, scaledObject) (increase(${selector(KEDA_METRICS.scaledObjectErrors.name, cfg.scaledObjectSelector)}[${cfg.rateWindow.duration}])) > 0`,
      summary: "KEDA cannot evaluate ScaledObject {{ $labels.exported_namespace }}/{{ $labels.scaledObject }}",
      description:
        "KEDA's scaler for the vLLM autoscaler has failed for 10 minutes (usually: it cannot query Prometheus). Its fallback holds the current replica count, so the service neither scales out under load nor back down until the trigger answers again.",
    },
    {
      group: "capacity",
      alert: "GpuPodsPending",
      severity: "warning",
      for: `${t.gpuPodPendingMinutes}m`,
      expr: `${REC.capacity.gpuPodsPending.record} == 1`,
      summary: "GPU pod {{ $labels.namespace }}/{{ $labels.pod }} has been Pending too long",
      description: `A pod requesting GPUs has been Pending for ${t.gpuPodPendingMinutes} minutes, longer than a GPU node takes to join: the GPU node group is at its max, the instance type is out of capacity, or scheduling constraints do not match.`,
    },
    {
      group: "capacity",
      alert: "VllmCapacityLow",
      severity: "info",
      for: "30m",
      expr: `avg by (namespace, model_name) (${REC.requests.pod.record}) > ${t.requestsPerSecondPerPod}`,
      summary: `${where} serves ${fmt("")} requests per second per pod`,
      description: `Each vLLM pod has finished more than ${t.requestsPerSecondPerPod} requests per second for 30 minutes: plan more capacity (max replicas, GPU node group max) before latency suffers.`,
    },
    {
      group: "benchmark",
      alert: "VllmBenchmarkThresholdFailed",
      severity: "warning",
      expr: `${selector(BENCH_METRICS.thresholdPassed.name, cfg.benchSelector)} == 0`,
      summary: "Benchmark scenario {{ $labels.scenario }} failed threshold {{ $labels.threshold }}",
      description:
        "The last pushed benchmark run {{ $labels.run_id }} did not meet its threshold; see the Benchmarks dashboard and the run's results.json.",
    },
  ];
}

export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

export function alertRules(t: AlertThresholds): Array<AlertRule & { group: AlertGroup }> {
  return definitions(t).map((d) => ({
    group: d.group,
    alert: d.alert,
    expr: d.expr,
    ...(d.for ? { for: d.for } : {}),
    labels: { severity: d.severity },
    annotations: {
      summary: d.summary,
      description: d.description,
      runbook_url: `${t.runbookBaseUrl}#${runbookAnchor(d.alert)}`,
    },
  }));
}
