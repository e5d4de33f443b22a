import { Counter, Gauge, Histogram, Registry, Summary } from "./metrics";

// vLLM V1's metrics as its OpenAI server exposes them by default: names, types, label names and
// buckets mirrored from vLLM's source, independently of the project's metric catalog in
// monitoring/ so a wrong name on either side is caught by tests (test/bench/sim/conformance.test.ts
// replays vLLM's own metric tests against this). Read in vllm-project/vllm:
//   vllm/v1/metrics/loggers.py @ 3168f587f0555dda23ee852316697cc12f314eab (PrometheusStatLogger)
//   vllm/v1/metrics/buckets.py @ 139b1c3f17720f4bb6865309f365e6b1f1607a45 (bucket families)
//   tests/entrypoints/serve/instrumentator/test_metrics.py @ 030ea52effcb05071543c8c42b8f0145e94cee43
//     (adds num_requests_waiting_by_reason and the request_num_preemptions histogram)
//   vllm/v1/engine/__init__.py FINISH_REASON_STRINGS (stop, length, abort, error, repetition)
// Families that exist only with a feature the simulator does not model (KV connector, multimodal
// cache, LoRA, speculative decoding, KV residency sampling) are left out.

export const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0,
  640.0, 2560.0,
];
export const ITL_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
];
export const REQUEST_LATENCY_BUCKETS = [
  0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0,
  7680.0,
];
export const ITERATION_TOKENS_BUCKETS = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];
export const PARAMS_N_BUCKETS = [1, 2, 5, 10, 20];
export const NUM_PREEMPTIONS_BUCKETS = [1, 2, 3, 4, 5, 10, 20];
/** prometheus-fastapi-instrumentator `metrics.default()`: latency_highr_buckets and latency_lowr_buckets. */
export const HTTP_HIGHR_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 7.5, 10, 30, 60,
];
export const HTTP_LOWR_BUCKETS = [0.1, 0.5, 1];

/** vLLM's 1-2-5 series up to the max model length (build_1_2_5_buckets). */
export function tokenBuckets(maxModelLen: number): number[] {
  const out: number[] = [];
  for (let exp = 0; ; exp++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** exp;
      if (v > maxModelLen) return out;
      out.push(v);
    }
  }
}

export const FINISHED_REASONS = ["stop", "length", "abort", "error", "repetition"] as const;
export type FinishedReason = (typeof FINISHED_REASONS)[number];
export const PROMPT_TOKEN_SOURCES = ["local_compute", "local_cache_hit", "external_kv_transfer"] as const;
export const SLEEP_STATES = ["awake", "weights_offloaded", "discard_all"] as const;

