// `vllm-bench compare`'s verdicts on synthetic runs whose distributions are known: back-to-back
// runs of one setup (the same distribution) are called regressions in at most 5 % of pairs, and a
// real 20 % slowdown in at least 95 %. Each run is aggregated exactly as `vllm-bench run` does.
import { describe, expect, it } from "vitest";
import { rng } from "../../bench/client/random";
import type { RequestRecord } from "../../bench/client/request";
import type { BenchmarkResult } from "../../bench/client/result";
import type { ResultsFile } from "../../bench/client/results-file";
import { aggregate } from "../../bench/client/stats";
import { compareResults } from "../../bench/compare/verdict";

const REQUESTS = 200;

/**
 * One run: TTFT lognormal around 100 ms (σ 0.3), seven inter-token gaps around 20 ms (σ 0.2), all
 * times `slowdown`; the gaps are recorded only when asked (they multiply the bootstrap's work).
 */
type Run = BenchmarkResult & { requests: RequestRecord[] };
function syntheticRun(seed: number, slowdown = 1, { failed = 0, gaps = false } = {}): Run {
  const r = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
  const records: RequestRecord[] = Array.from({ length: REQUESTS }, (_, i) => {
    const ok = i >= failed;
    const ttft = 100 * Math.exp(0.3 * normal()) * slowdown;
    const itl = Array.from({ length: 7 }, () => 20 * Math.exp(0.2 * normal()) * slowdown);
    return {
      request_id: `r${i}`,
      scenario: "s",
      start_s: i * 0.05,
      success: ok,
      prompt_tokens: 100,
      output_tokens: ok ? 8 : 0,
      ...(ok ? { ttft_ms: ttft, e2el_ms: ttft + itl.reduce((a, b) => a + b, 0) } : {}),
      itl_ms: ok && gaps ? itl : [],
    };
  });
  const info = {
    date: "d",
    backend: "openai-chat",
    model_id: "m",
    scenario: "s",
    num_prompts: REQUESTS,
    request_rate: "inf" as const,
    burstiness: 1,
    max_concurrency: 10,
    duration: 20,
    percentiles: [50, 90, 95, 99],
  };
  return { ...aggregate(info, records), requests: records };
}

const PAIRS = 40;
const regressed = (a: ResultsFile, b: ResultsFile, tolerance: number) =>
  compareResults(a, b, { tolerance, resamples: 500 }).regressions > 0;

describe("compare: noise is not a regression, a real slowdown is", () => {
  it(`back-to-back runs of one setup: at most 5 % of ${PAIRS} pairs called regressions, even at tolerance 0`, () => {
    // A larger tolerance only calls fewer: 0 (the test alone) and 0.05 (the case) bound the rest.
    for (const tolerance of [0, 0.05]) {
      const called = Array.from({ length: PAIRS }, (_, i) =>
        regressed(syntheticRun(2 * i + 1), syntheticRun(2 * i + 2), tolerance),
      );
      expect(called.filter(Boolean).length, `tolerance ${tolerance}`).toBeLessThanOrEqual(PAIRS * 0.05);
    }
  });

  it(`a 20 % slowdown is caught in at least 95 % of ${PAIRS} pairs at the default tolerance`, () => {
    const caught = Array.from({ length: PAIRS }, (_, i) =>
      regressed(syntheticRun(1000 + 2 * i), syntheticRun(1001 + 2 * i, 1.2), 0.1),
    );
    expect(caught.filter(Boolean).length).toBeGreaterThanOrEqual(PAIRS * 0.95);
  });

  it("the old rule (a figure beyond the tolerance is a regression) calls this noise a regression", () => {
    // What compare did before: any *_ms figure more than 5 % worse was a regression.
    const oldRule = (a: ResultsFile, b: ResultsFile) =>
      Object.keys(a).some((k) => /_ms$/.test(k) && typeof a[k] === "number" && (b[k] as number) > a[k] * 1.05);
    const pairs = Array.from({ length: PAIRS }, (_, i) => [syntheticRun(2 * i + 1), syntheticRun(2 * i + 2)] as const);
    expect(pairs.filter(([a, b]) => oldRule(a, b)).length).toBeGreaterThan(PAIRS / 4);
    expect(pairs.filter(([a, b]) => regressed(a, b, 0.05)).length).toBeLessThanOrEqual(PAIRS * 0.05);
  });

  it("is reproducible: the same runs and seed give the same p-values", () => {
    const [a, b] = [syntheticRun(7), syntheticRun(8, 1.1)];
    const p = (seed: number) => compareResults(a, b, { seed, resamples: 500 }).rows.map((r) => r.p);
    expect(p(3)).toEqual(p(3));
  });
});

