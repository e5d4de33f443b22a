// The rate search: bracket (double or halve from a start rate until one rate meets every SLO and
// a higher one does not), then bisect the bracket until it is narrower than `precision`. A rate
// whose tightest SLO lands within `noiseBand` of its limit is measured again (up to `repeats`
// times) and judged by the median of its measurements: one noisy point must not move the answer.

export interface Measurement {
  rate: number;
  /** Every SLO met in this measurement. */
  passed: boolean;
  /** Tightest SLO's distance from its limit as a fraction of it (negative: violated). */
  slack: number;
}

export interface Verdict<M extends Measurement> {
  rate: number;
  passed: boolean;
  measurements: M[];
}

export interface SearchOptions {
  startRps: number;
  minRps: number;
  maxRps: number;
  /** Stop bisecting when (fail − pass) / pass is below this. */
  precision: number;
  /** Rate points (not measurements) at most. */
  maxPoints: number;
  repeats: number;
  noiseBand: number;
  signal?: AbortSignal;
  onVerdict?: (v: Verdict<Measurement>) => void;
}

export interface SearchResult<M extends Measurement> {
  /** Highest rate that met every SLO (undefined: none did, down to minRps). */
  sustainable?: number;
  /** Lowest rate that missed one (undefined: none did, up to maxRps). */
  knee?: number;
  verdicts: Verdict<M>[];
  /** Why the search stopped. */
  stop: "converged" | "max-points" | "min-rate" | "max-rate" | "interrupted" | "target-lost";
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function searchRate<M extends Measurement>(
  measure: (rate: number, attempt: number) => Promise<M>,
  o: SearchOptions,
): Promise<SearchResult<M>> {
  const verdicts: Verdict<M>[] = [];
  const judge = async (rate: number): Promise<boolean> => {
    const ms: M[] = [];
    do {
      const m = await measure(rate, ms.length);
      // A point cut short by an interrupt is no verdict: its tail never ran.
      if (o.signal?.aborted) throw new Interrupted();
      ms.push(m);
    } while (ms.length < o.repeats && !o.signal?.aborted && Math.abs(median(ms.map((m) => m.slack))) < o.noiseBand);
    const passed = median(ms.map((m) => m.slack)) >= 0 && (ms.length > 1 || ms[0].passed);
    const v = { rate, passed, measurements: ms };
    verdicts.push(v);
    o.onVerdict?.(v);
    return passed;
  };
  let lo: number | undefined; // highest pass
  let hi: number | undefined; // lowest fail
  const done = (stop: SearchResult<M>["stop"]): SearchResult<M> => ({ sustainable: lo, knee: hi, verdicts, stop });

  try {
    return await search();
  } catch (e) {
    if (e instanceof Interrupted) return done("interrupted");
    throw e;
  }

  async function search(): Promise<SearchResult<M>> {
    // Bracket.
    let r = Math.min(Math.max(o.startRps, o.minRps), o.maxRps);
    while (lo === undefined || hi === undefined) {
      if (o.signal?.aborted) return done("interrupted");
      if (verdicts.length >= o.maxPoints) return done("max-points");
      if (await judge(r)) {
        lo = r;
        if (hi !== undefined) break;
        if (r >= o.maxRps) return done("max-rate");
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
      if (verdicts.length >= o.maxPoints) return done("max-points");
      const mid = Math.sqrt(lo * hi);
      if (await judge(mid)) lo = mid;
      else hi = mid;
    }
    return done("converged");
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
