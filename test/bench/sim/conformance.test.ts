// vLLM's own metric tests replayed against the simulator, in TypeScript, with the official
// `openai` client as vLLM's tests use it: tests/entrypoints/serve/instrumentator/test_metrics.py
// (test_metrics_exist, test_metrics_counts, test_abort_metrics_reset) in vllm-project/vllm at the
// commit named in test/fixtures/vllm-metrics.json. The expected-name list is the fixture's; the
// expected counts are the test's formulas. vLLM's test model does not stop before max_tokens, so
// the simulator runs with a mean output length far above it (no early EOS).
import * as fs from "node:fs";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenize, type RunningSimulator } from "../../../bench/sim";
import { parseExposition, withSim } from "./helpers";

const fixture = JSON.parse(fs.readFileSync(new URL("../../fixtures/vllm-metrics.json", import.meta.url), "utf8"));
const EXPECTED_METRICS_V1: string[] = fixture.test_metrics_exist.expected;
const MODEL = "TinyLlama/TinyLlama-1.1B-Chat-v1.0";
const PROMPT = "Hello my name is Robert and I love magic";

// default_server_args of vLLM's test: --max-model-len 1024 --max-num-seqs 128.
const server = (extra: object = {}) =>
  withSim({ model: MODEL, maxModelLen: 1024, maxNumSeqs: 128, speedup: 20, meanOutputTokens: 1_000_000, ...extra });
const metricsText = async (sim: RunningSimulator) => {
  const r = await fetch(`${sim.url}/metrics`);
  expect(r.status).toBe(200);
  return r.text();
};

describe("test_metrics_counts", () => {
  let sim: RunningSimulator;
  let client: OpenAI;
  const promptIds = tokenize(PROMPT);
  const numRequests = 10;
  const maxTokens = 10;
  const usages: OpenAI.CompletionUsage[] = [];
  beforeAll(async () => {
    sim = await server();
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "unused" });
    for (let i = 0; i < numRequests; i++) {
      const r = await client.completions.create({ model: MODEL, prompt: promptIds, max_tokens: maxTokens });
      usages.push(r.usage!);
    }
  });
  afterAll(() => sim.close());

  it("every expected _count, _sum and _total matches", async () => {
    const { samples } = parseExposition(await metricsText(sim));
    const value = (name: string) => {
      const found = samples.filter((s) => s.name === name);
      expect(found.length, `Did not find ${name} in prom endpoint`).toBeGreaterThan(0);
      return found.reduce((a, s) => a + s.value, 0);
    };
    const P = promptIds.length;
    // _get_expected_values(num_requests, prompt_ids, max_tokens) of vLLM's test.
    const expected: Record<string, [string, number][]> = {
      "vllm:time_to_first_token_seconds": [["_count", numRequests]],
      "vllm:inter_token_latency_seconds": [["_count", numRequests * (maxTokens - 1)]],
      "vllm:e2e_request_latency_seconds": [["_count", numRequests]],
      "vllm:request_queue_time_seconds": [["_count", numRequests]],
      "vllm:request_inference_time_seconds": [["_count", numRequests]],
      "vllm:request_prefill_time_seconds": [["_count", numRequests]],
      "vllm:request_decode_time_seconds": [["_count", numRequests]],
      "vllm:request_num_preemptions": [["_count", numRequests]],
      "vllm:request_prompt_tokens": [
        ["_sum", numRequests * P],
        ["_count", numRequests],
      ],
      "vllm:request_generation_tokens": [
        ["_sum", numRequests * maxTokens],
        ["_count", numRequests],
      ],
      "vllm:request_params_n": [["_count", numRequests]],
      "vllm:request_params_max_tokens": [
        ["_sum", numRequests * maxTokens],
        ["_count", numRequests],
      ],
      "vllm:iteration_tokens_total": [
        ["_sum", numRequests * (P + maxTokens)],
        ["_count", numRequests * maxTokens],
      ],
      "vllm:prompt_tokens": [["_total", numRequests * P]],
      "vllm:generation_tokens": [["_total", numRequests * maxTokens]],
      // Summed over finished_reason (vLLM's loop reads the family's first sample of that name).
      "vllm:request_success": [["_total", numRequests]],
    };
    for (const [family, suffixes] of Object.entries(expected))
      for (const [suffix, want] of suffixes) expect(value(`${family}${suffix}`), `${family}${suffix}`).toBe(want);
    // The TPOT histogram, which vLLM's list leaves out, also counts every finished request.
    expect(value("vllm:request_time_per_output_token_seconds_count")).toBe(numRequests);
  });

  it("the official openai client reads the same token counts from usage", () => {
    expect(usages).toHaveLength(numRequests);
    for (const u of usages)
      expect(u).toEqual({
        prompt_tokens: promptIds.length,
        completion_tokens: maxTokens,
        total_tokens: promptIds.length + maxTokens,
      });
  });
});

