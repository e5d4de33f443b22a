import type { Verdict } from "./judge";

// The rate search: bracket (double or halve from a start rate until one rate surely meets every
// SLO and a higher one does not), then bisect the bracket until it is narrower than `precision`.
// A rate whose verdict is unsure (its interval straddles a limit) is measured again, up to
// `repeats` times, and judged on everything measured at it. Only a sure pass moves the lower end:
// an unsure rate is never the answer, so one lucky measurement cannot raise it. When the lowest
// rate above the answer is only unsure, one more rate above it is measured to find a sure miss,
// the interval's upper end. With `confirm`, the answer is then measured again with two long
// runs: a short point starts from an empty server and ends before a mild overload has built a
// queue, so a short pass is only a candidate; if the long runs do not pass, the next lower
// rate (by the precision) is confirmed instead, while the budget lasts. A rate measured more
// than once is judged with the runs' spread (judge.ts), so runs that disagree are unsure.

export interface Measurement {
  rate: number;
}

export interface RateVerdict<M extends Measurement> {
  rate: number;
  verdict: Verdict;
  /** The verdict is a pass (kept for readers of the boolean). */
  passed: boolean;
  /** Measured with the long confirmation point. */
  confirmation?: boolean;
  measurements: M[];
}

export interface SearchOptions {
  startRps: number;
  minRps: number;
  maxRps: number;
  /** Stop bisecting when (upper − lower) / lower is below this. */
  precision: number;
  /** Rates (not measurements) at most. */
  maxPoints: number;
  /** Measurements of an unsure rate at most. */
  repeats: number;
  /** Confirm the answer with two long runs (the measure function's `long` flag). */
  confirm?: boolean;
  /**
   * Runs the answer rests on, at least (default 2): bursty arrivals need more (plan.ts: one per
   * unit of the arrivals' index of dispersion), since two calm runs agree with each other and
   * still miss the bursts a longer look sees.
   */
  answerRuns?: number;
  signal?: AbortSignal;
}

export interface SearchResult<M extends Measurement> {
  /** Highest rate that surely met every SLO, below any rate that missed (undefined: none did, down to minRps). */
  sustainable?: number;
  /** Lowest rate above it that surely missed one (undefined: none did, up to maxRps or within the budget). */
  knee?: number;
  /** Lowest rate above `sustainable` that was not a sure pass (an unsure rate, or the knee). */
  firstNotPassed?: number;
  verdicts: RateVerdict<M>[];
  /** Why the search stopped. */
  stop: "converged" | "max-points" | "min-rate" | "max-rate" | "no-data" | "interrupted" | "target-lost";
}

/** Long confirmation points at most. */
export const CONFIRMATIONS = 3;
/** Runs every answer rests on at least (`answerRuns` may ask more), judged with their spread (judge.ts). */
export const CONFIRM_RUNS = 2;
/**
 * Runs an answer rests on: the mode's, and for arrivals of gamma shape `burstiness` < 1 at least
 * one per unit of their index of dispersion (1/b times Poisson's variance; judge.ts counts the same).
 */
export const answerRunsFor = (modeRuns: number, burstiness: number) =>
  Math.max(CONFIRM_RUNS, modeRuns, Math.ceil(1 / Math.min(1, burstiness)));

