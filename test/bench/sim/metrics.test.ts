import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../../bench/sim";
import { parseExposition, post, withSim } from "./helpers";

// The fixture is written from vLLM's source independently of the simulator code.
const fixture = JSON.parse(fs.readFileSync(new URL("../../fixtures/vllm-metrics.json", import.meta.url), "utf8"))
  .metrics as Record<
  string,
  {
    type: string;
    labels: string[] | null;
    buckets?: number[] | string;
    label_values?: Record<string, string[]>;
    required_labels?: string[];
    forbidden_labels?: string[];
  }
>;

let sim: RunningSimulator;
let body: string;
const MAX_LEN = 1000;
beforeAll(async () => {
  sim = await withSim({ speedup: 50, model: "m", maxModelLen: MAX_LEN });
  await Promise.all(
    Array.from({ length: 4 }, () =>
      post(sim, "/v1/completions", { prompt: "a b c", max_tokens: 5, ignore_eos: true }).then((r) => r.text()),
    ),
  );
  body = await (await fetch(`${sim.url}/metrics`)).text();
});
afterAll(() => sim.close());

const familyOf = (sample: string) => sample.replace(/_(bucket|sum|count)$/, "");
const nonZero = (v: number) => v > 0;

describe("/metrics", () => {
  it("passes promtool's exposition linter", () => {
    const r = spawnSync("promtool", ["check", "metrics"], { input: body, encoding: "utf8" });
    expect(r.error, "promtool must be installed (Debian package prometheus)").toBeUndefined();
    // promtool flags style issues (e.g. colons) as lint output but fails only on parse errors.
    expect(r.stderr + r.stdout).not.toMatch(/error while linting|parse error|text format parsing error/i);
  });

  it("exposes every metric of the fixture with vLLM's type, label names and buckets", () => {
    const { types, samples } = parseExposition(body);
    for (const [name, spec] of Object.entries(fixture)) {
      expect(types.get(name), name).toBe(spec.type);
      const own = samples.filter((s) => familyOf(s.name) === name || s.name === name);
      expect(own.length, name).toBeGreaterThan(0);
      if (spec.labels)
        for (const s of own)
          expect(
            Object.keys(s.labels)
              .filter((l) => l !== "le")
              .sort(),
            name,
          ).toEqual([...spec.labels].sort());
      if (spec.labels?.includes("model_name")) for (const s of own) expect(s.labels.model_name, name).toBe("m");
      for (const l of spec.required_labels ?? []) for (const s of own) expect(s.labels[l], `${name} ${l}`).toMatch(/./);
      for (const l of spec.forbidden_labels ?? [])
        for (const s of own) expect(s.labels[l], `${name} ${l}`).toBeUndefined();
      if (spec.label_values)
        for (const [l, values] of Object.entries(spec.label_values))
          expect([...new Set(own.map((s) => s.labels[l]))].sort(), name).toEqual(values);
      if (spec.buckets) {
        const les = own
          .filter((s) => s.name.endsWith("_bucket"))
          .map((s) => s.labels.le)
          .filter((le) => le !== "+Inf")
          .map(Number);
        const expected =
          spec.buckets === "1-2-5 up to max_model_len" ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] : spec.buckets;
        expect(les, name).toEqual(expected);
      }
    }
  });

  it("counts what was served", () => {
    const { samples } = parseExposition(body);
    const v = (n: string, l: Record<string, string> = {}) =>
      samples.find((s) => s.name === n && Object.entries(l).every(([k, x]) => s.labels[k] === x))!.value;
    expect(v("vllm:request_success_total", { finished_reason: "length" })).toBe(4);
    expect(v("vllm:generation_tokens_total")).toBe(20);
    expect(v("vllm:prompt_tokens_total")).toBe(12);
    expect(v("vllm:time_to_first_token_seconds_count")).toBe(4);
    expect(v("vllm:inter_token_latency_seconds_count")).toBe(16);
    expect(v("vllm:num_requests_running")).toBe(0);
    // cache_config_info carries the KV cache's size and the concurrency it allows, as numbers.
    const info = samples.find((s) => s.name === "vllm:cache_config_info")!.labels;
    expect(nonZero(Number(info.kv_cache_size_tokens))).toBe(true);
    expect(Number(info.kv_cache_max_concurrency)).toBeCloseTo(Number(info.kv_cache_size_tokens) / MAX_LEN, 1);
  });
});

