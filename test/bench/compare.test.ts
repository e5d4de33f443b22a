import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { compareMain } from "../../bench/compare/cli";
import { writeOutputs } from "../../bench/client/outputs";
import { rng } from "../../bench/client/random";
import { readResultsFile, RESULT_FORMAT } from "../../bench/client/results-file";
import type { RequestRecord } from "../../bench/client/request";
import { percentile } from "../../bench/client/stats";
import { presetText } from "../../bench/contract";
import { scenario } from "./report-fixture";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-compare-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const base = {
  run_id: "r",
  partial: false,
  scenario: "c50",
  model_id: "m",
  backend: "openai-chat",
  max_concurrency: 50,
  request_rate: "inf",
  num_prompts: 100,
  duration: 10,
  completed: 100,
  failed: 0,
  success_rate: 1,
  output_throughput: 500,
  request_throughput: 10,
  p95_ttft_ms: 100,
  mean_tpot_ms: 20,
};
function file(name: string, body: object | string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, typeof body === "string" ? body : JSON.stringify(body));
  return p;
}
async function compare(args: string[]) {
  const out: string[] = [],
    err: string[] = [];
  vi.spyOn(console, "log").mockImplementation((l) => void out.push(String(l)));
  vi.spyOn(console, "error").mockImplementation((l) => void err.push(String(l)));
  const code = await compareMain(args);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("vllm-bench compare", () => {
  it("--help prints usage and exits 0", async () => {
    const r = await compare(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: vllm-bench compare OLD.results.json NEW.results.json/);
  });

  it("the same figures: no regression, exit 0; without per-request records the latencies are shown, not judged", async () => {
    const r = await compare([file("a.json", base), file("b.json", base)]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^same +success_rate +1 -> +1 \(\+0\.0%, p=/m);
    expect(r.out).toMatch(/^same +p95_ttft_ms +100 -> +100 \(\+0\.0%, no per-request samples: shown, not judged\)/m);
    expect(r.out).toMatch(/^reported +backend +"openai-chat" -> "openai-chat" \(text: shown, not compared\)/m);
    expect(r.err).toMatch(/a\.json has no per-request records \("requests"\): its latencies are shown, not judged/);
  });

  it("a lower success rate is a regression; failed and completed are judged through it", async () => {
    const r = await compare([
      file("a.json", base),
      file("worse.json", { ...base, completed: 80, failed: 20, success_rate: 0.8 }),
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^REGRESSION success_rate +1 -> +0\.80 \(-20\.0%, p=0\.0\d+\)/m);
    expect(r.out).toMatch(/^reported +failed +0 -> +20 \(new, judged through success_rate\)/m);
    expect(r.out).toMatch(
      /^1 regression\(s\): worse than the 10% tolerance and significant at α=0\.05 over \d+ judged figure/m,
    );
  });

  // Two back-to-back runs of one setup: TTFT from one lognormal distribution, 120 requests each.
  // Before, compare judged the bare figures and called their sampling noise regressions.
  it("back-to-back runs of one setup are not regressions, even at --tolerance 0.05", async () => {
    const run = (seed: number) => {
      const r = rng(seed);
      const requests: RequestRecord[] = Array.from({ length: 120 }, (_, i) => {
        const ttft = 100 * Math.exp(0.5 * Math.sqrt(-2 * Math.log(r())) * Math.cos(2 * Math.PI * r()));
        const rec = { request_id: `r${i}`, scenario: "c50", start_s: i / 10, success: true, prompt_tokens: 10 };
        return { ...rec, output_tokens: 1, ttft_ms: ttft, e2el_ms: ttft, itl_ms: [] };
      });
      const sorted = Float64Array.from(requests, (q) => q.ttft_ms!).sort();
      const figures = { median_ttft_ms: percentile(sorted, 50), p95_ttft_ms: percentile(sorted, 95) };
      return { ...base, completed: 120, num_prompts: 120, requests, ...figures, p99_ttft_ms: percentile(sorted, 99) };
    };
    const [a, b] = [run(3), run(103)];
    // The bare figures moved by more than the tolerance: the old rule called each a regression.
    for (const k of ["median_ttft_ms", "p95_ttft_ms", "p99_ttft_ms"] as const)
      expect(b[k] / a[k]).toBeGreaterThan(1.05);
    const r = await compare([file("run1.json", a), file("run2.json", b), "--tolerance", "0.05"]);
    expect(r.out).toMatch(
      /^worse +median_ttft_ms .*\(\+10\.8%, p=1\.0000, beyond the tolerance but within the noise\)/m,
    );
    // Six values beyond a P95 of 120 say nothing about its noise: shown, not judged.
    expect(r.out).toMatch(/^worse +p99_ttft_ms .*\(\+17\.2%, fewer than 10 samples beyond it: shown, not judged\)/m);
    expect(r.out).not.toMatch(/^REGRESSION/m);
    expect(r.code).toBe(0);
  });

  it("refuses a bad --tolerance, --alpha, --seed or --resamples, naming the flag", async () => {
    const [a, b] = [file("a.json", base), file("b.json", base)];
    await expect(compare([a, b, "--tolerance", "-0.1"])).rejects.toThrow(/^--tolerance: "-0\.1" must be a share ≥ 0/);
    await expect(compare([a, b, "--alpha", "1"])).rejects.toThrow(/^--alpha: "1" must be a level between 0 and 1/);
    await expect(compare([a, b, "--seed", "x"])).rejects.toThrow(/^--seed: "x" must be an integer ≥ 0/);
    await expect(compare([a, b, "--resamples", "10"])).rejects.toThrow(
      /^--resamples: "10" must be an integer from 100/,
    );
  });

  it("--report colours by verdict: a throughput 4 % lower is drawn as worse, never as same or better", async () => {
    const report = path.join(dir, "compare.html");
    const r = await compare([
      file("a.json", base),
      file("slower.json", { ...base, request_throughput: 9.6 }),
      "--report",
      report,
    ]);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(report, "utf8");
    expect(html).toContain("worse, not a regression");
    expect(html).not.toMatch(/same or better/);
  });

  it("a scenario file given instead of a results file is refused, naming it", async () => {
    const scenario = file("smoke.json", presetText("smoke"));
    await expect(compare([scenario, file("a.json", base)])).rejects.toThrow(
      /compare: .*smoke\.json is a scenario file, not a results file/,
    );
    await expect(compare([file("a.json", base)])).rejects.toThrow(/expected two results files, got 1/);
  });

  // Results files as they break: a truncated copy, hand edits, another tool's JSON, a newer
  // vllm-bench. Each is refused in one line naming the file and the field, before any comparison.
  const record = {
    request_id: "r0",
    scenario: "c50",
    start_s: 0,
    success: true,
    prompt_tokens: 10,
    output_tokens: 2,
    ttft_ms: 100,
    e2el_ms: 120,
    tpot_ms: 20,
    itl_ms: [20],
  };
  const withRecord = (over: Record<string, unknown>) => ({ ...base, requests: [{ ...record, ...over }] });
  const BROKEN: [string, object | string, RegExp][] = [
    ["not JSON (a truncated copy)", '{"completed": 100, "dur', /: not valid JSON/],
    ["empty", "", /: not valid JSON/],
    ["a JSON array", "[1,2]", /: \(root\): .*expected object, received array/],
    ["a JSON string", '"results"', /: \(root\): .*expected object/],
    ["another tool's JSON", { hello: 1 }, /: duration: .*expected number/],
    ["completed as text", { ...base, completed: "100" }, /: completed: .*expected number/],
    ["a fractional completed", { ...base, completed: 99.5 }, /: completed: .*expected int/],
    ["a negative duration", { ...base, duration: -1 }, /: duration: /],
    ["failed as null", { ...base, failed: null }, /: failed: /],
    ["a success rate above 1", { ...base, success_rate: 1.5 }, /: success_rate: /],
    ["a latency as text", { ...base, p95_ttft_ms: "100 ms" }, /: p95_ttft_ms: "100 ms" is not a figure/],
    ["a negative throughput", { ...base, output_throughput: -5 }, /: output_throughput: -5 is not a figure/],
    ["a request rate as words", { ...base, request_rate: "fast" }, /: request_rate: /],
    ["a concurrency of 0", { ...base, max_concurrency: 0 }, /: max_concurrency: /],
    ["requests as an object", { ...base, requests: {} }, /: requests: .*expected array/],
    ["a request that is a number", { ...base, requests: [7] }, /: requests\.0: .*expected object/],
    ["a request with a negative TTFT", withRecord({ ttft_ms: -3 }), /: requests\.0\.ttft_ms: /],
    ["a request with a NaN latency (null)", withRecord({ e2el_ms: null }), /: requests\.0\.e2el_ms: /],
    ["a request with a latency as text", withRecord({ tpot_ms: "20" }), /: requests\.0\.tpot_ms: /],
    ["a request with a negative gap", withRecord({ itl_ms: [20, -1] }), /: requests\.0\.itl_ms\.1: /],
    ["a request whose success is text", withRecord({ success: "yes" }), /: requests\.0\.success: /],
    ["a request with fractional tokens", withRecord({ output_tokens: 1.5 }), /: requests\.0\.output_tokens: /],
    [
      "a newer result format",
      { ...base, result_format: 2 },
      /: result_format: 2 is not result format 1, the results layout this vllm-bench reads/,
    ],
    ["a result format as text", { ...base, result_format: "1" }, /: result_format: "1" is not result format 1/],
  ];
  it.each(BROKEN)("refuses %s in one line naming the file and the field", async (_label, body, message) => {
    const bad = file("broken.results.json", body);
    const err = await compare([file("a.json", base), bad]).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/^compare: \S*broken\.results\.json: /);
    expect(err?.message).toMatch(message);
    expect(err?.message).not.toContain("\n");
  });

  it("reads what run writes (result_format 1, its records) and vllm bench serve's summary (neither)", async () => {
    const ours = { ...base, result_format: 1, requests: [record] };
    // Top-level keys as vllm bench serve --save-result writes them: no requests, no result_format.
    const vllm = {
      date: "20250101-000000",
      backend: "vllm",
      model_id: "m",
      tokenizer_id: "m",
      num_prompts: 100,
      request_rate: "inf",
      burstiness: 1,
      max_concurrency: null,
      duration: 10,
      completed: 100,
      total_input_tokens: 1000,
      total_output_tokens: 5000,
      request_throughput: 10,
      request_goodput: null,
      output_throughput: 500,
      total_token_throughput: 600,
      mean_ttft_ms: 90,
      median_ttft_ms: 88,
      std_ttft_ms: 5,
      p99_ttft_ms: 110,
      input_lens: [10],
      ttfts: [0.09],
      errors: [""],
    };
    const r = await compare([file("ours.json", ours), file("vllm.json", vllm)]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/vllm\.json has no per-request records/);
  });

  it("vllm-bench run writes the result format it reads", () => {
    const out = path.join(dir, "written");
    const [written] = writeOutputs(out, "run-1", [{ ...scenario("c50", 3, 100, 20), records: [record] }]);
    expect(readResultsFile(written, "compare")).toMatchObject({ result_format: RESULT_FORMAT, requests: [record] });
  });

  it("warns when the two runs are of different scenarios, models or loads, or partial", async () => {
    const r = await compare([
      file("a.json", base),
      file("c.json", { ...base, scenario: "c100", max_concurrency: 100, partial: true }),
    ]);
    expect(r.err).toMatch(/warning: the two runs differ in scenario \("c50" vs "c100"\)/);
    expect(r.err).toMatch(/warning: the two runs differ in max_concurrency \(50 vs 100\)/);
    expect(r.err).toMatch(/c\.json is partial/);
  });
});
