import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "../../bench/sim";
import { runBenchmark, type RunOptions } from "../../bench/client/run";

let sim: RunningSimulator;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-test-"));
const TTFT = 60,
  ITL = 15,
  OUT = 12;

function scenarioFile(name: string, body: object): string {
  const p = path.join(dir, `${name}.json`);
  fs.writeFileSync(
    p,
    JSON.stringify({ name, defaults: { backend: "openai-chat", metric_percentiles: "50,95,99" }, ...body }),
  );
  return p;
}
const opts = (config: string, extra: Partial<RunOptions> = {}): RunOptions => ({
  baseUrl: sim.url,
  config,
  outputDir: path.join(dir, path.basename(config, ".json")),
  seed: 1,
  timeoutMs: 10_000,
  log: () => {},
  ...extra,
});

beforeAll(async () => {
  sim = await startSimulator({ fixedTtftMs: TTFT, fixedItlMs: ITL, model: "fixed" });
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("metric definitions against known latencies (simulator fixed-latency mode)", () => {
  it("measures TTFT, ITL, TPOT and E2EL as vLLM defines them, with server token counts", async () => {
    const cfg = scenarioFile("fixed", {
      scenarios: [{ name: "c8", max_concurrency: 8, num_prompts: 32, random_input_len: 50, random_output_len: OUT }],
    });
    // Simulator and client share this process: any event-loop stall (GC, a busy shared CPU)
    // delays both, so the upper bounds allow the stall actually measured during the run.
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const { results, exitCode } = await runBenchmark(opts(cfg));
    loop.disable();
    const slackTypical = 10 + loop.percentile(99) / 1e6; // ms, for medians
    const slackWorst = 10 + loop.max / 1e6; // ms, for means
    const r = results[0].result as Record<string, number>;
    expect(exitCode).toBe(0);
    expect(r.completed).toBe(32);
    expect(r.total_output_tokens).toBe(32 * OUT);
    expect(r.total_input_tokens).toBeGreaterThanOrEqual(32 * 50);

    // The definitions themselves hold exactly on every record (no timing tolerance needed).
    for (const rec of results[0].records) {
      expect(rec.itl_ms).toHaveLength(OUT - 1); // one gap between each pair of content chunks
      expect(rec.e2el_ms!).toBeCloseTo(rec.ttft_ms! + rec.itl_ms.reduce((a, b) => a + b, 0), 6);
      expect(rec.tpot_ms!).toBeCloseTo((rec.e2el_ms! - rec.ttft_ms!) / (OUT - 1), 6);
    }
    // Same output length everywhere, so pooled ITL and per-request TPOT have the same mean.
    expect(r.mean_tpot_ms).toBeCloseTo(r.mean_itl_ms, 6);

    // Against the configured latencies: a timer never fires early, so the lower bounds are firm.
    expect(r.median_ttft_ms).toBeGreaterThanOrEqual(TTFT);
    expect(r.median_ttft_ms).toBeLessThan(TTFT + slackTypical);
    expect(r.mean_ttft_ms).toBeLessThan(TTFT + slackWorst);
    // The simulator paces tokens on an ideal timeline: after a stall (a descheduled vCPU, GC) the
    // overdue tokens come at once, so single gaps and their median may be far off, but the mean
    // gap of a request is (last − first)/(n − 1) and only moves by the stall at either end.
    expect(Math.abs(r.mean_itl_ms - ITL)).toBeLessThan(ITL * 0.05 + (2 * slackWorst) / (OUT - 1));
    expect(r.median_e2el_ms).toBeGreaterThanOrEqual(TTFT + (OUT - 1) * ITL);
    expect(r.mean_e2el_ms).toBeLessThan(TTFT + (OUT - 1) * ITL + 2 * slackWorst);
    expect(r.max_concurrent_requests).toBe(8);
    expect(r.request_throughput).toBeCloseTo(32 / r.duration, 5);
    for (const k of [
      "date",
      "backend",
      "model_id",
      "num_prompts",
      "request_rate",
      "burstiness",
      "max_concurrency",
      "duration",
      "failed",
      "request_goodput",
      "output_throughput",
      "total_token_throughput",
      "max_output_tokens_per_s",
      "median_ttft_ms",
      "std_itl_ms",
      "p99_itl_ms",
      "p95_e2el_ms",
    ])
      expect(r, k).toHaveProperty(k);
    expect(r.model_id).toBe("fixed"); // discovered from /v1/models
  });

  it("writes results.json with per-request records, CSV and an HTML report", async () => {
    const cfg = scenarioFile("files", {
      scenarios: [{ name: "one", max_concurrency: 2, num_prompts: 4, random_input_len: 10, random_output_len: 4 }],
    });
    const { files } = await runBenchmark(opts(cfg));
    const json = JSON.parse(
      fs.readFileSync(
        files.find((f) => f.endsWith("one.results.json"))!,
        "utf8",
      ),
    );
    expect(json.requests).toHaveLength(4);
    expect(new Set(json.requests.map((r: any) => r.request_id)).size).toBe(4);
    expect(
      fs
        .readFileSync(
          files.find((f) => f.endsWith("one.requests.csv"))!,
          "utf8",
        )
        .trim()
        .split("\n"),
    ).toHaveLength(5);
    expect(
      fs.readFileSync(
        files.find((f) => f.endsWith("report.html"))!,
        "utf8",
      ),
    ).toMatch(/<svg[^>]* class="plot"/);
  });
});

describe("thresholds and faults", () => {
  it("exits 1 when a threshold fails and 0 when it passes", async () => {
    const base = {
      scenarios: [{ name: "t", max_concurrency: 4, num_prompts: 8, random_input_len: 10, random_output_len: 5 }],
    };
    expect(
      (await runBenchmark(opts(scenarioFile("strict", { ...base, thresholds: { ttft_p95_ms: 10 } })))).exitCode,
    ).toBe(1);
    expect(
      (await runBenchmark(opts(scenarioFile("loose", { ...base, thresholds: { ttft_p95_ms: 5000, success_rate: 1 } }))))
        .exitCode,
    ).toBe(0);
  });

  it.each([
    ["http", { errorRate: 1, errorStatus: 500 }],
    ["incomplete", { dropAfterTokens: 2 }],
    ["malformed", { malformedAfterTokens: 2 }],
  ] as const)("counts %s errors by type without crashing", async (kind, fault) => {
    sim.setFaults(fault);
    try {
      const cfg = scenarioFile(`fault-${kind}`, {
        scenarios: [{ name: "f", max_concurrency: 4, num_prompts: 6, random_input_len: 10, random_output_len: 5 }],
        thresholds: { success_rate: 0.95 },
      });
      const { results, exitCode } = await runBenchmark(opts(cfg));
      const r = results[0].result as any;
      expect(r.failed).toBe(6);
      const counted = Object.entries(r.errors_by_type as Record<string, number>);
      expect(counted.reduce((a, [, n]) => a + n, 0)).toBe(6);
      expect(Object.keys(r.errors_by_type)).toEqual([
        kind === "incomplete" ? expect.stringMatching(/incomplete|connection/) : kind,
      ]);
      expect(exitCode).toBe(1);
    } finally {
      sim.setFaults({ errorRate: 0, dropAfterTokens: 0, malformedAfterTokens: 0 });
    }
  });

  it("counts a stall past the timeout as a timeout", async () => {
    sim.setFaults({ stallBeforeFirstTokenMs: 2000 });
    try {
      const cfg = scenarioFile("stall", {
        scenarios: [{ name: "s", max_concurrency: 2, num_prompts: 2, random_input_len: 10, random_output_len: 3 }],
      });
      const { results } = await runBenchmark(opts(cfg, { timeoutMs: 300 }));
      expect((results[0].result as any).errors_by_type).toEqual({ timeout: 2 });
    } finally {
      sim.setFaults({ stallBeforeFirstTokenMs: 0 });
    }
  });

  it("rejects a bad scenario file naming the field", async () => {
    const cfg = scenarioFile("bad", { scenarios: [{ name: "x", max_concurency: 3 }], thresholds: { ttft_p95: 1 } });
    await expect(runBenchmark(opts(cfg))).rejects.toThrow(
      /scenarios\.0\.max_concurency: unknown key; did you mean "max_concurrency"\?[\s\S]*thresholds\.ttft_p95: unknown threshold/,
    );
  });
});
