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

// vLLM's request models and SamplingParams (sources and commits in bench/sim/request-model.ts):
// a field of the wrong type is pydantic's 400 "Bad Request" listing each bad field; a value out of
// range is SamplingParams' 400 BadRequestError in its wording; what pydantic's lax mode coerces
// ("0.5", 5.0, "yes") is taken, as vLLM takes it.
describe("vLLM's request models refuse what vLLM refuses", () => {
  let sim: RunningSimulator;
  beforeAll(async () => void (sim = await server({ meanOutputTokens: 8 })));
  afterAll(() => sim.close());
  const send = (path: string, body: object) =>
    fetch(`${sim.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const completion = (extra: object) => send("/v1/completions", { prompt: PROMPT, max_tokens: 4, ...extra });
  const chat = (extra: object) =>
    send("/v1/chat/completions", { messages: [{ role: "user", content: PROMPT }], max_tokens: 4, ...extra });

  it.each([
    [
      { temperature: "hot" },
      "float_parsing",
      "temperature",
      "Input should be a valid number, unable to parse string as a number",
      "'hot'",
    ],
    [{ temperature: [1] }, "float_type", "temperature", "Input should be a valid number", "[1]"],
    [{ top_p: {} }, "float_type", "top_p", "Input should be a valid number", "{}"],
    [
      { max_tokens: "lots" },
      "int_parsing",
      "max_tokens",
      "Input should be a valid integer, unable to parse string as an integer",
      "'lots'",
    ],
    [
      { max_tokens: 2.5 },
      "int_from_float",
      "max_tokens",
      "Input should be a valid integer, got a number with a fractional part",
      "2.5",
    ],
    [
      { n: "two" },
      "int_parsing",
      "n",
      "Input should be a valid integer, unable to parse string as an integer",
      "'two'",
    ],
    [
      { seed: "x" },
      "int_parsing",
      "seed",
      "Input should be a valid integer, unable to parse string as an integer",
      "'x'",
    ],
    [
      { stream: "maybe" },
      "bool_parsing",
      "stream",
      "Input should be a valid boolean, unable to interpret input",
      "'maybe'",
    ],
    [{ ignore_eos: [] }, "bool_type", "ignore_eos", "Input should be a valid boolean", "[]"],
    [{ model: 7 }, "string_type", "model", "Input should be a valid string", "7"],
  ])("%j: 400 Bad Request naming the field, as pydantic", async (extra, type, field, msg, input) => {
    for (const res of [await completion(extra), await chat(extra)]) {
      expect(res.status).toBe(400);
      const { error } = await res.json();
      expect(error).toEqual({
        message: `[{'type': '${type}', 'loc': ('body', '${field}'), 'msg': '${msg}', 'input': ${input}}]`,
        type: "Bad Request",
        param: null,
        code: 400,
      });
    }
  });

  it("lists every mistyped field at once, as pydantic collects them", async () => {
    const { error } = await (await completion({ temperature: "hot", top_p: "high" })).json();
    expect(error.message).toMatch(
      /^\[\{'type': 'float_parsing', 'loc': \('body', 'temperature'\).*\}, \{'type': 'float_parsing', 'loc': \('body', 'top_p'\)/,
    );
  });

  it.each([
    [{ max_tokens: -1 }, "max_tokens must be at least 1, got -1.", "max_tokens"],
    [{ max_tokens: 0 }, "max_tokens must be at least 1, got 0.", "max_tokens"],
    [{ top_p: 2 }, "top_p must be in (0, 1], got 2.0.", "top_p"],
    [{ top_p: 0 }, "top_p must be in (0, 1], got 0.0.", "top_p"],
    [{ n: 0 }, "n must be at least 1, got 0.", null],
    [{ temperature: -0.5 }, "temperature must be non-negative, got -0.5.", "temperature"],
    [{ temperature: 3 }, "temperature must be in [0, 2], got 3.0.", "temperature"],
    [{ temperature: "inf" }, "temperature must be a finite number, got inf.", "temperature"],
    [{ presence_penalty: 5 }, "presence_penalty must be in [-2, 2], got 5.0.", null],
    [{ frequency_penalty: -3 }, "frequency_penalty must be in [-2, 2], got -3.0.", null],
    [{ repetition_penalty: 0 }, "repetition_penalty must be greater than zero, got 0.0.", null],
    [{ top_k: -2 }, "top_k must be 0 (disable), or at least 1, got -2.", null],
    [{ min_p: 1.5 }, "min_p must be in [0, 1], got 1.5.", null],
    [{ min_tokens: -1 }, "min_tokens must be greater than or equal to 0, got -1.", null],
    [{ min_tokens: 9 }, "min_tokens must be less than or equal to max_tokens=4, got 9.", null],
  ])("%j: 400 BadRequestError in SamplingParams' words", async (extra, message, param) => {
    for (const res of [await completion(extra), await chat(extra)]) {
      expect(res.status).toBe(400);
      expect((await res.json()).error).toEqual({ message, type: "BadRequestError", param, code: 400 });
    }
  });

  it("takes what pydantic's lax mode coerces, as vLLM does", async () => {
    for (const extra of [
      { temperature: "0.5" },
      { max_tokens: "4" },
      { max_tokens: 4.0 },
      { stream: "no" },
      { top_p: true },
      { model: null },
    ]) {
      const res = await completion(extra);
      expect(res.status, JSON.stringify(extra)).toBe(200);
      expect((await res.json()).usage.completion_tokens).toBeGreaterThan(0);
    }
  });
});