describe("HTTP instrumentation (vLLM's prometheus-fastapi-instrumentator)", () => {
  it("counts API calls by handler, method and status class, and not health checks or scrapes", async () => {
    const s = await withSim({ speedup: 50, model: "m" });
    try {
      await (await post(s, "/v1/completions", { prompt: "a", max_tokens: 2 })).text();
      await (await post(s, "/v1/completions", { model: "other", prompt: "a", max_tokens: 2 })).text();
      await (await fetch(`${s.url}/health`)).text();
      await (await fetch(`${s.url}/metrics`)).text();
      const { types, samples } = parseExposition(await (await fetch(`${s.url}/metrics`)).text());
      expect(types.get("http_requests_total")).toBe("counter");
      const http = samples.filter((x) => x.name === "http_requests_total");
      const get = (status: string) =>
        http.find(
          (x) => x.labels.handler === "/v1/completions" && x.labels.method === "POST" && x.labels.status === status,
        )?.value;
      expect(get("2xx")).toBe(1);
      expect(get("4xx")).toBe(1);
      expect(http.map((x) => x.labels.handler)).not.toContain("/health");
      expect(http.map((x) => x.labels.handler)).not.toContain("/metrics");
    } finally {
      await s.close();
    }
  });
});

describe("recording semantics (vLLM's loggers.py: per-request histograms once per finished request)", () => {
  const scrape = async (s: RunningSimulator) => {
    const { samples } = parseExposition(await (await fetch(`${s.url}/metrics`)).text());
    return (n: string, l: Record<string, string> = {}) =>
      samples
        .filter((x) => x.name === n && Object.entries(l).every(([k, v]) => x.labels[k] === v))
        .reduce((a, x) => a + x.value, 0);
  };
  const PER_REQUEST = [
    "e2e_request_latency_seconds",
    "request_queue_time_seconds",
    "request_inference_time_seconds",
    "request_prefill_time_seconds",
    "request_decode_time_seconds",
    "request_time_per_output_token_seconds",
    "request_prompt_tokens",
    "request_generation_tokens",
    "request_params_max_tokens",
    "request_params_n",
    "request_max_num_generation_tokens",
    "request_prefill_kv_computed_tokens",
    "request_num_preemptions",
  ];

  it("a one-token output observes TPOT as 0; max_tokens and n are recorded when the request finishes", async () => {
    const s = await withSim({ speedup: 5, model: "m" });
    try {
      await (await post(s, "/v1/completions", { prompt: "a b c", max_tokens: 1 })).text();
      let v = await scrape(s);
      expect(v("vllm:request_time_per_output_token_seconds_count")).toBe(1);
      expect(v("vllm:request_time_per_output_token_seconds_sum")).toBe(0);
      const long = post(s, "/v1/completions", { prompt: "a b c", max_tokens: 40, ignore_eos: true });
      await new Promise((r) => setTimeout(r, 60));
      v = await scrape(s);
      expect(v("vllm:request_params_max_tokens_count")).toBe(1); // the running request is not counted yet
      await (await long).text();
      v = await scrape(s);
      expect(v("vllm:request_params_max_tokens_count")).toBe(2);
      expect(v("vllm:request_params_max_tokens_sum")).toBe(41);
    } finally {
      await s.close();
    }
  });

  it("a request aborted while waiting is still observed in every per-request histogram, as an abort", async () => {
    const s = await withSim({ speedup: 1, model: "m", maxNumSeqs: 1 });
    try {
      const first = post(s, "/v1/completions", { prompt: "a b c", max_tokens: 30, ignore_eos: true });
      await new Promise((r) => setTimeout(r, 30));
      const ctl = new AbortController();
      const waiting = fetch(`${s.url}/v1/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt: "d e f g", max_tokens: 5 }),
        signal: ctl.signal,
      }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
      expect((await scrape(s))("vllm:num_requests_waiting")).toBe(1);
      ctl.abort();
      await waiting;
      await new Promise((r) => setTimeout(r, 50));
      const v = await scrape(s);
      expect(v("vllm:request_success_total", { finished_reason: "abort" })).toBe(1);
      for (const h of PER_REQUEST) expect(v(`vllm:${h}_count`), h).toBe(1);
      // Never scheduled: no prompt token was computed or cached, and none counted as processed.
      expect(v("vllm:request_prefill_kv_computed_tokens_sum")).toBe(4);
      expect(v("vllm:prompt_tokens_total")).toBe(3);
      await (await first).text();
    } finally {
      await s.close();
    }
  });

  it("fixed-latency mode records queue time, iteration tokens and prefix-cache counts too", async () => {
    const s = await withSim({ fixedTtftMs: 5, fixedItlMs: 2, model: "m" });
    try {
      await (await post(s, "/v1/completions", { prompt: "a b c", max_tokens: 4, ignore_eos: true })).text();
      const v = await scrape(s);
      expect(v("vllm:request_queue_time_seconds_count")).toBe(1);
      expect(v("vllm:iteration_tokens_total_count")).toBe(4);
      expect(v("vllm:iteration_tokens_total_sum")).toBe(3 + 4);
      expect(v("vllm:prefix_cache_queries_total")).toBe(3);
      expect(v("vllm:prompt_tokens_by_source_total", { source: "local_compute" })).toBe(3);
    } finally {
      await s.close();
    }
  });
});
