import {
  latencyKey,
  parseLatencyThreshold,
  perMetric,
  type GoodputSlos,
  type LatencyMetric,
  type RampUp,
} from "../contract";
import type { RequestRecord } from "./request";
import { latencyFigures, type BenchmarkResult } from "./result";

// Aggregates with vLLM's result key names (benchmark_serving / `vllm bench serve`).

export interface RunInfo {
  date: string;
  backend: string;
  model_id: string;
  scenario: string;
  num_prompts: number;
  request_rate: number | "inf";
  burstiness: number;
  ramp_up?: RampUp;
  max_concurrency: number | null;
  duration: number; // seconds of the main run (warm-up excluded)
  percentiles: number[];
  goodput?: GoodputSlos;
}

type Values = ArrayLike<number>;
const mean = (xs: Values) => {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i];
  return xs.length ? sum / xs.length : 0;
};
const std = (xs: Values) => {
  if (!xs.length) return 0;
  const m = mean(xs);
  let sq = 0;
  for (let i = 0; i < xs.length; i++) sq += (xs[i] - m) ** 2;
  return Math.sqrt(sq / xs.length);
};
/** numpy.percentile's default (linear interpolation), as vLLM uses. */
export function percentile(sorted: Values, p: number): number {
  if (!sorted.length) return 0;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function aggregate(info: RunInfo, records: RequestRecord[]): BenchmarkResult {
  const ok = records.filter((r) => r.success);
  const failed = records.length - ok.length;
  const errors: Record<string, number> = {};
  // The first message of each kind, so a failed run says why without opening the records.
  const firstErrors: Record<string, string> = {};
  const statuses: Record<string, number> = {};
  for (const r of records)
    if (!r.success) {
      const kind = r.error_kind ?? "unknown";
      errors[kind] = (errors[kind] ?? 0) + 1;
      firstErrors[kind] ??= r.error ?? "";
      if (r.status !== undefined && r.status >= 400) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
  const totalIn = ok.reduce((a, r) => a + r.prompt_tokens, 0);
  const totalOut = ok.reduce((a, r) => a + r.output_tokens, 0);
  const dur = Math.max(info.duration, 1e-9);
  // Float64Arrays: at thousands of streams the pooled gaps are hundreds of thousands of values,
  // and boxed number arrays (and their sorted copies) would set the client's peak memory.
  const pooledItl = new Float64Array(ok.reduce((a, r) => a + r.itl_ms.length, 0));
  let at = 0;
  for (const r of ok) for (const g of r.itl_ms) pooledItl[at++] = g;
  const series: Record<LatencyMetric, Float64Array> = {
    ttft: Float64Array.from(ok.map((r) => r.ttft_ms).filter((x): x is number => x !== undefined)),
    tpot: Float64Array.from(ok.map((r) => r.tpot_ms).filter((x): x is number => x !== undefined)),
    itl: pooledItl,
    e2el: Float64Array.from(ok.map((r) => r.e2el_ms).filter((x): x is number => x !== undefined)),
  };
  // Peak output tok/s and peak concurrency in 1-second buckets (tokens at their arrival time).
  const buckets = new Map<number, number>();
  for (const r of ok) {
    let t = r.start_s * 1000 + (r.ttft_ms ?? 0);
    const add = (ms: number) => buckets.set(Math.floor(ms / 1000), (buckets.get(Math.floor(ms / 1000)) ?? 0) + 1);
    add(t);
    for (const g of r.itl_ms) add((t += g));
  }
  let maxConcurrent = 0;
  const edges = records
    .flatMap(
      (r) =>
        [
          [r.start_s, 1],
          [r.start_s + (r.e2el_ms ?? 0) / 1000, -1],
        ] as [number, number][],
    )
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  for (const [, d] of edges) maxConcurrent = Math.max(maxConcurrent, (cur += d));
  const good = info.goodput
    ? ok.filter(
        (r) =>
          (info.goodput!.ttft === undefined || (r.ttft_ms ?? Infinity) <= info.goodput!.ttft) &&
          (info.goodput!.tpot === undefined || (r.tpot_ms ?? 0) <= info.goodput!.tpot) &&
          (info.goodput!.e2el === undefined || (r.e2el_ms ?? Infinity) <= info.goodput!.e2el),
      ).length
    : undefined;

  const sorted = perMetric((m) => series[m].slice().sort()); // typed arrays sort numerically
  const out: BenchmarkResult = {
    date: info.date,
    backend: info.backend,
    model_id: info.model_id,
    scenario: info.scenario,
    num_prompts: info.num_prompts,
    request_rate: info.request_rate,
    burstiness: info.burstiness,
    ...(info.ramp_up
      ? {
          ramp_up_strategy: info.ramp_up.strategy,
          ramp_up_start_rps: info.ramp_up.startRps,
          ramp_up_end_rps: info.ramp_up.endRps,
        }
      : {}),
    max_concurrency: info.max_concurrency,
    duration: info.duration,
    completed: ok.length,
    failed,
    errors_by_type: errors,
    first_error_by_type: firstErrors,
    // Which HTTP status codes the "http" failures were (429 overload, 503 loading, 400 refused…).
    errors_by_status: statuses,
    success_rate: records.length ? ok.length / records.length : 0,
    total_input_tokens: totalIn,
    total_output_tokens: totalOut,
    request_throughput: ok.length / dur,
    request_goodput: good === undefined ? null : good / dur,
    output_throughput: totalOut / dur,
    total_token_throughput: (totalIn + totalOut) / dur,
    max_output_tokens_per_s: Math.max(0, ...buckets.values()),
    max_concurrent_requests: maxConcurrent,
    mean_output_rate_per_request: mean(ok.filter((r) => r.tpot_ms).map((r) => 1000 / r.tpot_ms!)),
    // How many values each latency figure rests on: a threshold over none has no data (not 0 ms).
    samples: perMetric((m) => series[m].length),
    ...latencyFigures(info.percentiles, {
      mean: (m) => mean(series[m]),
      std: (m) => std(series[m]),
      percentile: (m, p) => percentile(sorted[m], p),
    }),
  };
  return out;
}

export interface ThresholdResult {
  name: string;
  limit: number;
  /** NaN (null in JSON) when the run has no data for it. */
  value: number;
  passed: boolean;
  /** Computed over no successful request (or no value of that metric): never a pass. */
  no_data?: true;
}

/** Latency thresholds are maxima; throughput, rates and success rate are minima. A threshold over no data fails. */
export function checkThresholds(result: BenchmarkResult, thresholds: Record<string, number>): ThresholdResult[] {
  const { completed, samples } = result;
  const attempted = completed + result.failed;
  return Object.entries(thresholds).map(([name, limit]) => {
    let value: number;
    let min = true;
    let hasData = completed > 0;
    if (name === "throughput_min") value = result.output_throughput;
    else if (name === "request_throughput_min") value = result.request_throughput;
    else if (name === "output_rate_per_request_min") {
      value = result.mean_output_rate_per_request;
      hasData = samples.tpot > 0;
    } else if (name === "success_rate") {
      value = result.success_rate;
      hasData = attempted > 0;
    } else {
      const t = parseLatencyThreshold(name);
      if (!t) throw new Error(`threshold ${name}: not a threshold name`);
      const key = latencyKey(t.stat, t.metric);
      const v = result[key];
      if (v === undefined)
        throw new Error(`threshold ${name}: the run did not compute ${key}; add ${t.percentile} to metric_percentiles`);
      value = v;
      hasData = samples[t.metric] > 0;
      min = false;
    }
    if (!hasData) return { name, limit, value: NaN, passed: false, no_data: true };
    return { name, limit, value, passed: min ? value >= limit : value <= limit };
  });
}
