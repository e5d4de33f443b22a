import type { RequestRecord } from "../client/request";
import { parseLatencyThreshold } from "../contract";
import { percentile } from "../client/stats";
import type { Slos } from "./slo";

// Whether a rate meets its SLOs, with how sure the measurement can be. A point estimate alone
// passed rates the replica cannot hold: a short window sees a P95 resting on a few dozen requests
// (one lucky draw passes), and a queue that is still building when the window ends (a rate just
// above capacity grows its queue by the overload's fraction of a second per second). So each SLO
// gets an interval and a look at the window's later half:
// - a percentile: the distribution-free interval of ranks, q ± z·√(q(1−q)/n), n the requests
//   (a request's gaps are not independent, so ITL counts requests, not gaps; bursty arrivals
//   count for less: gamma gaps of shape b < 1 make the number of arrivals in a window 1/b times
//   as variable as Poisson ones (a renewal process's index of dispersion is its gaps' squared
//   coefficient of variation), so n is divided by 1/b);
// - a mean: ± z standard errors over the requests;
// - the success rate: its Wilson interval is reported but the verdict takes the point estimate, as
//   a scenario threshold does: no point holds enough requests to show a rate surely above 95 %
//   (50 of 50 gives a lower bound of 93 %), and errors come from faults more than from load;
// - batch means: near the knee requests share a queue, so they are not independent and the
//   intervals above are too narrow; each steady window is cut into BATCHES consecutive slices,
//   the statistic taken per slice, and the slices' mean + t standard errors widens the interval
//   on the side a pass must clear (a queue that drifts during the window spreads the slices
//   apart). Only that side: a miss wrongly called costs capacity, a pass wrongly called costs
//   the SLO, and a rising queue is evidence of a miss, not against one;
// - between runs: with two runs or more at a rate, each run's statistic is a replicate and the
//   interval is widened, on the pass side, to their mean + t standard errors (a queue wanders
//   from run to run by more than within one run's slices);
// - the later half of the steady window, alone, must meet the limit too: a queue still growing
//   shows there first.
// pass = the whole interval and the later half inside the limit; miss = the whole interval outside;
// unsure = in between (measure again, as an independent run); no-data = no request started in the
// steady window.

export type Verdict = "pass" | "miss" | "unsure" | "no-data";

/** z for a two-sided 95 % interval. */
export const Z95 = 1.96;
/** Slices per steady window for the batch-means interval. */
export const BATCHES = 4;
/** Student's t, two-sided 95 %, by degrees of freedom (1…12; beyond, 2.1 is within 4 % up to 30, then 1.96). */
const T95 = [NaN, 12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.2, 2.18];
const t95 = (df: number) => T95[df] ?? (df <= 30 ? 2.1 : Z95);

/** One measurement's steady-state requests (started in [fromS, toS) of its run). */
export interface SteadyWindow {
  records: RequestRecord[];
  fromS: number;
  toS: number;
  /** Gamma shape of the arrival gaps (1 = Poisson); below 1 the requests count for less. */
  burstiness?: number;
}

export interface SloJudgement {
  name: string;
  limit: number;
  /** The estimate over every steady request of every measurement at this rate. */
  value: number;
  /** 95 % interval of the estimate. */
  low: number;
  high: number;
  /** The estimate over the later half of each steady window. */
  late: number;
  /** Requests the estimate rests on. */
  samples: number;
  verdict: Verdict;
}

export interface Judgement {
  verdict: Verdict;
  /** Steady requests (all, failed included) the verdict rests on. */
  samples: number;
  slos: SloJudgement[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, xs.length - 1));
};

/** A request that timed out waiting never met a latency bound: it counts as infinitely late. */
const latencies = (rs: RequestRecord[], metric: string): { values: number[]; requests: number } => {
  const values: number[] = [];
  let requests = 0;
  for (const r of rs) {
    if (!r.success && r.error_kind === "timeout" && r.ttft_ms === undefined) {
      if (metric === "ttft" || metric === "e2el") {
        values.push(Infinity);
        requests++;
      }
      continue;
    }
    if (!r.success) continue;
    if (metric === "itl") {
      if (r.itl_ms.length) requests++;
      for (const g of r.itl_ms) values.push(g);
      continue;
    }
    const v = metric === "ttft" ? r.ttft_ms : metric === "e2el" ? r.e2el_ms : r.tpot_ms;
    if (v !== undefined) {
      values.push(v);
      requests++;
    }
  }
  return { values, requests };
};

interface Estimate {
  value: number;
  low: number;
  high: number;
  samples: number;
}

function estimate(name: string, rs: RequestRecord[], z: number, dispersion = 1): Estimate | undefined {
  if (name === "success_rate") {
    const n = rs.length;
    if (!n) return undefined;
    const p = rs.filter((r) => r.success).length / n;
    // Wilson score interval: honest at p = 1, where the normal one has no width.
    const c = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
    const h = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
    return { value: p, low: c - h, high: c + h, samples: n };
  }
  if (name === "output_rate_per_request_min") {
    const xs = rs.filter((r) => r.success && r.tpot_ms).map((r) => 1000 / r.tpot_ms!);
    if (!xs.length) return undefined;
    const h = xs.length > 1 ? (z * sd(xs)) / Math.sqrt(xs.length / dispersion) : Infinity;
    return { value: mean(xs), low: mean(xs) - h, high: mean(xs) + h, samples: xs.length };
  }
  const parsed = parseLatencyThreshold(name);
  if (!parsed) return undefined;
  const { metric, stat } = parsed;
  const { values, requests } = latencies(rs, metric);
  if (!values.length) return undefined;
  if (stat === "mean") {
    const finite = values.filter(Number.isFinite);
    const m = finite.length === values.length ? mean(values) : Infinity;
    const h = requests > 1 && Number.isFinite(m) ? (z * sd(values)) / Math.sqrt(requests / dispersion) : Infinity;
    return { value: m, low: Number.isFinite(m) ? m - h : m, high: m + h, samples: requests };
  }
  const q = (parsed.percentile ?? 50) / 100; // median: p50
  const sorted = Float64Array.from(values).sort();
  const d = z * Math.sqrt((q * (1 - q) * dispersion) / requests);
  const at = (p: number) => percentile(sorted, Math.min(100, Math.max(0, p * 100)));
  return { value: at(q), low: at(q - d), high: at(q + d), samples: requests };
}

