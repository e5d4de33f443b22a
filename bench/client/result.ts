// A scenario's result (aggregate() in ./stats.ts makes it; the console summary, the files, the
// Pushgateway push, the report, compare, the plan and the shard merge read it), as one schema: the
// type every reader uses comes from it, and so does the JSON Schema docs/benchmark.md publishes
// (./results-file.ts). Keys are vLLM's where vLLM has them (vllm-project/vllm,
// vllm/benchmarks/serve.py, `result_json`; commit def9ce85ba1079af970a58ed3d42dd861ae35d58).
import { z } from "zod";
import {
  LATENCY_METRICS,
  latencyKey,
  LATENCY_UNIT,
  percentileStat,
  perMetric,
  SUMMARY_STATS,
  type LatencyMetric,
  type LatencyStat,
  type SummaryStat,
} from "../contract";

const count = z.number().int().min(0);
/** A figure of the run: a number ≥ 0. */
export const figure = z.number().min(0);

type SummaryKey = `${SummaryStat}_${LatencyMetric}_${typeof LATENCY_UNIT}`;
// Object.fromEntries types its keys as string: the two builders below name them (the only casts).

/** `mean_ttft_ms`, `median_ttft_ms`, `std_ttft_ms`, … for every latency metric, each holding `value`. */
function summaryFigureShape<T extends z.ZodType>(value: T) {
  return Object.fromEntries(
    LATENCY_METRICS.flatMap((m) => SUMMARY_STATS.map((s) => [latencyKey(s, m), value])),
  ) as Record<SummaryKey, T>;
}

/** Every metric's figures in vLLM's order: mean, median, std, then each percentile, metric by metric. */
export function latencyFigures(
  percentiles: readonly number[],
  f: {
    mean: (m: LatencyMetric) => number;
    std: (m: LatencyMetric) => number;
    percentile: (m: LatencyMetric, p: number) => number;
  },
): Record<SummaryKey, number> & PercentileFigures {
  const stats: [LatencyStat, (m: LatencyMetric) => number][] = [
    ["mean", f.mean],
    ["median", (m) => f.percentile(m, 50)],
    ["std", f.std],
    ...percentiles.map((p): [LatencyStat, (m: LatencyMetric) => number] => [
      percentileStat(p),
      (m) => f.percentile(m, p),
    ]),
  ];
  return Object.fromEntries(
    LATENCY_METRICS.flatMap((m) => stats.map(([s, value]) => [latencyKey(s, m), value(m)])),
  ) as Record<SummaryKey, number> & PercentileFigures;
}

/** The percentile keys (`p95_ttft_ms`): any percentile the scenario file asks for (`defaults.metric_percentiles`). */
const percentileKey = z.templateLiteral(["p", z.number().min(0), "_", z.enum(LATENCY_METRICS), `_${LATENCY_UNIT}`]);
/** Percentile figures by key, other keys passed through: which percentiles a result has depends on its scenario file. */
const percentileFigures = z.looseRecord(percentileKey, figure);
type PercentileFigures = z.output<typeof percentileFigures>;

const nullableCount = count.nullable();
/** One second of a rate-profile run's load (the autoscaling rehearsal), from the per-request records. */
export const loadSecondSchema = z.strictObject({
  t: count.describe("seconds since the scenario started (bucket start)"),
  started: count,
  completed: count,
  failed: count,
  output_tokens: count,
  ttft_p50_ms: figure.nullable(),
  ttft_p95_ms: figure.nullable(),
  ttft_p99_ms: figure.nullable(),
  itl_p50_ms: figure.nullable(),
  itl_p95_ms: figure.nullable(),
  itl_p99_ms: figure.nullable(),
});
/** What the cluster did in that second, when a Prometheus was given (null where it had no value). */
export const clusterSecondSchema = z.strictObject({
  hpa_desired_replicas: nullableCount.optional(),
  hpa_current_replicas: nullableCount.optional(),
  gpu_pods_pending: nullableCount.optional(),
  gpu_nodes: nullableCount.optional(),
  /** The local rehearsal only (bench/fleet/local-fleet.ts): replicas serving, and what the fleet is doing. */
  ready_replicas: nullableCount.optional(),
  phase: z
    .enum(["zero", "waking", "out", "steady", "in"])
    .optional()
    .describe("what the fleet is doing: at zero, waking (0 → 1), scaling out, steady, scaling in"),
});
const timelineSecondSchema = loadSecondSchema.extend(clusterSecondSchema.shape);