export function createVllmMetrics(modelName: string, maxModelLen: number) {
  const r = new Registry();
  const L = { model_name: modelName, engine: "0" };
  const tok = tokenBuckets(maxModelLen);
  const m = {
    registry: r,
    labels: L,
    running: r.add(new Gauge("vllm:num_requests_running", "Number of requests in model execution batches.")),
    waiting: r.add(new Gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.")),
    waitingByReason: r.add(new Gauge("vllm:num_requests_waiting_by_reason", "Number of waiting requests by reason.")),
    sleepState: r.add(new Gauge("vllm:engine_sleep_state", "Engine sleep state; awake = 1 means engine is awake.")),
    kvUsage: r.add(new Gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.")),
    cacheInfo: r.add(new Gauge("vllm:cache_config_info", "Information of the LLMEngine CacheConfig")),
    prefixQueries: r.add(
      new Counter("vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens."),
    ),
    prefixHits: r.add(new Counter("vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.")),
    preemptions: r.add(new Counter("vllm:num_preemptions", "Cumulative number of preemption from the engine.")),
    promptTokens: r.add(new Counter("vllm:prompt_tokens", "Number of prefill tokens processed.")),
    promptTokensBySource: r.add(new Counter("vllm:prompt_tokens_by_source", "Number of prompt tokens by source.")),
    promptTokensCached: r.add(
      new Counter("vllm:prompt_tokens_cached", "Number of cached prompt tokens (local + external)."),
    ),
    promptTokensRecomputed: r.add(
      new Counter("vllm:prompt_tokens_recomputed", "Number of cached tokens recomputed for forward pass."),
    ),
    generationTokens: r.add(new Counter("vllm:generation_tokens", "Number of generation tokens processed.")),
    success: r.add(new Counter("vllm:request_success", "Count of successfully processed requests.")),
    promptLen: r.add(new Histogram("vllm:request_prompt_tokens", "Number of prefill tokens processed.", tok)),
    genLen: r.add(new Histogram("vllm:request_generation_tokens", "Number of generation tokens processed.", tok)),
    iterationTokens: r.add(
      new Histogram(
        "vllm:iteration_tokens_total",
        "Histogram of number of tokens per engine_step.",
        ITERATION_TOKENS_BUCKETS,
      ),
    ),
    maxGenTokens: r.add(
      new Histogram(
        "vllm:request_max_num_generation_tokens",
        "Histogram of maximum number of requested generation tokens.",
        tok,
      ),
    ),
    paramsN: r.add(new Histogram("vllm:request_params_n", "Histogram of the n request parameter.", PARAMS_N_BUCKETS)),
    paramsMaxTokens: r.add(
      new Histogram("vllm:request_params_max_tokens", "Histogram of the max_tokens request parameter.", tok),
    ),
    ttft: r.add(
      new Histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", TTFT_BUCKETS),
    ),
    itl: r.add(
      new Histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", ITL_BUCKETS),
    ),
    tpot: r.add(
      new Histogram(
        "vllm:request_time_per_output_token_seconds",
        "Histogram of time_per_output_token_seconds per request.",
        ITL_BUCKETS,
      ),
    ),
    e2e: r.add(
      new Histogram(
        "vllm:e2e_request_latency_seconds",
        "Histogram of e2e request latency in seconds.",
        REQUEST_LATENCY_BUCKETS,
      ),
    ),
    queue: r.add(
      new Histogram(
        "vllm:request_queue_time_seconds",
        "Histogram of time spent in WAITING phase for request.",
        REQUEST_LATENCY_BUCKETS,
      ),
    ),
    inference: r.add(
      new Histogram(
        "vllm:request_inference_time_seconds",
        "Histogram of time spent in RUNNING phase for request.",
        REQUEST_LATENCY_BUCKETS,
      ),
    ),
    prefill: r.add(
      new Histogram(
        "vllm:request_prefill_time_seconds",
        "Histogram of time spent in PREFILL phase for request.",
        REQUEST_LATENCY_BUCKETS,
      ),
    ),
    decode: r.add(
      new Histogram(
        "vllm:request_decode_time_seconds",
        "Histogram of time spent in DECODE phase for request.",
        REQUEST_LATENCY_BUCKETS,
      ),
    ),
    prefillKvComputed: r.add(
      new Histogram(
        "vllm:request_prefill_kv_computed_tokens",
        "Histogram of new KV tokens computed during prefill (excluding cached tokens).",
        tok,
      ),
    ),
    numPreemptions: r.add(
      new Histogram(
        "vllm:request_num_preemptions",
        "Histogram of the number of preemptions per finished request.",
        NUM_PREEMPTIONS_BUCKETS,
      ),
    ),
    // vLLM's OpenAI server instruments HTTP with prometheus-fastapi-instrumentator's default
    // metrics: no model label, status grouped into classes (2xx, 4xx, 5xx), health, metrics and
    // a few other handlers excluded (vllm/entrypoints/.../metrics setup: excluded_handlers).
    http: r.add(new Counter("http_requests", "Total number of requests by method, status and handler.")),
    httpRequestSize: r.add(
      new Summary(
        "http_request_size_bytes",
        "Content length of incoming requests by handler. Only value of header is respected. Otherwise ignored.",
      ),
    ),
    httpResponseSize: r.add(
      new Summary(
        "http_response_size_bytes",
        "Content length of outgoing responses by handler. Only value of header is respected. Otherwise ignored.",
      ),
    ),
    httpDurationHighr: r.add(
      new Histogram(
        "http_request_duration_highr_seconds",
        "Latency with many buckets but no API specific labels. Made for more accurate percentile calculations.",
        HTTP_HIGHR_BUCKETS,
      ),
    ),
    httpDuration: r.add(
      new Histogram(
        "http_request_duration_seconds",
        "Latency with only few buckets by handler. Made to be only used if aggregation by handler is important.",
        HTTP_LOWR_BUCKETS,
      ),
    ),
  };
  // Series exist from the start (as in vLLM), so rate() and dashboards work before traffic.
  for (const c of [
    m.preemptions,
    m.promptTokens,
    m.promptTokensCached,
    m.promptTokensRecomputed,
    m.generationTokens,
    m.prefixQueries,
    m.prefixHits,
  ])
    c.init(L);
  for (const reason of FINISHED_REASONS) m.success.init({ ...L, finished_reason: reason });
  for (const source of PROMPT_TOKEN_SOURCES) m.promptTokensBySource.init({ ...L, source });
  for (const h of [
    m.iterationTokens,
    m.maxGenTokens,
    m.paramsN,
    m.paramsMaxTokens,
    m.promptLen,
    m.genLen,
    m.ttft,
    m.itl,
    m.tpot,
    m.e2e,
    m.queue,
    m.inference,
    m.prefill,
    m.decode,
    m.prefillKvComputed,
    m.numPreemptions,
  ])
    h.init(L);
  m.httpDurationHighr.init({});
  // The simulator never sleeps: awake = 1, the two sleep levels 0 (vLLM's record_sleep_state defaults).
  for (const s of SLEEP_STATES) m.sleepState.set({ ...L, sleep_state: s }, () => (s === "awake" ? 1 : 0));
  return m;
}
export type VllmMetrics = ReturnType<typeof createVllmMetrics>;

/** What the HTTP instrumentator records for one finished response. */
export function observeHttp(
  m: VllmMetrics,
  o: { handler: string; method: string; status: number; seconds: number; requestBytes: number; responseBytes: number },
) {
  m.http.inc({ handler: o.handler, method: o.method, status: `${String(o.status)[0]}xx` });
  m.httpRequestSize.observe({ handler: o.handler }, o.requestBytes);
  m.httpResponseSize.observe({ handler: o.handler }, o.responseBytes);
  m.httpDurationHighr.observe({}, o.seconds);
  m.httpDuration.observe({ handler: o.handler, method: o.method }, o.seconds);
}
