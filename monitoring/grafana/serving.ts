// vLLM serving dashboard: traffic, latency, throughput, scheduler and cache health, per model and pod.
import { VLLM_METRICS } from "../catalog";
import { monitoringConfig as cfg } from "../config";
import { selector } from "../promql";
import { REC } from "../recorded";
import type { AlertThresholds } from "../thresholds";
import {
  bucketHeatmap,
  dashboard,
  MODEL_FILTER,
  NAMESPACE_FILTER,
  POD_FILTER,
  row,
  statPanel,
  timeSeries,
  variables,
  type Query,
} from "./common";

const m = (record: string) => selector(record, MODEL_FILTER);
const p = (record: string) => selector(record, POD_FILTER);
const n = (record: string) => selector(record, NAMESPACE_FILTER);
const sumM = (record: string) => `sum(${m(record)})`;
const BY_MODEL = "{{namespace}}/{{model_name}}";
/** The recording rules' rate window, named in titles. */
const W = cfg.rateWindow.duration;

type Latency = (typeof REC.latency)[keyof typeof REC.latency];
function percentiles(l: Latency): Query[] {
  return [
    { expr: m(l.p50.record), legend: "P50 {{model_name}}" },
    { expr: m(l.p90.record), legend: "P90 {{model_name}}" },
    { expr: m(l.p95.record), legend: "P95 {{model_name}}" },
    { expr: m(l.p99.record), legend: "P99 {{model_name}}" },
    { expr: m(l.mean.record), legend: "mean {{model_name}}" },
  ];
}

/** A latency histogram's percentiles and mean, in seconds, with its P95 alert threshold as a red line when it has one. */
function latencyPanel(title: string, l: Latency, alertAt?: number, description?: string) {
  return timeSeries(title, percentiles(l), {
    unit: "s",
    ...(alertAt === undefined ? {} : { thresholds: [{ value: alertAt, color: "red" }] }),
    ...(description === undefined ? {} : { description }),
  });
}

