import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSimulator } from "../../bench/sim";
import { runBenchmark } from "../../bench/client/run";
import { parseScenarioFile } from "../../bench/contract";
import { aggregate } from "../../bench/client/stats";
import { NO_FAULTS, setFaults, startFaultSim } from "./fault-sim";

// A failed run must read as failed: error kinds with their first message, no PASS over no data.

let sim: RunningSimulator;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-summary-"));
beforeAll(async () => {
  sim = await startFaultSim({ fixedTtftMs: 5, fixedItlMs: 2 });
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(body: object, extra: object = {}) {
  const config = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(config, JSON.stringify(body));
  const lines: string[] = [];
  const out = await runBenchmark({
    baseUrl: sim.url,
    config,
    outputDir: dir,
    seed: 1,
    timeoutMs: 10_000,
    log: (l) => lines.push(l),
    ...extra,
  });
  return { ...out, console: lines.join("\n") };
}

describe("console summary of failed requests", () => {
  it("every request fails: error kinds with the first message, FAIL (no data), never PASS, exit 1", async () => {
    await setFaults(sim.url, { errorRate: 1, errorStatus: 500 });
    try {
      const out = await run({
        defaults: { metric_percentiles: "50,95" },
        scenarios: [
          { name: "all-fail", max_concurrency: 2, num_prompts: 6, random_input_len: 4, random_output_len: 2 },
        ],
        thresholds: { ttft_p95_ms: 2000, tpot_mean_ms: 100, output_rate_per_request_min: 1, success_rate: 0 },
      });
      expect(out.exitCode).toBe(1);
      expect(out.console).toMatch(/^ {2}http × 6 \(HTTP 500 × 6\): HTTP 500: .*Injected fault/m);
      expect(out.console).toMatch(/FAIL \(no data\) ttft_p95_ms \(limit 2000\)/);
      expect(out.console).toMatch(/FAIL \(no data\) tpot_mean_ms/);
      expect(out.console).toMatch(/FAIL \(no data\) output_rate_per_request_min/);
      // success_rate has data (six attempts, none good): 0 ≥ 0 is a real pass, the only one allowed.
      expect(out.console.match(/^PASS .*/gm)).toEqual([expect.stringMatching(/^PASS success_rate/)]);
      expect(out.console).toMatch(/FAIL: every one of 6 requests failed/);
      const t = out.results[0].thresholds.find((x) => x.name === "ttft_p95_ms")!;
      expect(t).toMatchObject({ passed: false, no_data: true });
      // Saved as null (not 0 ms) in results.json.
      const json = JSON.parse(
        fs.readFileSync(
          out.files.find((f) => f.endsWith("all-fail.results.json"))!,
          "utf8",
        ),
      );
      expect(json.thresholds[0]).toMatchObject({ name: "ttft_p95_ms", value: null, no_data: true });
      expect(json.first_error_by_type.http).toMatch(/^HTTP 500/);
    } finally {
      await setFaults(sim.url, NO_FAULTS);
    }
  });

  it("every request fails and there are no thresholds: still exit 1", async () => {
    const out = await run(
      { scenarios: [{ name: "wrong-model", num_prompts: 3, random_input_len: 4, random_output_len: 2 }] },
      { model: "no-such-model" },
    );
    expect(out.exitCode).toBe(1);
    expect(out.console).toMatch(/^ {2}http × 3 \(HTTP 404 × 3\): HTTP 404: .*no-such-model/m);
  });

  it("TPOT over one-token outputs has no data even though requests succeeded", () => {
    const rec = {
      request_id: "a",
      scenario: "s",
      start_s: 0,
      success: true,
      prompt_tokens: 1,
      output_tokens: 1,
      ttft_ms: 5,
      e2el_ms: 5,
      itl_ms: [],
    };
    const r = aggregate(
      {
        date: "",
        backend: "openai",
        model_id: "m",
        scenario: "s",
        num_prompts: 1,
        request_rate: "inf",
        burstiness: 1,
        max_concurrency: null,
        duration: 1,
        percentiles: [95],
      },
      [rec],
    );
    expect(r.samples).toEqual({ ttft: 1, tpot: 0, itl: 0, e2el: 1 });
  });
});

describe("goodput", () => {
  it("the docs' scenario example (goodput with two of the three keys) loads and its goodput counts", async () => {
    const docs = fs.readFileSync(path.join(__dirname, "../../docs/benchmark.md"), "utf8");
    const example = docs.match(/## Scenario files[\s\S]*?```json\n([\s\S]*?)```/)![1];
    const file = parseScenarioFile(JSON.parse(example), "docs/benchmark.md");
    expect(file.defaults.goodput).toEqual({ ttft: 200, tpot: 50 });
    const out = await run({
      defaults: { goodput: { e2el: 60_000 } },
      scenarios: [{ name: "good", num_prompts: 4, random_input_len: 4, random_output_len: 3 }],
    });
    const r = out.results[0].result as Record<string, number>;
    expect(r.request_goodput).toBeCloseTo(4 / r.duration, 6); // every request meets a 60 s E2E SLO
    expect(() => parseScenarioFile({ defaults: { goodput: {} }, scenarios: [{ name: "x" }] }, "f")).toThrow(
      /defaults\.goodput: name at least one of ttft, tpot, e2el/,
    );
    expect(() => parseScenarioFile({ defaults: { goodput: { itl: 5 } }, scenarios: [{ name: "x" }] }, "f")).toThrow(
      /defaults\.goodput\.itl: unknown key; allowed: ttft, tpot, e2el/,
    );
  });
});
