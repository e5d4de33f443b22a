import type { BenchmarkResult } from "../client/result";
import { checkThresholds, type ThresholdResult } from "../client/stats";
import {
  isPlanSloName,
  isUpperBound,
  parseLatencyThreshold,
  RATE_BOUND_THRESHOLDS,
  thresholdsSchema,
} from "../contract";

// A plan's SLOs are the scenario file's thresholds that hold per request whatever the offered
// rate: latency bounds, the per-request output rate and the success rate. Throughput minima
// (throughput_min, request_throughput_min) grow with the offered rate, so they say nothing
// about what one replica sustains and are left out.

export type Slos = Record<string, number>;

const RATE_BOUND = new Set<string>(RATE_BOUND_THRESHOLDS);

export function planSlos(thresholds: Record<string, number>): { slos: Slos; ignored: string[] } {
  const slos: Slos = {};
  const ignored: string[] = [];
  for (const [k, v] of Object.entries(thresholds)) {
    if (RATE_BOUND.has(k)) ignored.push(k);
    else slos[k] = v;
  }
  return { slos, ignored };
}

/** Parse `--slo ttft_p95_ms=2000` flags (threshold names, as in scenario files). */
export function parseSloFlags(flags: string[]): Slos {
  const out: Slos = {};
  for (const f of flags) {
    const m = f.match(/^([a-z0-9_.]+)=([0-9.eE+-]+)$/);
    const v = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(v) || v <= 0)
      throw new Error(`--slo: ${JSON.stringify(f)} must be NAME=NUMBER, e.g. ttft_p95_ms=2000 or success_rate=0.99`);
    // Names and ranges as a scenario file's thresholds (one schema), then only per-request bounds.
    const checked = thresholdsSchema.safeParse({ [m[1]]: v });
    if (!checked.success) throw new Error(`--slo: ${m[1]}: ${checked.error.issues[0].message}`);
    if (!isPlanSloName(m[1]))
      throw new Error(
        `--slo: ${m[1]} is not an SLO: it grows with the offered rate, so it says nothing about what one replica sustains; use a latency (ttft_p95_ms=2000), output_rate_per_request_min or success_rate`,
      );
    if (m[1] in out) throw new Error(`--slo: ${m[1]} given twice`);
    out[m[1]] = v;
  }
  return out;
}

/** Percentiles a result must carry for these SLOs (p95 in ttft_p95_ms). */
export function sloPercentiles(slos: Slos): number[] {
  return Object.keys(slos).flatMap((k) => {
    const p = parseLatencyThreshold(k)?.percentile;
    return p === undefined ? [] : [p];
  });
}

export function checkSlos(result: BenchmarkResult, slos: Slos): ThresholdResult[] {
  return checkThresholds(result, slos);
}

/** How far inside (+) or outside (−) its limit the tightest SLO is, as a fraction of the limit. */
export function slack(checks: ThresholdResult[]): number {
  let min = Infinity;
  for (const c of checks) {
    const maxBound = isUpperBound(c.name);
    const s = c.limit === 0 ? 0 : maxBound ? (c.limit - c.value) / c.limit : (c.value - c.limit) / c.limit;
    min = Math.min(min, s);
  }
  return min;
}
