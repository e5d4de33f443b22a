import type { RequestRecord } from "../client/request";
import { percentile } from "../client/stats";
import { DEFAULT_PERCENTILES } from "../contract";

// Per-second timelines of a run, computed from the per-request records (start_s, TTFT, ITL
// gaps, E2E latency): what happened over the run, not only its totals.

export interface TimelineRow {
  t: number; // seconds since the run started (bucket start)
  series: string;
  value: number;
}

export interface Timelines {
  concurrency: TimelineRow[];
  throughput: TimelineRow[];
  tokens: TimelineRow[];
  ttft: TimelineRow[];
  itl: TimelineRow[];
  /** Whole seconds drawn: the buckets stop at the last full second of the run. */
  seconds: number;
  /** The run's last, partial second (0 to <1 s), left out: a per-second rate over a fraction of a second reads as a collapse. */
  leftOut: number;
}

export function timelines(records: RequestRecord[]): Timelines {
  const end = records.reduce((m, r) => Math.max(m, r.start_s + (r.e2el_ms ?? 0) / 1000), 0);
  // A run shorter than a second keeps its one (partial) bucket: there is nothing else to show.
  const n = Math.max(1, Math.floor(end));
  const leftOut = Math.max(0, end - n);
  const busy = new Float64Array(n); // request-seconds in flight per bucket: mean concurrency
  const done = new Float64Array(n);
  const tokens = new Float64Array(n);
  const ttft: number[][] = Array.from({ length: n }, () => []);
  const itl: number[][] = Array.from({ length: n }, () => []);
  /** The bucket of time `s`, or -1 in the partial second after the last full one. */
  const at = (s: number) => (s >= n ? -1 : Math.max(0, Math.floor(s)));
  const add = (xs: Float64Array, s: number) => {
    const i = at(s);
    if (i >= 0) xs[i]++;
  };
  for (const r of records) {
    const a = r.start_s,
      b = r.start_s + (r.e2el_ms ?? 0) / 1000;
    for (let s = Math.floor(a); s < Math.min(n, Math.ceil(b)); s++)
      busy[s] += Math.max(0, Math.min(b, s + 1) - Math.max(a, s));
    if (!r.success) continue;
    add(done, b);
    if (r.ttft_ms === undefined) continue;
    let t = a * 1000 + r.ttft_ms;
    if (at(t / 1000) >= 0) ttft[at(t / 1000)].push(r.ttft_ms);
    add(tokens, t / 1000);
    for (const g of r.itl_ms) {
      t += g;
      if (at(t / 1000) >= 0) itl[at(t / 1000)].push(g);
      add(tokens, t / 1000);
    }
  }
  const rows = (series: string, xs: ArrayLike<number>) => Array.from(xs, (value, t) => ({ t, series, value }));
  const pct = (buckets: number[][]) =>
    buckets.flatMap((xs, t) => {
      if (!xs.length) return [];
      const s = [...xs].sort((x, y) => x - y);
      return DEFAULT_PERCENTILES.map((p) => ({ t, series: `P${p}`, value: percentile(s, p) }));
    });
  return {
    concurrency: rows("in flight (mean)", busy),
    throughput: rows("completed requests/s", done),
    tokens: rows("output tokens/s", tokens),
    ttft: pct(ttft),
    itl: pct(itl),
    seconds: n,
    leftOut,
  };
}
