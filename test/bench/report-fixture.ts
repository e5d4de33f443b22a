import type { ScenarioResult } from "../../bench/client/outputs";
import type { RequestRecord } from "../../bench/client/request";
import { aggregate, checkThresholds } from "../../bench/client/stats";

/** A deterministic run: `n` requests, one every 0.1 s, TTFT and gaps growing with load. */
export function scenario(name: string, n: number, ttftMs: number, gapMs: number): ScenarioResult {
  const records: RequestRecord[] = Array.from({ length: n }, (_, i) => {
    const ttft = ttftMs * (1 + (i % 10) / 10);
    const itl = Array.from({ length: 31 }, (_, k) => gapMs * (1 + ((i + k) % 7) / 14));
    const e2el = ttft + itl.reduce((a, b) => a + b, 0);
    return {
      request_id: `${name}-${i}`,
      scenario: name,
      start_s: i * 0.1,
      success: true,
      prompt_tokens: 128,
      output_tokens: 32,
      ttft_ms: ttft,
      e2el_ms: e2el,
      tpot_ms: (e2el - ttft) / 31,
      itl_ms: itl,
    };
  });
  const result = aggregate(
    {
      date: "2026-12-01T00:00:00Z",
      backend: "openai-chat",
      model_id: "m",
      scenario: name,
      num_prompts: n,
      request_rate: 10,
      burstiness: 1,
      max_concurrency: null,
      duration: n * 0.1,
      percentiles: [50, 90, 95, 99],
    },
    records,
  );
  return {
    result,
    records,
    thresholds: checkThresholds(result, { ttft_p95_ms: 2000, itl_p99_ms: 60, success_rate: 0.95 }),
    partial: false,
  };
}