export function servingDashboard(t: AlertThresholds) {
  const L = REC.latency;
  const S = REC.scheduler;
  const d = variables(
    dashboard(
      "vllm-serving",
      "vLLM / Serving",
      "Traffic, latency, throughput and scheduler health of vLLM, per model and pod.",
    ),
    { model: true, pod: true },
  );

  d.withRow(row("Now"))
    .withPanel(
      statPanel(
        "Requests (time range)",
        {
          expr: `sum(increase(${selector(VLLM_METRICS.requestSuccess.name, MODEL_FILTER)}[$__range]))`,
          legend: "requests",
          instant: true,
        },
        { unit: "short", span: 4, description: "Finished requests in the selected time range." },
      ),
    )
    .withPanel(statPanel("Request rate", { expr: sumM(REC.requests.model.record), legend: "req/s" }, { unit: "reqps" }))
    .withPanel(
      statPanel(
        `Mean TTFT (${W})`,
        { expr: `max(${m(L.ttft.mean.record)})`, legend: "TTFT" },
        {
          unit: "s",
          thresholds: [{ value: t.ttftP95Seconds, color: "red" }],
        },
      ),
    )
    .withPanel(
      statPanel(
        `Output tokens/s (${W})`,
        { expr: sumM(REC.tokens.generationModel.record), legend: "tok/s" },
        {
          unit: "short",
        },
      ),
    )
    .withPanel(statPanel("Running requests", { expr: sumM(S.running.record), legend: "running" }, { unit: "short" }))
    .withPanel(
      statPanel(
        "Waiting requests",
        { expr: sumM(S.waiting.record), legend: "waiting" },
        { unit: "short", thresholds: [{ value: t.requestsWaiting, color: "red" }] },
      ),
    );

  d.withRow(row("Traffic"))
    .withPanel(
      timeSeries("Request rate by model", [{ expr: m(REC.requests.model.record), legend: BY_MODEL }], {
        unit: "reqps",
        span: 12,
        description: `Finished requests per second (${cfg.rateWindow.seconds / 60}-minute rate).`,
      }),
    )
    .withPanel(
      timeSeries("Request rate by pod", [{ expr: p(REC.requests.pod.record), legend: "{{pod}}" }], {
        unit: "reqps",
        span: 12,
        description: "What the HPA's per-pod metric follows.",
      }),
    )
    .withPanel(
      timeSeries(
        "Finish reasons",
        [{ expr: m(REC.requests.byReason.record), legend: "{{finished_reason}} {{model_name}}" }],
        {
          unit: "reqps",
          stack: true,
          description:
            "stop: end of sequence; length: hit max_tokens; abort: the client went away; error: the engine failed the request; repetition: stopped by vLLM's repetition detector. Only stop, length and repetition feed the HPA.",
        },
      ),
    )
    .withPanel(
      timeSeries("API responses by status", [{ expr: n(REC.http.byStatus.record), legend: "{{status}}" }], {
        unit: "reqps",
        stack: true,
        description: "OpenAI API calls by HTTP status class.",
      }),
    )
    .withPanel(
      timeSeries("API error ratio (5xx)", [{ expr: n(REC.http.errorRatio.record), legend: "{{namespace}}" }], {
        unit: "percentunit",
        min: 0,
        thresholds: [{ value: t.errorRatio, color: "red" }],
      }),
    )
    .withPanel(
      timeSeries(
        "Requests per pod by status",
        [
          {
            expr: selector(REC.http.byPodStatus.record, `${NAMESPACE_FILTER}, pod=~"$pod"`),
            legend: "{{pod}} {{status}}",
          },
        ],
        { unit: "reqps" },
      ),
    );

  d.withRow(row("Latency"))
    .withPanel(
      latencyPanel(
        "E2E request latency",
        L.e2e,
        t.e2eLatencyP95Seconds,
        "Arrival to last token. The dashed line is the E2E P95 alert threshold.",
      ),
    )
    .withPanel(latencyPanel("Time to first token", L.ttft, t.ttftP95Seconds))
    .withPanel(
      latencyPanel(
        "Inter-token latency",
        L.itl,
        t.interTokenLatencyP95Seconds,
        "Gap between consecutive streamed tokens.",
      ),
    )
    .withPanel(
      latencyPanel(
        "Time per output token (per request)",
        L.tpot,
        undefined,
        "Each request's mean decode time per token (excluding the first).",
      ),
    )
    .withPanel(latencyPanel("Queue time", L.queue, t.queueTimeP95Seconds))
    .withPanel(
      timeSeries(
        "Prefill vs decode time",
        [
          { expr: m(L.prefill.mean.record), legend: "prefill mean {{model_name}}" },
          { expr: m(L.prefill.p95.record), legend: "prefill P95 {{model_name}}" },
          { expr: m(L.decode.mean.record), legend: "decode mean {{model_name}}" },
          { expr: m(L.decode.p95.record), legend: "decode P95 {{model_name}}" },
        ],
        { unit: "s" },
      ),
    );

  d.withRow(row("Throughput"))
    .withPanel(
      timeSeries(
        "Token throughput",
        [
          { expr: m(REC.tokens.generationModel.record), legend: "output {{model_name}}" },
          {
            expr: `${m(REC.tokens.promptModel.record)} + ${m(REC.tokens.generationModel.record)}`,
            legend: "total {{model_name}}",
          },
          { expr: m(REC.tokens.promptModel.record), legend: "prompt {{model_name}}" },
        ],
        { unit: "short", description: "Tokens per second." },
      ),
    )
    .withPanel(
      timeSeries("Output tokens/s by pod", [{ expr: p(REC.tokens.generationPod.record), legend: "{{pod}}" }], {
        unit: "short",
      }),
    )
    .withPanel(bucketHeatmap("Prompt length", m(REC.length.prompt.bucket.record), { unit: "short", span: 8 }))
    .withPanel(bucketHeatmap("Generation length", m(REC.length.generation.bucket.record), { unit: "short", span: 8 }))
    .withPanel(
      bucketHeatmap("max_tokens parameter", m(REC.length.maxTokens.bucket.record), { unit: "short", span: 8 }),
    );

  d.withRow(row("Scheduler and cache"))
    .withPanel(
      timeSeries(
        "Running and waiting by pod",
        [
          { expr: p(S.runningPod.record), legend: "running {{pod}}" },
          { expr: p(S.waitingPod.record), legend: "waiting {{pod}}" },
        ],
        { unit: "short" },
      ),
    )
    .withPanel(
      timeSeries("KV-cache usage by pod", [{ expr: p(S.kvCachePod.record), legend: "{{pod}}" }], {
        unit: "percentunit",
        min: 0,
        max: 1,
        thresholds: [{ value: t.kvCacheUsageRatio, color: "red" }],
      }),
    )
    .withPanel(
      timeSeries("Preemptions", [{ expr: m(S.preemptions.record), legend: "{{model_name}}" }], {
        unit: "short",
        thresholds: [{ value: t.preemptionsPerSecond, color: "red" }],
        description: "Requests preempted per second for lack of KV cache.",
      }),
    )
    .withPanel(
      timeSeries("Prefix-cache hit rate", [{ expr: m(S.prefixCacheHitRatio.record), legend: "{{model_name}}" }], {
        unit: "percentunit",
        min: 0,
        max: 1,
        description: "Share of queried prompt tokens found in the prefix cache.",
      }),
    );

  d.withRow(row("Per pod"))
    .withPanel(
      timeSeries("E2E latency P95 by pod", [{ expr: p(L.e2e.podP95!.record), legend: "{{pod}}" }], {
        unit: "s",
        span: 8,
        thresholds: [{ value: t.e2eLatencyP95Seconds, color: "red" }],
      }),
    )
    .withPanel(
      timeSeries("TTFT P95 by pod", [{ expr: p(L.ttft.podP95!.record), legend: "{{pod}}" }], {
        unit: "s",
        span: 8,
        thresholds: [{ value: t.ttftP95Seconds, color: "red" }],
      }),
    )
    .withPanel(
      timeSeries("Inter-token latency P95 by pod", [{ expr: p(L.itl.podP95!.record), legend: "{{pod}}" }], {
        unit: "s",
        span: 8,
        thresholds: [{ value: t.interTokenLatencyP95Seconds, color: "red" }],
      }),
    );
  return d.build();
}
