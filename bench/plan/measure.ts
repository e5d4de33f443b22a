import * as fs from "node:fs";
import * as path from "node:path";
import type { RequestRecord } from "../client/request";
import type { BenchmarkResult } from "../client/result";
import { runBenchmark } from "../client/run";
import { parseLatencyThreshold, type ScenarioFile } from "../contract";
import { aggregate, type RunInfo, type ThresholdResult } from "../client/stats";
import { judge, type Judgement, type SteadyWindow } from "./judge";
import type { Measurement } from "./search";
import { checkSlos, slack, sloPercentiles, type Slos } from "./slo";

// One rate point: an open-loop (Poisson) run at `rate` through the ordinary run machinery
// (runBenchmark), then the figures again over the steady state only: requests that started
// after the warm-up seconds, over the time after them. The first seconds fill an empty batch
// and would flatter every latency.

export interface PointSettings {
  baseUrl: string;
  model?: string;
  apiKey?: string;
  /** The workload: the scenario file's defaults and its first scenario's lengths. */
  file: ScenarioFile;
  slos: Slos;
  durationS: number;
  warmupS: number;
  seed: number;
  outputDir: string;
  log: (line: string) => void;
  signal?: AbortSignal;
  readyTimeoutS?: number;
  /** Added to the point's folder name (a confirmation point beside the short one at its rate). */
  label?: string;
}

export interface PointMeasurement extends Measurement {
  attempt: number;
  /** Steady-state aggregates (vLLM's keys), with the rate offered and the warm-up left out. */
  result: BenchmarkResult & { offered_rate: number; warmup_s: number };
  checks: ThresholdResult[];
  /** Every SLO's point estimate met (as a single run judges it). */
  passed: boolean;
  /** Tightest SLO's distance from its limit as a fraction of it (negative: violated; NaN: no data). */
  slack: number;
  /** The steady window alone, and this measurement's verdict with its intervals (judge.ts). */
  steady: SteadyWindow;
  judgement: Judgement;
  /** Per-request records of the whole point, warm-up included (start_s from the point's start). */
  records: RequestRecord[];
  partial: boolean;
  /** Why a partial point stopped (a signal, the server gone). */
  stopReason?: string;
}

/** Request timeout for a point: long enough for any request that could still meet the SLOs. */
export function pointTimeoutMs(slos: Slos): number {
  // Bounds on how long a request waits for its first token or its whole answer (typed metric names).
  const latency = Object.entries(slos)
    .filter(([k]) => {
      const m = parseLatencyThreshold(k)?.metric;
      return m === "ttft" || m === "e2el";
    })
    .map(([, v]) => v);
  return Math.min(120_000, Math.max(10_000, 3 * Math.max(0, ...latency)));
}

/** A point's arrival seed: one per rate, attempt and kind (a confirmation point beside the short one). */
export const pointSeed = (seed: number, rate: number, attempt: number, labelled: boolean) =>
  seed + attempt * 7919 + Math.round(rate * 1000) + (labelled ? 104729 : 0);

export async function measurePoint(rate: number, attempt: number, s: PointSettings): Promise<PointMeasurement> {
  const name = `rate-${rate.toFixed(3)}${s.label ? `-${s.label}` : ""}${attempt ? `-r${attempt + 1}` : ""}`;
  const dir = path.join(s.outputDir, "points", name);
  fs.mkdirSync(dir, { recursive: true });
  const sc = s.file.scenarios[0];
  const percentiles = [...new Set([...s.file.defaults.metric_percentiles, 50, 90, 99, ...sloPercentiles(s.slos)])].sort(
    (a, b) => a - b,
  );
  const file = {
    name: `plan-${name}`,
    defaults: {
      ...s.file.defaults,
      metric_percentiles: percentiles.join(","),
      percentile_metrics: s.file.defaults.percentile_metrics.join(","),
      ...(s.file.defaults.dataset_path ? { dataset_path: path.resolve(s.file.defaults.dataset_path) } : {}),
    },
    scenarios: [
      {
        name,
        num_prompts: Math.ceil(rate * s.durationS * 2) + 20, // the duration, not the count, ends the point
        duration: s.durationS,
        request_rate: rate,
        random_input_len: sc.random_input_len,
        random_output_len: sc.random_output_len,
        random_range_ratio: sc.random_range_ratio,
        random_prefix_len: sc.random_prefix_len,
        burstiness: sc.burstiness,
      },
    ],
    thresholds: s.slos,
  };
  const config = path.join(dir, "scenario.json");
  fs.writeFileSync(config, JSON.stringify(file, null, 2));
  const out = await runBenchmark({
    baseUrl: s.baseUrl,
    model: s.model,
    apiKey: s.apiKey,
    config,
    outputDir: dir,
    seed: pointSeed(s.seed, rate, attempt, !!s.label),
    timeoutMs: pointTimeoutMs(s.slos),
    log: () => {}, // the planner logs one line per point instead of a summary per point
    signal: s.signal,
    readyTimeoutS: s.readyTimeoutS,
  });
  const run = out.results[0];
  if (!run) throw new Error(`rate ${rate}: the point produced no result`);
  const steady = run.records.filter((r) => r.start_s >= s.warmupS);
  const r0 = run.result;
  const info: RunInfo = {
    date: r0.date,
    backend: r0.backend,
    model_id: r0.model_id,
    scenario: name,
    num_prompts: steady.length,
    request_rate: rate,
    burstiness: sc.burstiness,
    max_concurrency: null,
    duration: Math.max(1e-3, s.durationS - s.warmupS),
    percentiles,
  };
  const result = { ...aggregate(info, steady), offered_rate: rate, warmup_s: s.warmupS };
  const checks = checkSlos(result, s.slos);
  const window: SteadyWindow = { records: steady, fromS: s.warmupS, toS: s.durationS, burstiness: sc.burstiness };
  const m: PointMeasurement = {
    rate,
    attempt,
    result,
    checks,
    records: run.records,
    partial: run.partial,
    stopReason: r0.stop_reason,
    passed: checks.every((c) => c.passed) && steady.length > 0,
    slack: steady.length ? slack(checks) : NaN,
    steady: window,
    judgement: judge([window], s.slos),
  };
  return m;
}
