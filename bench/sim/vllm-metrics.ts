import { Counter, Gauge, Histogram, Registry } from "./metrics";

// vLLM V1's engine metrics as its server exposes them: names, types, label names and buckets
// mirrored from vLLM's source (vllm/v1/metrics/loggers.py and buckets.py), independently of
// the project's metric catalog in dashboards/ so a wrong name on either side is caught by tests.

export const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
export const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
export const REQUEST_LATENCY_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];

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

export type FinishedReason = "stop" | "length" | "abort";

export function createVllmMetrics(modelName: string, maxModelLen: number) {
  const r = new Registry();
  const L = { model_name: modelName, engine: "0" };
  const tok = tokenBuckets(maxModelLen);
  const m = {
    registry: r,
    labels: L,
    running: r.add(new Gauge("vllm:num_requests_running", "Number of requests in model execution batches.")),
    waiting: r.add(new Gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.")),
    kvUsage: r.add(new Gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.")),
    cacheInfo: r.add(new Gauge("vllm:cache_config_info", "Information of the LLMEngine CacheConfig")),
    // vLLM's OpenAI server instruments HTTP with prometheus-fastapi-instrumentator: no model
    // label, status grouped into classes (2xx, 4xx, 5xx), health and metrics handlers excluded.
    http: r.add(new Counter("http_requests", "Total number of requests by method, status and handler.")),
    preemptions: r.add(new Counter("vllm:num_preemptions", "Cumulative number of preemption from the engine.")),
    promptTokens: r.add(new Counter("vllm:prompt_tokens", "Number of prefill tokens processed.")),
    generationTokens: r.add(new Counter("vllm:generation_tokens", "Number of generation tokens processed.")),
    prefixQueries: r.add(new Counter("vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens.")),
    prefixHits: r.add(new Counter("vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.")),
    success: r.add(new Counter("vllm:request_success", "Count of successfully processed requests.")),
    iterationTokens: r.add(new Histogram("vllm:iteration_tokens_total", "Histogram of number of tokens per engine_step.", [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384].filter((b) => b <= Math.max(maxModelLen, 16384)))),
    maxGenTokens: r.add(new Histogram("vllm:request_max_num_generation_tokens", "Histogram of maximum number of requested generation tokens.", tok)),
    paramsN: r.add(new Histogram("vllm:request_params_n", "Histogram of the n request parameter.", [1, 2, 5, 10, 20])),
    paramsMaxTokens: r.add(new Histogram("vllm:request_params_max_tokens", "Histogram of the max_tokens request parameter.", tok)),
    promptLen: r.add(new Histogram("vllm:request_prompt_tokens", "Number of prefill tokens processed.", tok)),
    genLen: r.add(new Histogram("vllm:request_generation_tokens", "Number of generation tokens processed.", tok)),
    ttft: r.add(new Histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", TTFT_BUCKETS)),
    itl: r.add(new Histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", ITL_BUCKETS)),
    tpot: r.add(new Histogram("vllm:request_time_per_output_token_seconds", "Histogram of time_per_output_token_seconds per request.", ITL_BUCKETS)),
    e2e: r.add(new Histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", REQUEST_LATENCY_BUCKETS)),
    queue: r.add(new Histogram("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", REQUEST_LATENCY_BUCKETS)),
    inference: r.add(new Histogram("vllm:request_inference_time_seconds", "Histogram of time spent in RUNNING phase for request.", REQUEST_LATENCY_BUCKETS)),
    prefill: r.add(new Histogram("vllm:request_prefill_time_seconds", "Histogram of time spent in PREFILL phase for request.", REQUEST_LATENCY_BUCKETS)),
    decode: r.add(new Histogram("vllm:request_decode_time_seconds", "Histogram of time spent in DECODE phase for request.", REQUEST_LATENCY_BUCKETS)),
  };
  // Series exist from the start (as in vLLM), so rate() and dashboards work before traffic.
  for (const c of [m.preemptions, m.promptTokens, m.generationTokens, m.prefixQueries, m.prefixHits]) c.init(L);
  for (const reason of ["stop", "length", "abort"]) m.success.init({ ...L, finished_reason: reason });
  for (const h of [m.iterationTokens, m.maxGenTokens, m.paramsN, m.paramsMaxTokens, m.promptLen, m.genLen, m.ttft, m.itl, m.tpot, m.e2e, m.queue, m.inference, m.prefill, m.decode]) h.init(L);
  return m;
}
export type VllmMetrics = ReturnType<typeof createVllmMetrics>;
