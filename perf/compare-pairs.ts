// Pairs of real benchmark runs against the simulator, for calibrating `vllm-bench compare`: both
// runs of a pair use one setup (fresh simulator and seeds each), the second optionally with the
// simulator's latencies multiplied by a slowdown.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RequestRecord } from "../bench/client/request";
import type { BenchmarkResult } from "../bench/client/result";
import { runBenchmark } from "../bench/client/run";
import { compareResults, type CompareOptions } from "../bench/compare/verdict";
import { DEFAULT_PERCENTILES, LATENCY_METRICS } from "../bench/contract";
import { startSimulator } from "../bench/sim";

/**
 * The simulator's known latency: fixed-latency mode (TTFT 400 ms, 40 ms between tokens), which
 * keeps every stream on its ideal timeline, so the host's timer lateness on a shared machine
 * jitters single gaps but does not pile up (the engine model chains its steps, and there a busy
 * host slows every step by its lateness and drowns a slowdown). A slowdown multiplies both.
 */
export const CALIBRATION_SIM = { fixedTtftMs: 400, fixedItlMs: 40 };

/** The calibration workload: a closed loop of 10 users, short prompts and outputs, a few seconds a run. */
export const CALIBRATION_SCENARIO = {
  name: "compare-calibration",
  version: "1",
  description: "back-to-back runs of one setup for vllm-bench compare's calibration",
  defaults: {
    backend: "openai-chat",
    endpoint_path: "/v1/chat/completions",
    dataset_type: "random",
    percentile_metrics: LATENCY_METRICS.join(","),
    metric_percentiles: DEFAULT_PERCENTILES.join(","),
  },
  scenarios: [
    {
      name: "pair",
      description: "10 concurrent users",
      max_concurrency: 10,
      num_prompts: 40,
      random_input_len: 128,
      random_output_len: 16,
      num_warmups: 2,
    },
  ],
  thresholds: {},
};

/** One run against a fresh simulator: the results object as its results.json has it (records included). */
export async function simulatedRun(
  seed: number,
  slowdown: number,
  dir: string,
): Promise<BenchmarkResult & { requests: RequestRecord[] }> {
  const config = path.join(dir, "scenario.json");
  if (!fs.existsSync(config)) fs.writeFileSync(config, JSON.stringify(CALIBRATION_SCENARIO));
  const sim = await startSimulator({
    host: "127.0.0.1",
    port: 0,
    seed,
    fixedTtftMs: CALIBRATION_SIM.fixedTtftMs * slowdown,
    fixedItlMs: CALIBRATION_SIM.fixedItlMs * slowdown,
  });
  try {
    const out = await runBenchmark({
      baseUrl: sim.url,
      config,
      outputDir: path.join(dir, "results"),
      seed,
      timeoutMs: 60_000,
      log: () => {},
    });
    const s = out.results[0];
    return { ...s.result, requests: s.records };
  } finally {
    await sim.close();
  }
}

export interface PairOutcome {
  slowdown: number;
  regressions: string[];
}

/** `pairs` pairs at each slowdown; run k of a setup gets its own seeds. */
export async function comparePairs(
  pairs: number,
  slowdowns: number[],
  opts: Partial<CompareOptions> = {},
  onPair: (o: PairOutcome, i: number) => void = () => {},
): Promise<PairOutcome[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vllm-bench-compare-cal-"));
  const out: PairOutcome[] = [];
  try {
    for (let i = 0; i < pairs; i++)
      for (const slowdown of slowdowns) {
        const seed = 1000 + out.length * 2;
        const before = await simulatedRun(seed, 1, dir);
        const after = await simulatedRun(seed + 1, slowdown, dir);
        const c = compareResults(before, after, opts);
        const o = { slowdown, regressions: c.rows.filter((r) => r.verdict === "regression").map((r) => r.key) };
        out.push(o);
        onPair(o, out.length);
      }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
