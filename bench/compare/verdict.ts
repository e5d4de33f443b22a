// Two runs of one scenario, figure by figure: is the new run worse, and is it more than noise?
// A figure is a regression only when it is significantly worse than the tolerance: the one-sided
// test's null hypothesis is "worse by at most the tolerance", so both the size and the significance
// must hold. Two runs of one setup also differ by run-level drift (a busier host, another batch
// mix) that no within-run sample shows; testing against the tolerance, not against zero, leaves
// that drift to the tolerance. Tests: a seeded cluster bootstrap for latency statistics, a
// compound-Poisson z-test for throughputs, a two-proportion z-test for the success rate; the
// p-values of all judged figures are adjusted together (Holm), so the whole comparison, not each
// figure, has error ≤ α.
import { rng } from "../client/random";
import type { ResultsFile } from "../client/results-file";
import { LATENCY_METRICS, parseLatencyKey, type LatencyMetric } from "../contract";
import { bootstrapStats, holm, normalCdf, pointStats, type Stat } from "./bootstrap";
import { runSamples, type MetricSamples, type RunSamples } from "./samples";

export interface CompareOptions {
  /** Smallest relative change that counts (0.1 = 10 %). */
  tolerance: number;
  /** Family-wise significance level of one comparison. */
  alpha: number;
  /** Seed of the bootstrap: the same files and seed give the same verdicts. */
  seed: number;
  /** Bootstrap resamples per run and metric. */
  resamples: number;
}
export const DEFAULT_COMPARE: CompareOptions = { tolerance: 0.1, alpha: 0.05, seed: 0, resamples: 2000 };

/**
 * regression: worse beyond the tolerance and significant; worse: worse, but within the tolerance or
 * the noise; same: equal; better: moved the good way; no data: a run has nothing to compute it
 * from (every request failed); reported: shown, not judged (dispersion, workload, text, no samples).
 */
export type Verdict = "regression" | "worse" | "same" | "better" | "no data" | "reported";

export interface FigureComparison {
  key: string;
  old: unknown;
  new: unknown;
  /** Relative change, new against old (0.2 = 20 % up); undefined when it has none. */
  change?: number;
  /** Lower is better (latencies) or higher is better (throughputs, success rate); undefined when not judged. */
  direction?: "lower" | "higher";
  verdict: Verdict;
  /** One-sided p-value that the new run is worse, Holm-adjusted over the comparison's judged figures. */
  p?: number;
  /** Why a figure is not judged, or what it rests on. */
  note?: string;
}

export interface Comparison {
  rows: FigureComparison[];
  /** Figures that took part in the test (the Holm family). */
  judged: number;
  regressions: number;
  /** Keys holding objects or lists (records, error counts, thresholds): not compared. */
  nested: string[];
  options: CompareOptions;
}

/** Throughputs and the request count each rests on. */
const THROUGHPUTS: Record<string, "requests" | "output" | "total" | "good"> = {
  request_throughput: "requests",
  output_throughput: "output",
  total_token_throughput: "total",
  request_goodput: "good",
};
/** A percentile is tested only with this many values beyond it in each run (and as many requests). */
const MIN_TAIL = 10;

const num = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const relChange = (a: number, b: number) =>
  a === b ? 0 : a === 0 ? (b > 0 ? Infinity : -Infinity) : (b - a) / Math.abs(a);

/** Latency figures have no data when the run had no successful request, or none with that metric. */
function latencyHasData(r: ResultsFile, metric: LatencyMetric): boolean {
  return r.completed !== 0 && r.samples?.[metric] !== 0;
}

interface Pending {
  row: FigureComparison;
  p: number;
}

/**
 * One-sided bootstrap p-value of "the new run is worse by more than the tolerance" (latencies: up):
 * the share of replicate pairs whose relative change stays within it. Small p means the whole
 * (1 − p) confidence interval of the change lies beyond the tolerance.
 */
function bootstrapP(a: Float64Array, b: Float64Array, tolerance: number): number {
  let within = 0,
    n = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i]) || a[i] <= 0) continue;
    n++;
    if (b[i] / a[i] - 1 <= tolerance) within++;
  }
  return n ? (within + 1) / (n + 1) : 1;
}