export async function searchRate<M extends Measurement>(
  measure: (rate: number, attempt: number, long?: boolean) => Promise<M>,
  judge: (ms: M[]) => Verdict,
  o: SearchOptions,
): Promise<SearchResult<M>> {
  const verdicts: RateVerdict<M>[] = [];
  const at = async (rate: number, long = false, repeats = o.repeats, minRuns = 1): Promise<Verdict> => {
    const ms: M[] = [];
    let verdict: Verdict;
    do {
      const m = await measure(rate, ms.length, long);
      // A point cut short by an interrupt is no verdict: its tail never ran.
      if (o.signal?.aborted) throw new Interrupted();
      ms.push(m);
      verdict = judge(ms);
    } while (
      (ms.length < minRuns || verdict === "unsure") &&
      ms.length < Math.max(repeats, minRuns) &&
      !o.signal?.aborted
    );
    verdicts.push({
      rate,
      verdict,
      passed: verdict === "pass",
      measurements: ms,
      ...(long ? { confirmation: true } : {}),
    });
    return verdict;
  };
  let lo: number | undefined; // highest sure pass
  let hi: number | undefined; // lowest rate above it that was not one
  const done = (stop: SearchResult<M>["stop"]): SearchResult<M> => {
    const above = (v: RateVerdict<M>) => lo === undefined || v.rate > lo;
    const miss = verdicts.filter((v) => v.verdict === "miss" && above(v)).map((v) => v.rate);
    return {
      sustainable: lo,
      knee: miss.length ? Math.min(...miss) : undefined,
      firstNotPassed: hi,
      verdicts,
      stop,
    };
  };
  const budget = () => verdicts.length >= o.maxPoints;
  const answerRuns = Math.max(CONFIRM_RUNS, o.answerRuns ?? 0);

  try {
    return await search();
  } catch (e) {
    if (e instanceof Interrupted) return done("interrupted");
    throw e;
  }

  /**
   * The search's end: with `confirm`, the answer measured again with two long runs (`answerRuns`;
   * one more when they are unsure together), judged together, stepping down by the precision
   * until they pass (at most CONFIRMATIONS, beyond the point budget: they are what the answer
   * rests on). One long run is not enough: near the knee
   * a 60 s window's P95 moves from run to run by more than its own interval (batch-limited at
   * 7.23 req/s: one long point passed at 301 ms against a 500 ms limit where two full-search runs
   * pooled missed at 545), and pooling also helps where a latency barely moves with the rate (an
   * E2E limit just above the unloaded latency), where one run straddles the limit at every rate.
   */
  async function confirmed(stop: SearchResult<M>["stop"]): Promise<SearchResult<M>> {
    if (lo === undefined) return done(stop);
    if (!o.confirm) return o.repeats > 1 ? rerun(stop) : done(stop);
    let candidate: number = lo;
    lo = undefined; // nothing is the answer until a pair of long runs passes
    for (let i = 0; i < CONFIRMATIONS && candidate >= o.minRps; i++) {
      if (o.signal?.aborted) return done("interrupted");
      if ((await at(candidate, true, answerRuns + 1, answerRuns)) === "pass") {
        lo = candidate;
        return done(stop);
      }
      hi = hi === undefined ? candidate : Math.min(hi, candidate);
      candidate = candidate / (1 + o.precision);
    }
    return done("max-points");
  }

  /**
   * Without a long point (the full search): the answer must pass on two independent runs judged
   * together. Near the knee the queue wanders more from run to run than within one run's window,
   * so one run's interval can clear the limit by luck; a second run at the answer, pooled with the
   * first, must still pass, or the next lower pass is tried. That one may lie further below than
   * the precision (an earlier bisection step), so the gap is bisected again first (for the first
   * CONFIRMATIONS failures, within the point budget): prefill-bound's answer otherwise fell back
   * 4.4 % (18.46 → 17.68 req/s) with a 2.5 % precision.
   */
  async function rerun(stop: SearchResult<M>["stop"]): Promise<SearchResult<M>> {
    for (let failures = 0; lo !== undefined;) {
      if (o.signal?.aborted) return done("interrupted");
      const v = verdicts.find((x) => x.rate === lo && x.passed)!;
      if (v.measurements.length >= answerRuns) return done(stop);
      // Up to `answerRuns` runs, and while the runs together are unsure, more (up to `repeats`):
      // two runs must agree closely to pass (judge.ts), a third narrows the runs' spread.
      do {
        const m = await measure(v.rate, v.measurements.length);
        if (o.signal?.aborted) throw new Interrupted();
        v.measurements.push(m);
        v.verdict = judge(v.measurements);
      } while (
        (v.measurements.length < answerRuns || v.verdict === "unsure") &&
        v.measurements.length < Math.max(o.repeats, answerRuns)
      );
      v.passed = v.verdict === "pass";
      if (v.passed) return done(stop);
      failures++;
      hi = hi === undefined ? v.rate : Math.min(hi, v.rate);
      const below = verdicts.filter((x) => x.passed && x.rate < v.rate).map((x) => x.rate);
      lo = below.length ? Math.max(...below) : undefined;
      while (failures < CONFIRMATIONS && lo !== undefined && (hi - lo) / lo > o.precision && !budget()) {
        if (o.signal?.aborted) return done("interrupted");
        const mid = Math.sqrt(lo * hi);
        if ((await at(mid)) === "pass") lo = mid;
        else hi = mid;
      }
    }
    return done(stop === "converged" ? "max-points" : stop);
  }

  async function search(): Promise<SearchResult<M>> {
    // Bracket.
    let r = Math.min(Math.max(o.startRps, o.minRps), o.maxRps);
    while (lo === undefined || hi === undefined) {
      if (o.signal?.aborted) return done("interrupted");
      if (budget()) return confirmed("max-points");
      const v = await at(r);
      if (v === "pass") {
        lo = r;
        if (hi !== undefined) break;
        if (r >= o.maxRps) return confirmed("max-rate");
        r = Math.min(r * 2, o.maxRps);
      } else if (v === "no-data") {
        // Too few arrivals in the window to judge: lower rates have fewer still, so only a higher
        // one can be judged; below a rate that was not a pass there is nothing left to try.
        if (hi !== undefined || r >= o.maxRps) return done("no-data");
        r = Math.min(r * 2, o.maxRps);
      } else {
        hi = r;
        if (lo !== undefined) break;
        if (r <= o.minRps) return done("min-rate");
        r = Math.max(r / 2, o.minRps);
      }
    }
    // Bisect (geometric midpoint: the bracket spans a ratio, and so does the precision).
    while ((hi - lo) / lo > o.precision) {
      if (o.signal?.aborted) return done("interrupted");
      if (budget()) return confirmed("max-points");
      const mid = Math.sqrt(lo * hi);
      if ((await at(mid)) === "pass") lo = mid;
      else hi = mid;
    }
    // The upper end: above an unsure rate, measure until one rate surely misses.
    let up = hi;
    while (done("converged").knee === undefined) {
      if (o.signal?.aborted) return done("interrupted");
      if (budget() || up >= o.maxRps) return confirmed("max-points");
      up = Math.min(up * (1 + Math.max(o.precision, 0.05)), o.maxRps);
      await at(up);
    }
    return confirmed("converged");
  }
}

/**
 * Thrown out of a measurement cut short (an interrupt, a target gone): searchRate catches it and
 * reports "interrupted", keeping every verdict so far; the cut point is no verdict.
 */
export class Interrupted extends Error {
  constructor() {
    super("interrupted");
  }
}
