// The latency vocabulary, in one place: the metrics vLLM's `bench serve` reports, the statistics
// and percentiles of each, the result keys they make (`p95_ttft_ms`, vLLM's layout), the
// threshold and SLO names (`ttft_p95_ms`, the scenario files' layout) and their units. The client,
// plan, compare, report, stack config and chart all read names from here; none writes them out.

/** vLLM's latency metrics (`--percentile-metrics`): time to first token, per-request time per output token, inter-token gaps, end-to-end. */
export const LATENCY_METRICS = ["ttft", "tpot", "itl", "e2el"] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];
export const isLatencyMetric = (s: string): s is LatencyMetric => (LATENCY_METRICS as readonly string[]).includes(s);

/** One value per metric. */
export function perMetric<T>(value: (m: LatencyMetric) => T): Record<LatencyMetric, T> {
  return { ttft: value("ttft"), tpot: value("tpot"), itl: value("itl"), e2el: value("e2el") };
}

/** Metrics with one value per request (a request record's `<metric>_ms`); ITL is every gap, pooled. */
export const REQUEST_LATENCY_METRICS = ["ttft", "tpot", "e2el"] as const satisfies readonly LatencyMetric[];
/** vLLM's --goodput takes these (ms); any subset may be given. */
export const GOODPUT_METRICS = REQUEST_LATENCY_METRICS;
export type GoodputMetric = (typeof GOODPUT_METRICS)[number];
/** Goodput SLOs by metric, in ms. */
export type GoodputSlos = Partial<Record<GoodputMetric, number>>;

/** How people read each metric (console, report, threshold sentences). */
export const LATENCY_LABELS: Readonly<Record<LatencyMetric, { short: string; title: string }>> = {
  ttft: { short: "TTFT", title: "Time to First Token" },
  tpot: { short: "TPOT", title: "Time per Output Token (excl. 1st token)" },
  itl: { short: "ITL", title: "Inter-token Latency" },
  e2el: { short: "E2E latency", title: "End-to-end Latency" },
};

/** Every latency figure is in milliseconds (the `_ms` of its key). */
export const LATENCY_UNIT = "ms";

/** Percentiles computed when a scenario file names none (`defaults.metric_percentiles`), and drawn by the report. */
export const DEFAULT_PERCENTILES = [50, 90, 95, 99] as const;

/** Statistics a result carries for every metric besides its percentiles. */
export const SUMMARY_STATS = ["mean", "median", "std"] as const;
export type SummaryStat = (typeof SUMMARY_STATS)[number];
export type PercentileStat = `p${number}`;
export type LatencyStat = SummaryStat | PercentileStat;
export const percentileStat = (p: number): PercentileStat => `p${p}`;

/** A result's latency figure (vLLM's key): `mean_ttft_ms`, `p95_itl_ms`. */
export type LatencyKey = `${LatencyStat}_${LatencyMetric}_${typeof LATENCY_UNIT}`;
export const latencyKey = (stat: LatencyStat, metric: LatencyMetric): LatencyKey => `${stat}_${metric}_${LATENCY_UNIT}`;

const METRIC = `(${LATENCY_METRICS.join("|")})`;
/** A percentile in a name: p50, p99.9 (threshold names take one or two digits before the point). */
const PCT = "p(\\d+(?:\\.\\d+)?)";
const THRESHOLD_PCT = "p(\\d{1,2}(?:\\.\\d+)?)";

/** `p95_ttft_ms`: a result's percentile key (group 1: the percentile, 2: the metric). */
export const PERCENTILE_KEY = new RegExp(`^${PCT}_${METRIC}_${LATENCY_UNIT}$`);
const LATENCY_KEY = new RegExp(`^(${SUMMARY_STATS.join("|")}|${PCT})_${METRIC}_${LATENCY_UNIT}$`);

export interface ParsedLatency {
  /** The name parsed (a result key or a threshold name). */
  name: string;
  metric: LatencyMetric;
  stat: LatencyStat;
  /** The percentile of a pNN statistic. */
  percentile?: number;
}