describe("test_metrics_exist", () => {
  it("exposes every expected name, and cache_config_info carries kv_cache_size_tokens and kv_cache_max_concurrency", async () => {
    const sim = await server();
    try {
      const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "unused" });
      await client.completions.create({ model: MODEL, prompt: "Hello, my name is", max_tokens: 5, temperature: 0 });
      const text = await metricsText(sim);
      for (const metric of EXPECTED_METRICS_V1) expect(text.includes(metric), metric).toBe(true);
      const cache = parseExposition(text).samples.filter((s) => s.name === "vllm:cache_config_info");
      expect(cache.length).toBeGreaterThan(0);
      for (const s of cache) {
        for (const l of ["kv_cache_size_tokens", "kv_cache_max_concurrency"])
          expect([undefined, "None", ""]).not.toContain(s.labels[l]);
        expect(s.labels.model_name).toBeUndefined();
        expect(s.labels.engine).toBe("0");
      }
    } finally {
      await sim.close();
    }
  });

  it("the check can fail: a name vLLM never had is absent", async () => {
    const sim = await server();
    try {
      expect((await metricsText(sim)).includes("vllm:gpu_cache_usage_perc")).toBe(false);
    } finally {
      await sim.close();
    }
  });
});

describe("test_abort_metrics_reset", () => {
  const runningMetrics = async (sim: RunningSimulator) => {
    const { samples } = parseExposition(await metricsText(sim));
    const v = (n: string) => samples.find((s) => s.name === n)!.value;
    return [v("vllm:num_requests_running"), v("vllm:num_requests_waiting"), v("vllm:kv_cache_usage_perc")] as const;
  };
  const pollUntil = async (pred: () => Promise<boolean>, timeoutMs: number, what: string) => {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await pred()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
  };

  it("running, waiting and KV-cache usage return to zero after the clients abort", async () => {
    // Real time (no speedup): the long requests must still run when the test aborts them.
    const sim = await server({ speedup: 1 });
    try {
      const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "unused", maxRetries: 0 });
      expect(await runningMetrics(sim)).toEqual([0, 0, 0]);
      const ctl = new AbortController();
      const tasks = Array.from({ length: 3 }, () =>
        client.completions
          .create({ model: MODEL, prompt: tokenize(PROMPT), max_tokens: 500, temperature: 0 }, { signal: ctl.signal })
          .catch((e) => e),
      );
      await pollUntil(async () => (await runningMetrics(sim))[0] > 0, 10_000, "running_requests > 0");
      const [running, , kv] = await runningMetrics(sim);
      expect(running).toBeGreaterThan(0);
      expect(kv).toBeGreaterThan(0);
      ctl.abort();
      await Promise.all(tasks);
      await pollUntil(
        async () => (await runningMetrics(sim)).every((x) => x === 0),
        10_000,
        "gauge metrics back to zero",
      );
      const { samples } = parseExposition(await metricsText(sim));
      expect(
        samples.find((s) => s.name === "vllm:request_success_total" && s.labels.finished_reason === "abort")!.value,
      ).toBe(3);
    } finally {
      await sim.close();
    }
  });
});
