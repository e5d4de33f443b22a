// Per-request samples of a results file, per latency metric, for the significance tests.
// Samples are not independent one by one: the inter-token gaps of one stream move together, and
// requests in flight together share the engine's batch and the host's hiccups. So the bootstrap
// resamples blocks ("clusters" below) of requests consecutive by start time, a block being as many
// requests as the run keeps in flight (its max concurrency), with at least MIN_BLOCKS blocks.

import type { ResultsFile } from "../client/results-file";
import { REQUEST_LATENCY_METRICS, type LatencyMetric } from "../contract";

/** One metric's values sorted ascending, each tagged with the request (cluster) it came from. */
export interface MetricSamples {
  values: Float64Array;
  cluster: Int32Array;
  clusters: number;
}

/** What the significance tests need from a run; `undefined` metrics had no per-request record. */
export interface RunSamples {
  /** Successful and failed requests, when the file lists its requests. */
  succeeded?: number;
  failed?: number;
  metrics: Partial<Record<LatencyMetric, MetricSamples>>;
  /** Per successful request: output tokens and prompt + output tokens (throughput noise). */
  outputTokens?: Float64Array;
  totalTokens?: Float64Array;
}

/** Fewer blocks than this make the bootstrap's interval meaningless; small runs get smaller blocks. */
export const MIN_BLOCKS = 10;

const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

function sortedSamples(pairs: [number, number][], clusters: number): MetricSamples {
  pairs.sort((a, b) => a[0] - b[0]);
  return {
    values: Float64Array.from(pairs, (p) => p[0]),
    cluster: Int32Array.from(pairs, (p) => p[1]),
    clusters,
  };
}

/**
 * The samples behind a results file's figures: its `requests` records (vllm-bench run writes one
 * per request). A file without them (vllm bench serve's summary JSON) gives none: its figures can
 * be shown but not tested, since one number per run says nothing about the noise around it.
 */
export function runSamples(result: ResultsFile): RunSamples {
  const requests = result.requests;
  if (!requests) return { metrics: {} };
  const ok = requests.filter((r) => r.success).sort((x, y) => x.start_s - y.start_s);
  const inFlight = result.max_concurrency ?? 1;
  const blockSize = Math.max(1, Math.min(Math.floor(inFlight), Math.floor(ok.length / MIN_BLOCKS)));
  const blocks = Math.ceil(ok.length / blockSize);
  const block = (i: number) => Math.floor(i / blockSize);
  const metrics: RunSamples["metrics"] = {};
  for (const m of REQUEST_LATENCY_METRICS) {
    const pairs: [number, number][] = [];
    ok.forEach((r, i) => {
      const v = r[`${m}_ms`];
      if (isNum(v)) pairs.push([v, block(i)]);
    });
    metrics[m] = sortedSamples(pairs, blocks);
  }
  const gaps: [number, number][] = [];
  ok.forEach((r, i) => {
    for (const g of r.itl_ms) if (isNum(g)) gaps.push([g, block(i)]);
  });
  metrics.itl = sortedSamples(gaps, blocks);
  return {
    succeeded: ok.length,
    failed: requests.length - ok.length,
    metrics,
    outputTokens: Float64Array.from(ok, (r) => r.output_tokens),
    totalTokens: Float64Array.from(ok, (r) => r.output_tokens + r.prompt_tokens),
  };
}