describe("compare: what is judged and how it is shown", () => {
  const a = syntheticRun(11);
  const row = (c: ReturnType<typeof compareResults>, key: string) => c.rows.find((r) => r.key === key)!;

  it("dispersion fields are shown, never judged", () => {
    const c = compareResults(a, { ...syntheticRun(12, 1.5), std_ttft_ms: 10_000 });
    expect(row(c, "std_ttft_ms")).toMatchObject({ verdict: "reported", note: "dispersion: shown, not judged" });
    expect(row(c, "std_ttft_ms").p).toBeUndefined();
  });

  it("a run where every request failed has no data, not 0 ms; its success rate is the regression", () => {
    const dead = syntheticRun(13, 1, { failed: REQUESTS });
    expect(dead.median_ttft_ms).toBe(0); // the aggregate's placeholder, which compare must not read as a latency
    const c = compareResults(a, dead);
    expect(row(c, "median_ttft_ms")).toMatchObject({ verdict: "no data" });
    expect(row(c, "mean_e2el_ms")).toMatchObject({ verdict: "no data" });
    // Nothing completed: the success rate and the throughputs fell, and that is the regression.
    expect(c.rows.filter((r) => r.verdict === "regression").map((r) => r.key)).toEqual([
      "success_rate",
      "request_throughput",
      "output_throughput",
      "total_token_throughput",
    ]);
  });

  it("text fields are shown as text, and nested ones listed", () => {
    const c = compareResults({ ...a, backend: "openai" }, a);
    expect(row(c, "backend")).toMatchObject({
      old: "openai",
      new: "openai-chat",
      verdict: "reported",
      note: "text: shown, not compared",
    });
    expect(c.nested).toEqual(expect.arrayContaining(["errors_by_type", "samples"]));
  });

  it("verdicts are direction-aware: a 4 % throughput drop is worse (never same or better), lower latency is better", () => {
    const c = compareResults(a, { ...a, output_throughput: a.output_throughput * 0.96 });
    expect(row(c, "output_throughput")).toMatchObject({ verdict: "worse", direction: "higher" });
    const faster = compareResults(a, syntheticRun(14, 0.7));
    expect(row(faster, "median_ttft_ms")).toMatchObject({ verdict: "better", direction: "lower" });
  });

  it("latencies of a file without per-request records are shown with their direction, not judged", () => {
    const summary = { ...a, requests: undefined };
    const c = compareResults(summary, { ...summary, p99_ttft_ms: a.p99_ttft_ms * 2 });
    expect(row(c, "p99_ttft_ms")).toMatchObject({
      verdict: "worse",
      note: "no per-request samples: shown, not judged",
    });
    expect(c.regressions).toBe(0);
  });

  it("resamples inter-token gaps by blocks of requests, so one slow stream is not a thousand samples", () => {
    const [old, slow] = [syntheticRun(15, 1, { gaps: true }), syntheticRun(16, 1.3, { gaps: true })];
    const c = compareResults(old, slow);
    expect(row(c, "median_itl_ms")).toMatchObject({ verdict: "regression" });
    // One stream 50× slower in every gap: a tail change, but one request among 200.
    const requests = old.requests.map((r, i) => (i ? r : { ...r, itl_ms: r.itl_ms.map((g) => g * 50) }));
    const oneSlow = compareResults(old, { ...old, requests });
    expect(row(oneSlow, "p99_itl_ms").verdict).not.toBe("regression");
  });
});