/** Consecutive slices of a window by start time (a slice with no request is left out). */
function slices(w: SteadyWindow): RequestRecord[][] {
  const width = (w.toS - w.fromS) / BATCHES;
  const out: RequestRecord[][] = Array.from({ length: BATCHES }, () => []);
  for (const r of w.records) out[Math.min(BATCHES - 1, Math.max(0, Math.floor((r.start_s - w.fromS) / width)))].push(r);
  return out.filter((b) => b.length);
}

/** The estimate's interval widened, on the pass side, to the batch-means interval over every window's slices. */
function withBatches(name: string, e: Estimate, windows: SteadyWindow[], z: number): Estimate {
  if (name === "success_rate") return e;
  const per = windows.flatMap(slices).flatMap((b) => {
    const v = estimate(name, b, z)?.value;
    return v === undefined || Number.isNaN(v) ? [] : [v];
  });
  if (per.length < 2) return e;
  const upper = /_ms$/.test(name); // a latency bound: a pass must clear the high side
  return betweenRuns(name, widened(e, per, upper), windows, z, upper);
}

/** `e` widened, on the pass side, to mean + t standard errors of the replicates `per`. */
function widened(e: Estimate, per: number[], upper: boolean): Estimate {
  if (per.some((v) => !Number.isFinite(v))) return upper ? { ...e, high: Infinity } : e;
  const h = (t95(per.length - 1) * sd(per)) / Math.sqrt(per.length);
  return upper ? { ...e, high: Math.max(e.high, mean(per) + h) } : { ...e, low: Math.min(e.low, mean(per) - h) };
}

/**
 * With two runs or more, the interval widened, on the pass side, to the runs' own spread: each
 * run's statistic is one replicate, and mean ± t·sd/√k over them. Near the knee a queue wanders
 * for longer than a run's slices, so two runs at one rate disagree by more than either run's
 * interval (decode-bound at 23.55 req/s: ITL P95 46.3 and 43.3 ms in two runs, pooled interval
 * [44.2, 48.4] against a 50 ms limit, then 58.5 in a third). Two runs must agree closely to pass
 * (t = 12.7 with one degree of freedom); a third narrows it.
 */
function betweenRuns(name: string, e: Estimate, windows: SteadyWindow[], z: number, upper: boolean): Estimate {
  if (windows.length < 2) return e;
  const per = windows.map((w) => estimate(name, w.records, z)?.value ?? NaN).filter((v) => !Number.isNaN(v));
  return per.length < 2 ? e : widened(e, per, upper);
}

/** Judge one rate from the steady windows of every measurement taken at it. */
export function judge(windows: SteadyWindow[], slos: Slos, z = Z95): Judgement {
  const all = windows.flatMap((w) => w.records);
  const late = windows.flatMap((w) => w.records.filter((r) => r.start_s >= (w.fromS + w.toS) / 2));
  const dispersion = Math.max(1, ...windows.map((w) => 1 / Math.min(1, w.burstiness ?? 1)));
  if (!all.length) {
    const slo = Object.entries(slos).map(([name, limit]) => ({
      name,
      limit,
      value: NaN,
      low: NaN,
      high: NaN,
      late: NaN,
      samples: 0,
      verdict: "no-data" as const,
    }));
    return { verdict: "no-data", samples: 0, slos: slo };
  }
  const judged = Object.entries(slos).map(([name, limit]): SloJudgement => {
    const single = estimate(name, all, z, dispersion);
    const e = single && withBatches(name, single, windows, z);
    if (!e) return { name, limit, value: NaN, low: NaN, high: NaN, late: NaN, samples: 0, verdict: "no-data" };
    const lateValue = estimate(name, late, z)?.value ?? NaN;
    const upper = /_ms$/.test(name); // a latency bound; the others are minima
    const inside = (v: number) => (upper ? v <= limit : v >= limit);
    const worst = upper ? e.high : e.low;
    const best = upper ? e.low : e.high;
    // A later half with no request says nothing against the pass.
    const lateOk = Number.isNaN(lateValue) || inside(lateValue);
    const verdict: Verdict =
      name === "success_rate"
        ? inside(e.value)
          ? "pass"
          : "miss"
        : !inside(best)
          ? "miss"
          : inside(worst) && lateOk
            ? "pass"
            : "unsure";
    return { name, limit, ...e, late: lateValue, verdict };
  });
  const verdicts = judged.map((j) => j.verdict);
  const verdict: Verdict = verdicts.includes("miss")
    ? "miss"
    : verdicts.includes("no-data")
      ? "no-data"
      : verdicts.includes("unsure")
        ? "unsure"
        : "pass";
  return { verdict, samples: all.length, slos: judged };
}
