// Seeded cluster bootstrap of a metric's mean and percentiles, and the normal tail used by the
// count tests. One pass over the sorted values per resample (weights instead of copies), so a run
// of a hundred thousand inter-token gaps costs milliseconds per thousand resamples, not a sort each.
import type { MetricSamples } from "./samples";

/** "mean" or a percentile in [0, 100] (numpy's linear interpolation, as vLLM computes them). */
export type Stat = "mean" | number;

/** Percentile stats in ascending order (their indices), so one walk finds them all. */
const quantileOrder = (stats: Stat[]) =>
  stats
    .map((st, i) => [st, i] as const)
    .filter((x): x is readonly [number, number] => x[0] !== "mean")
    .sort((x, y) => x[0] - y[0]);

/**
 * The statistics of one weighted sample: value i counts `counts[cluster[i]]` times. Percentiles are
 * those of the expanded sample, interpolated as numpy.percentile does; NaN when it is empty.
 */
function weighted(
  s: MetricSamples,
  counts: ArrayLike<number>,
  stats: Stat[],
  order: readonly (readonly [number, number])[],
  out: number[],
): void {
  const { values, cluster } = s;
  let total = 0,
    sum = 0;
  for (let i = 0; i < values.length; i++) {
    const w = counts[cluster[i]];
    total += w;
    sum += w * values[i];
  }
  if (total === 0) return void out.fill(NaN);
  for (let k = 0; k < stats.length; k++) if (stats[k] === "mean") out[k] = sum / total;
  // The expanded sample's value at index x: walk the sorted values, value i covering w_i indices.
  let i = 0,
    covered = 0;
  for (const [p, k] of order) {
    const rank = (p / 100) * (total - 1);
    const lo = Math.floor(rank);
    while (covered + counts[cluster[i]] <= lo) covered += counts[cluster[i++]];
    let j = i,
      c = covered;
    const hi = Math.ceil(rank);
    while (c + counts[cluster[j]] <= hi) c += counts[cluster[j++]];
    out[k] = values[i] + (values[j] - values[i]) * (rank - lo);
  }
}

/** The statistics of the sample itself. */
export function pointStats(s: MetricSamples, stats: Stat[]): number[] {
  const out = new Array<number>(stats.length);
  weighted(s, new Uint32Array(s.clusters).fill(1), stats, quantileOrder(stats), out);
  return out;
}

/** Values a replicate walks at most; a larger sample (pooled inter-token gaps) is thinned first. */
const MAX_VALUES = 20_000;

/** Every k-th value of the sorted sample, with its cluster: the same distribution, fewer values. */
function thin(s: MetricSamples): MetricSamples {
  if (s.values.length <= MAX_VALUES) return s;
  const k = Math.ceil(s.values.length / MAX_VALUES);
  const n = Math.ceil(s.values.length / k);
  const values = new Float64Array(n),
    cluster = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    values[i] = s.values[i * k];
    cluster[i] = s.cluster[i * k];
  }
  return { values, cluster, clusters: s.clusters };
}

/**
 * `resamples` bootstrap replicates of each statistic: each replicate draws the sample's clusters
 * (blocks of requests) with replacement and keeps every value of a drawn cluster. Returns one array
 * per stat. Past MAX_VALUES values the replicates are taken on a thinned sample: a smaller sample
 * varies more, so the interval can only widen (a regression must then be clearer), never narrow.
 */
export function bootstrapStats(
  full: MetricSamples,
  stats: Stat[],
  resamples: number,
  rand: () => number,
): Float64Array[] {
  const s = thin(full);
  const out = stats.map(() => new Float64Array(resamples));
  const counts = new Uint32Array(s.clusters);
  const order = quantileOrder(stats);
  const v = new Array<number>(stats.length);
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let k = 0; k < s.clusters; k++) counts[Math.floor(rand() * s.clusters)]++;
    weighted(s, counts, stats, order, v);
    for (let i = 0; i < stats.length; i++) out[i][b] = v[i];
  }
  return out;
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26, error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Holm's step-down adjustment: family-wise error at most α when each adjusted p is held to α. */
export function holm(pValues: number[]): number[] {
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(pValues.length);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
