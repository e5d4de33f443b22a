import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FaultOptions, RunningSimulator, SimOptions } from "../../bench/sim";
import { runBenchmark, type RunOptions, type RunOutcome } from "../../bench/client/run";
import { NO_FAULTS, setFaults, startFaultSim } from "./fault-sim";

// The client's fault matrix: each fault injected through the simulator's /sim/faults (or its
// start options), and each run checked for counts that add up and files that parse. The
// "server killed" and "client signalled while stalled / twice" cases are in nothing-lost*.test.ts.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-faults-"));
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startFaultSim({ fixedTtftMs: 10, fixedItlMs: 5 });
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const N = 12;
let k = 0;
async function run(
  faults: Partial<FaultOptions>,
  extra: Partial<RunOptions> = {},
  scenarioExtra: object = {},
): Promise<RunOutcome & { json: any }> {
  // A fresh simulator of the test's own has no faults (and a loading one is not listening yet).
  if (extra.baseUrl === undefined || Object.keys(faults).length)
    await setFaults(extra.baseUrl ?? sim.url, { ...NO_FAULTS, ...faults });
  const config = path.join(dir, `f${++k}.json`);
  fs.writeFileSync(
    config,
    JSON.stringify({
      defaults: { metric_percentiles: "50,99" },
      scenarios: [
        { name: "f", max_concurrency: 4, num_prompts: N, random_input_len: 8, random_output_len: 6, ...scenarioExtra },
      ],
      thresholds: { success_rate: 0.5 },
    }),
  );
  const outputDir = path.join(dir, `out${k}`);
  try {
    const out = await runBenchmark({
      baseUrl: sim.url,
      config,
      outputDir,
      seed: 1,
      timeoutMs: 5000,
      log: () => {},
      ...extra,
    });
    // Files: the results JSON parses, its records add up, the CSV has a row per record.
    const latest = path.join(outputDir, "latest");
    const json = JSON.parse(fs.readFileSync(path.join(latest, "f.results.json"), "utf8"));
    expect(json.requests.length).toBe(json.completed + json.failed);
    expect(fs.readFileSync(path.join(latest, "f.requests.csv"), "utf8").trim().split("\n")).toHaveLength(
      json.requests.length + 1,
    );
    const byType = Object.values(json.errors_by_type as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(byType).toBe(json.failed);
    return { ...out, json };
  } finally {
    await setFaults(extra.baseUrl ?? sim.url, NO_FAULTS);
  }
}

describe("fault matrix", () => {
  it("error rate 0.5: some requests fail as http 500, the rest succeed, all counted", async () => {
    const { json } = await run({ errorRate: 0.5, errorStatus: 500 });
    expect(json.completed + json.failed).toBe(N);
    expect(json.failed).toBeGreaterThan(0);
    expect(json.completed).toBeGreaterThan(0);
    expect(Object.keys(json.errors_by_type)).toEqual(["http"]);
    expect(json.first_error_by_type.http).toMatch(/^HTTP 500/);
  });

  it("stall before the first token, shorter than the timeout: every request succeeds and TTFT carries the stall", async () => {
    const { json } = await run({ stallBeforeFirstTokenMs: 300 });
    expect(json).toMatchObject({ completed: N, failed: 0 });
    expect(json.median_ttft_ms).toBeGreaterThanOrEqual(300);
  });

  it("stall before the first token, past the timeout: every request is a timeout", async () => {
    const { json, exitCode } = await run({ stallBeforeFirstTokenMs: 3000 }, { timeoutMs: 300 }, { num_prompts: 4 });
    expect(json).toMatchObject({ completed: 0, failed: 4, errors_by_type: { timeout: 4 } });
    expect(exitCode).toBe(1);
    expect(json.thresholds[0]).toMatchObject({ name: "success_rate", passed: false });
  });

  it("mid-stream stall: every request succeeds, one gap per request carries the stall", async () => {
    const { json } = await run({ stallAfterTokens: 2, stallMidStreamMs: 300 });
    expect(json).toMatchObject({ completed: N, failed: 0 });
    for (const r of json.requests) expect(Math.max(...r.itl_ms)).toBeGreaterThanOrEqual(290);
  });

  it("dropped streams: every request is incomplete, none lost", async () => {
    const { json } = await run({ dropAfterTokens: 2 });
    expect(json.failed).toBe(N);
    expect(Object.keys(json.errors_by_type)).toEqual([expect.stringMatching(/^(incomplete|connection)$/)]);
  });

  it("a malformed chunk: every request is malformed", async () => {
    const { json } = await run({ malformedAfterTokens: 2 });
    expect(json).toMatchObject({ failed: N, errors_by_type: { malformed: N } });
  });

  it("slowdown: the engine-mode simulator's steps take 3x longer, every request succeeds and is slower", async () => {
    const engine = await startFaultSim({ stepBaseMs: 6, speedup: 1 });
    try {
      const base = await run({}, { baseUrl: engine.url });
      const slow = await run({ slowdown: 3 }, { baseUrl: engine.url });
      expect(slow.json).toMatchObject({ completed: N, failed: 0 });
      expect(slow.json.median_itl_ms).toBeGreaterThan(2 * base.json.median_itl_ms);
    } finally {
      await engine.close();
    }
  });

  it("slow start: the run waits for /health, then every request succeeds", async () => {
    const loading = await startFaultSim({ startupDelayMs: 2000, fixedTtftMs: 10, fixedItlMs: 5 });
    try {
      const { json } = await run({}, { baseUrl: loading.url, readyTimeoutS: 30 });
      expect(json).toMatchObject({ completed: N, failed: 0 });
    } finally {
      await loading.close();
    }
  });

  it("queue full: 429s are counted as http errors with their message, the rest succeed", async () => {
    const opts: Partial<SimOptions> = { maxNumSeqs: 1, maxWaiting: 1, stepBaseMs: 20 };
    const full = await startFaultSim(opts);
    try {
      const { json } = await run({}, { baseUrl: full.url }, { max_concurrency: 8 });
      expect(json.completed + json.failed).toBe(N);
      expect(json.completed).toBeGreaterThan(0);
      expect(json.errors_by_type.http).toBeGreaterThan(0);
      expect(json.first_error_by_type.http).toMatch(/^HTTP 429/);
    } finally {
      await full.close();
    }
  });

  it("signalled during warm-up: no request recorded, files written, exit 3", async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 500);
    const out = await run(
      { stallBeforeFirstTokenMs: 60_000 },
      { signal: ctl.signal, stopGraceS: 2 },
      { num_warmups: 4 },
    );
    expect(out.exitCode).toBe(3);
    expect(out.json).toMatchObject({ partial: true, completed: 0, failed: 0, stop_reason: "interrupted by a signal" });
  });
});