const seconds = z.number().nullable();
/** One replica of the rehearsal (bench/fleet/pods.ts): seconds since the run's start (negative: before it), null where the pod has not got there. */
export const replicaStartSchema = z.strictObject({
  pod: z.string(),
  node: z.string().optional(),
  created_s: z.number(),
  scheduled_s: seconds,
  started_s: seconds,
  ready_s: seconds,
  deleted_s: seconds.describe("when it was deleted (scale-in), if it was"),
  start: z
    .enum(["cold", "warm"])
    .optional()
    .describe("how the model loaded, where the source knows it: cold (download + load) or warm (cache)"),
});

/** The fields of a result, besides its percentile figures. */
export const benchmarkResultShape = {
  date: z.string().describe("when the scenario ended (ISO 8601)"),
  backend: z.string().describe("openai-chat or openai"),
  model_id: z.string(),
  scenario: z.string(),
  num_prompts: count.describe("requests the scenario planned (main run)"),
  request_rate: z.union([figure, z.literal("inf")]).describe('requests/s, or "inf" (all at once)'),
  burstiness: figure.describe("1 = Poisson arrivals"),
  ramp_up_strategy: z.enum(["linear", "exponential"]).optional().describe("a ramp's shape, when the rate ramps"),
  ramp_up_start_rps: figure.optional().describe("the ramp's rate at the first request"),
  ramp_up_end_rps: figure.optional().describe("the ramp's rate at the last request"),
  max_concurrency: z.number().int().min(1).nullable().describe("null: unlimited"),
  duration: figure.describe("seconds of the main run (warm-up excluded)"),
  completed: count,
  failed: count,
  errors_by_type: z.record(z.string(), count).describe("failed requests by error kind"),
  first_error_by_type: z.record(z.string(), z.string()).describe("the first message of each error kind"),
  errors_by_status: z.record(z.string(), count).describe("failed requests by HTTP status"),
  success_rate: figure.max(1).describe("completed / sent (0 when none was sent)"),
  total_input_tokens: count,
  total_output_tokens: count,
  request_throughput: figure.describe("completed requests/s"),
  request_goodput: figure.nullable().describe("requests/s meeting every goodput SLO; null without goodput SLOs"),
  output_throughput: figure.describe("output tokens/s"),
  total_token_throughput: figure.describe("input + output tokens/s"),
  max_output_tokens_per_s: figure.describe("peak output tokens in a 1-second bucket"),
  max_concurrent_requests: count,
  mean_output_rate_per_request: figure.describe("mean of 1000 / TPOT over requests with a TPOT (tokens/s)"),
  samples: z
    .strictObject(perMetric(() => count))
    .describe("how many values each metric's figures rest on (0: no data, not 0 ms)"),
  ...summaryFigureShape(figure),
  stop_reason: z.string().optional().describe("why a partial scenario stopped"),
  shards: z.number().int().min(1).optional().describe("shards merged into this result (sharded runs)"),
  timeline: z.array(timelineSecondSchema).optional().describe("per-second view of a rate_profile scenario"),
  replicas: z
    .array(replicaStartSchema)
    .optional()
    .describe("the rehearsal's vLLM pods: when each was created, scheduled, started and ready"),
};

const resultObject = z.object(benchmarkResultShape);
/**
 * A scenario's figures as aggregate() computes them and a shard file holds them: its fields
 * checked, its percentile figures (`p95_ttft_ms`) numbers.
 */
export const benchmarkResultSchema = z.intersection(resultObject, percentileFigures);
export type BenchmarkResult = z.output<typeof benchmarkResultSchema>;