function coefficientOfVariation2(xs: Float64Array | undefined): number {
  if (!xs?.length) return 0;
  let m = 0;
  for (const x of xs) m += x;
  m /= xs.length;
  if (m === 0) return 0;
  let v = 0;
  for (const x of xs) v += (x - m) ** 2;
  return v / xs.length / (m * m);
}

/**
 * Throughput = count / duration. Completions (and the tokens they carry) arrive as a compound
 * Poisson process, so var(log throughput) ≈ (1 + CV² of tokens per request) / requests; the test
 * is a z-test on the log ratio (counts +0.5 so a run with none is still a number). A closed-loop
 * run is steadier than Poisson, so this errs towards "noise".
 */
function throughputP(
  kind: "requests" | "output" | "total" | "good",
  a: ResultsFile,
  b: ResultsFile,
  values: [number, number],
  samples: [RunSamples, RunSamples],
  tolerance: number,
): number | string {
  const [sa, sb] = samples;
  const count = (r: ResultsFile) => (kind === "good" ? (r.request_goodput ?? NaN) * r.duration : r.completed);
  const [na, nb] = [count(a), count(b)];
  if (!num(na) || !num(nb)) return "no request count to test it against";
  const cv2 = (s: RunSamples) =>
    kind === "output"
      ? coefficientOfVariation2(s.outputTokens)
      : kind === "total"
        ? coefficientOfVariation2(s.totalTokens)
        : 0;
  if ((kind === "output" || kind === "total") && (!sa.outputTokens || !sb.outputTokens))
    return "no per-request records to size its noise";
  const [xa, xb] = values;
  const se = Math.sqrt((1 + cv2(sa)) / (na + 0.5) + (1 + cv2(sb)) / (nb + 0.5));
  // H0: the new run keeps at least (1 − tolerance) of the old throughput.
  const z = (Math.log(xb + 1e-12) - Math.log(xa + 1e-12) - Math.log(Math.max(1 - tolerance, 1e-12))) / se;
  return normalCdf(z);
}

/** Two-proportion z-test (unpooled), one-sided: is the new success rate below (1 − tolerance) × the old? */
function successP(a: ResultsFile, b: ResultsFile, tolerance: number): number | string {
  const [ca, fa, cb, fb] = [a.completed, a.failed ?? 0, b.completed, b.failed ?? 0];
  if (!num(ca) || !num(fa) || !num(cb) || !num(fb)) return "no request counts to test it against";
  const [na, nb] = [ca + fa, cb + fb];
  if (!na || !nb) return "a run sent no request";
  const [pa, pb] = [ca / na, cb / nb];
  const margin = pb - (1 - tolerance) * pa;
  const se = Math.sqrt(((1 - tolerance) ** 2 * pa * (1 - pa)) / na + (pb * (1 - pb)) / nb);
  return se === 0 ? (margin < 0 ? 0 : 1) : normalCdf(margin / se);
}

