// The planner's search and judge (bench/plan/search.ts and judge.ts, unchanged, with a mode's
// settings from bench/plan/modes.ts) against the simulator's engine in virtual time
// (virtual-engine.ts), once per seed; and the engine's long-run limit to hold them against. One
// plan in wall-clock time is one draw of its error; here are hundreds, so the error has a
// distribution: how often the answer lands above the long-run limit, and by how much.
import { percentile } from "../bench/client/stats";
import { judge, type SteadyWindow } from "../bench/plan/judge";
import { pointSeed, pointTimeoutMs } from "../bench/plan/measure";
import type { SearchMode } from "../bench/plan/modes";
import { answerRunsFor, searchRate } from "../bench/plan/search";
import type { Shape } from "./plan-shapes";
import { virtualRun } from "./virtual-engine";

/** Where the long-run P95s cross the shape's limits. */
export interface VirtualLimit {
  rate: number;
  windows: number;
  seconds: number;
}

/**
 * The highest rate whose P95s, pooled over `windows` runs of `seconds` (the first minute dropped),
 * meet every limit: bisection to 0.01 %, with the same arrival seeds at every rate so the P95s
 * rise with the rate and not with the draw.
 */
export function virtualLimit(s: Shape, windows: number, seconds: number): VirtualLimit {
  const meets = (rate: number) => {
    const ttft: number[] = [];
    const itl: number[] = [];
    for (let k = 0; k < windows; k++)
      for (const r of virtualRun(s, rate, seconds, 5_000_011 * (k + 1), 30_000)) {
        if (r.start_s < 60) continue;
        ttft.push(r.ttft_ms ?? Infinity);
        for (const g of r.itl_ms) itl.push(g);
      }
    const p95 = (xs: number[]) => percentile(Float64Array.from(xs).sort(), 95);
    return p95(ttft) <= s.slos.ttft_p95_ms && (s.slos.itl_p95_ms === undefined || p95(itl) <= s.slos.itl_p95_ms);
  };
  let lo = s.guessRps * 0.5;
  let hi = s.guessRps * 1.5;
  if (!meets(lo) || meets(hi))
    throw new Error(`the long-run limit lies outside ${lo}–${hi} req/s (half to one and a half times the guess)`);
  while ((hi - lo) / lo > 1e-4) {
    const mid = (lo + hi) / 2;
    if (meets(mid)) lo = mid;
    else hi = mid;
  }
  return { rate: lo, windows, seconds };
}

export interface VirtualPlan {
  /** The plan's answer (the lower end of its interval); undefined: none. */
  answer?: number;
  stop: string;
  /** Seconds of load the plan measured, and its runs. */
  measuredS: number;
  runs: number;
}

/** One plan as `vllm-bench plan` makes it (bench/plan/plan.ts): same search, judge, seeds and steady windows. */
export async function virtualPlan(s: Shape, mode: SearchMode, seed: number): Promise<VirtualPlan> {
  const slos: Record<string, number> = { ...s.slos };
  let measuredS = 0;
  let runs = 0;
  const res = await searchRate(
    (rate, attempt, long) => {
      const len = long && mode.confirm ? mode.confirm : mode;
      measuredS += len.pointDurationS;
      runs++;
      const arrivals = pointSeed(seed, rate, attempt, !!(long && mode.confirm));
      const records = virtualRun(s, rate, len.pointDurationS, arrivals, pointTimeoutMs(slos));
      const steady: SteadyWindow = {
        records: records.filter((r) => r.start_s >= len.warmupS),
        fromS: len.warmupS,
        toS: len.pointDurationS,
        burstiness: s.burstiness,
      };
      return Promise.resolve({ rate, steady });
    },
    (ms) =>
      judge(
        ms.map((m) => m.steady),
        slos,
      ).verdict,
    {
      // As the accuracy study starts its plans (perf/plan-accuracy.ts).
      startRps: s.guessRps / 2,
      minRps: 0.05,
      maxRps: 1000,
      precision: mode.precision,
      maxPoints: mode.maxPoints,
      repeats: mode.repeats,
      confirm: !!mode.confirm,
      answerRuns: answerRunsFor(mode.answerRuns, s.burstiness),
    },
  );
  return { answer: res.sustainable, stop: res.stop, measuredS, runs };
}

export interface ErrorSpread {
  plans: number;
  /** Plans with no answer. */
  none: number;
  /** Plans whose answer lies above the long-run limit (by more than its 0.01 % bisection). */
  above: number;
  /** Answer / limit − 1: quantiles and the worst (highest). */
  q5: number;
  median: number;
  q95: number;
  worst: number;
  meanMeasuredS: number;
}

/** `plans` plans of a shape with seeds 1…plans (×100003), against `limit`. */
export async function errorSpread(s: Shape, mode: SearchMode, limit: number, plans: number): Promise<ErrorSpread> {
  const out: VirtualPlan[] = [];
  for (let i = 1; i <= plans; i++) out.push(await virtualPlan(s, mode, 100_003 * i));
  const errors = out.flatMap((p) => (p.answer === undefined ? [] : [p.answer / limit - 1]));
  const sorted = Float64Array.from(errors).sort();
  return {
    plans,
    none: plans - errors.length,
    above: errors.filter((e) => e > 1e-4).length,
    q5: percentile(sorted, 5),
    median: percentile(sorted, 50),
    q95: percentile(sorted, 95),
    worst: errors.length ? Math.max(...errors) : NaN,
    meanMeasuredS: out.reduce((a, p) => a + p.measuredS, 0) / plans,
  };
}