/** `p95_ttft_ms` → { metric: ttft, stat: p95, percentile: 95 }; undefined for any other key. */
export function parseLatencyKey(key: string): (ParsedLatency & { name: LatencyKey }) | undefined {
  const m = LATENCY_KEY.exec(key);
  if (!m) return undefined;
  const metric = m[3] as LatencyMetric;
  const stat = m[1] as LatencyStat;
  return { name: latencyKey(stat, metric), metric, stat, percentile: m[2] ? Number(m[2]) : undefined };
}

// Thresholds (scenario files' `thresholds`, the plan's SLOs, the stack config's `benchmark.plan.slos`)
// name the metric first: `ttft_p95_ms` bounds the result's `p95_ttft_ms`.

/** A latency threshold's statistics: std is no bound anyone sets. */
const THRESHOLD_STATS = ["mean", "median"] as const;
const LATENCY_THRESHOLD = new RegExp(`^${METRIC}_(${THRESHOLD_STATS.join("|")}|${THRESHOLD_PCT})_${LATENCY_UNIT}$`);

/** `ttft_p95_ms` → { metric: ttft, stat: p95, percentile: 95 }; undefined for a rate threshold or an unknown name. */
export function parseLatencyThreshold(name: string): ParsedLatency | undefined {
  const m = LATENCY_THRESHOLD.exec(name);
  if (!m) return undefined;
  return {
    name,
    metric: m[1] as LatencyMetric,
    stat: m[2] as LatencyStat,
    percentile: m[3] ? Number(m[3]) : undefined,
  };
}

/** Thresholds that are not latencies: minima over the run (output tok/s, req/s, per-request tok/s) and the success share. */
export const RATE_THRESHOLDS = [
  "throughput_min",
  "request_throughput_min",
  "output_rate_per_request_min",
  "success_rate",
] as const;
type RateThresholdName = (typeof RATE_THRESHOLDS)[number];
/** Rate thresholds that grow with the offered rate: they say nothing about what one replica sustains, so no plan SLO. */
export const RATE_BOUND_THRESHOLDS: readonly RateThresholdName[] = ["throughput_min", "request_throughput_min"];

export const isRateThreshold = (name: string): name is RateThresholdName =>
  (RATE_THRESHOLDS as readonly string[]).includes(name);
/** How people read each rate threshold, and its unit (success_rate is a share, read as %). */
export const RATE_THRESHOLD_LABELS: Readonly<Record<RateThresholdName, { label: string; unit: string }>> = {
  throughput_min: { label: "Output throughput", unit: "tok/s" },
  request_throughput_min: { label: "Request throughput", unit: "req/s" },
  output_rate_per_request_min: { label: "Mean output rate per request", unit: "tok/s" },
  success_rate: { label: "Success rate", unit: "%" },
};
/** Latency thresholds are maxima (≤); the rates and the success rate are minima (≥). */
export const isUpperBound = (name: string): boolean => LATENCY_THRESHOLD.test(name);
/** A threshold's unit: ms for a latency, the rate's unit for the others. */
export const thresholdUnit = (name: string): string =>
  LATENCY_THRESHOLD.test(name) ? LATENCY_UNIT : isRateThreshold(name) ? RATE_THRESHOLD_LABELS[name].unit : "";

export const isThresholdName = (name: string): boolean => LATENCY_THRESHOLD.test(name) || isRateThreshold(name);
/** Threshold names a plan takes as SLOs (`vllm-bench plan --slo`, the plan Job): per-request bounds only. */
export const isPlanSloName = (name: string): boolean =>
  isThresholdName(name) && !(RATE_BOUND_THRESHOLDS as readonly string[]).includes(name);

const orList = (xs: readonly string[]) => `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}`;
/** The shape of a latency threshold name, for messages. */
const LATENCY_THRESHOLD_HELP = `<${LATENCY_METRICS.join("|")}>_<${THRESHOLD_STATS.join("|")}|pNN>_${LATENCY_UNIT}`;
/** Every threshold name a scenario file takes, for messages. */
export const THRESHOLD_HELP = `${LATENCY_THRESHOLD_HELP}, ${orList(RATE_THRESHOLDS.map((t) => (t === "throughput_min" ? `${t} (output tok/s)` : t)))}`;
/** Every threshold name a plan takes as an SLO, for messages. */
export const PLAN_SLO_HELP = `${LATENCY_THRESHOLD_HELP}, ${orList(RATE_THRESHOLDS.filter((t) => !RATE_BOUND_THRESHOLDS.includes(t)))}`;