/** Compare two results objects (vllm-bench run's results JSON, or vllm bench serve's) figure by figure. */
export function compareResults(a: ResultsFile, b: ResultsFile, opts: Partial<CompareOptions> = {}): Comparison {
  const o = { ...DEFAULT_COMPARE, ...opts };
  const sa = runSamples(a),
    sb = runSamples(b);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => k !== "requests");
  const nested = keys.filter((k) => [a[k], b[k]].some((v) => typeof v === "object" && v !== null));
  const rows: FigureComparison[] = [];
  const pending: Pending[] = [];
  // Latency statistics are bootstrapped together per metric and run (one pass gives them all).
  const latencyWanted = new Map<LatencyMetric, { key: string; stat: Stat }[]>();

  for (const k of keys) {
    if (nested.includes(k)) continue;
    const [va, vb] = [a[k], b[k]];
    const row: FigureComparison = { key: k, old: va, new: vb, verdict: "reported" };
    rows.push(row);
    if (!(k in a) || !(k in b)) {
      row.note = `only in the ${k in a ? "old" : "new"} run`;
      continue;
    }
    const lat = parseLatencyKey(k);
    if (lat) {
      const metric = lat.metric;
      if (!latencyHasData(a, metric) || !latencyHasData(b, metric) || va === null || vb === null) {
        row.verdict = "no data";
        row.note = `${!latencyHasData(a, metric) || va === null ? "old" : "new"} run has no successful request with a ${metric}`;
        continue;
      }
      if (!num(va) || !num(vb)) {
        row.note = "not a number";
        continue;
      }
      row.change = relChange(va, vb);
      if (lat.stat === "std") {
        row.note = "dispersion: shown, not judged";
        continue;
      }
      const stat: Stat = lat.stat === "mean" ? "mean" : (lat.percentile ?? 50); // the median is P50
      if (lat.stat === "p50" && k.replace("p50", "median") in a) {
        row.note = "the median, judged there";
        continue;
      }
      row.direction = "lower";
      const [ma, mb] = [sa.metrics[metric], sb.metrics[metric]];
      if (!ma || !mb) {
        row.note = "no per-request samples: shown, not judged";
        continue;
      }
      const tail = (s: MetricSamples) =>
        stat === "mean" ? Infinity : (Math.min(stat, 100 - stat) / 100) * s.values.length;
      if (Math.min(tail(ma), tail(mb)) < MIN_TAIL || Math.min(ma.clusters, mb.clusters) < MIN_TAIL) {
        row.note = `fewer than ${MIN_TAIL} samples beyond it: shown, not judged`;
        continue;
      }
      const list = latencyWanted.get(metric) ?? [];
      list.push({ key: k, stat });
      latencyWanted.set(metric, list);
      continue;
    }
    if (typeof va !== "number" || typeof vb !== "number") {
      if (va === null || vb === null) {
        row.verdict = "no data";
        row.note = `${va === null ? "old" : "new"} run has none`;
      } else if (typeof va === "string" || typeof vb === "string") row.note = "text: shown, not compared";
      continue;
    }
    row.change = relChange(va, vb);
    const tput = THROUGHPUTS[k];
    if (tput || k === "success_rate") {
      row.direction = "higher";
      const p = tput ? throughputP(tput, a, b, [va, vb], [sa, sb], o.tolerance) : successP(a, b, o.tolerance);
      if (typeof p === "string") row.note = `${p}: shown, not judged`;
      else pending.push({ row, p });
      continue;
    }
    row.note =
      k === "failed" || k === "completed"
        ? "judged through success_rate"
        : "workload or derived figure: shown, not judged";
  }

  // Bootstrap each metric once per run, same seed for every comparison of the same files.
  for (const [metric, wanted] of latencyWanted) {
    const stats = wanted.map((w) => w.stat);
    const ra = bootstrapStats(
      sa.metrics[metric]!,
      stats,
      o.resamples,
      rng(o.seed * 8 + LATENCY_METRICS.indexOf(metric)),
    );
    const rb = bootstrapStats(
      sb.metrics[metric]!,
      stats,
      o.resamples,
      rng(o.seed * 8 + 4 + LATENCY_METRICS.indexOf(metric)),
    );
    wanted.forEach((w, i) => {
      const row = rows.find((r) => r.key === w.key)!;
      // The figure in the file and the sample agree unless the file was edited; judge the sample.
      const [pa, pb] = [pointStats(sa.metrics[metric]!, [w.stat])[0], pointStats(sb.metrics[metric]!, [w.stat])[0]];
      if (Number.isFinite(pa) && Number.isFinite(pb)) row.change = relChange(pa, pb);
      pending.push({ row, p: bootstrapP(ra[i], rb[i], o.tolerance) });
    });
  }

  const adjusted = holm(pending.map((t) => t.p));
  let regressions = 0;
  pending.forEach(({ row }, i) => {
    row.p = adjusted[i];
    const worseBy = row.direction === "lower" ? row.change! : -row.change!;
    if (worseBy > o.tolerance && adjusted[i] < o.alpha) {
      row.verdict = "regression";
      regressions++;
    } else row.verdict = worseBy > 0 ? "worse" : worseBy < 0 ? "better" : "same";
    if (row.verdict === "worse")
      row.note = worseBy > o.tolerance ? "beyond the tolerance but within the noise" : "within the tolerance";
  });
  // Shown figures that have a direction still say which way they moved.
  for (const row of rows)
    if (row.verdict === "reported" && row.direction && row.change !== undefined && !row.note?.startsWith("the median"))
      row.verdict = row.change === 0 ? "same" : (row.direction === "lower") === row.change > 0 ? "worse" : "better";
  return { rows, judged: pending.length, regressions, nested, options: o };
}
