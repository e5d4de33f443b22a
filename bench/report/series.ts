import type { RequestRecord } from "../client/request";
import { percentile } from "../client/stats";

// Per-second timelines of a run, computed from the per-request records (start_s, TTFT, ITL
// gaps, E2E latency): what happened over the run, not only its totals.

export interface TimelineRow {
  t: number; // seconds since the run started (bucket start)
  series: string;
  value: number;
}

export function timelines(records: RequestRecord[]): {
  concurrency: TimelineRow[];
  throughput: TimelineRow[];
  tokens: TimelineRow[];
  ttft: TimelineRow[];
  itl: TimelineRow[];
} {
  const end = Math.ceil(Math.max(0, ...records.map((r) => r.start_s + (r.e2el_ms ?? 0) / 1000)));
  const n = Math.max(1, end);
  const busy = new Float64Array(n); // request-seconds in flight per bucket: mean concurrency
  const done = new Float64Array(n);
  const tokens = new Float64Array(n);
  const ttft: number[][] = Array.from({ length: n }, () => []);
  const itl: number[][] = Array.from({ length: n }, () => []);
  const at = (s: number) => Math.min(n - 1, Math.max(0, Math.floor(s)));
  for (const r of records) {
    const a = r.start_s,
      b = r.start_s + (r.e2el_ms ?? 0) / 1000;
    for (let s = Math.floor(a); s < Math.min(n, Math.ceil(b)); s++)
      busy[s] += Math.max(0, Math.min(b, s + 1) - Math.max(a, s));
    if (!r.success) continue;
    done[at(b)]++;
    if (r.ttft_ms === undefined) continue;
    let t = a * 1000 + r.ttft_ms;
    ttft[at(t / 1000)].push(r.ttft_ms);
    tokens[at(t / 1000)]++;
    for (const g of r.itl_ms) {
      t += g;
      itl[at(t / 1000)].push(g);
      tokens[at(t / 1000)]++;
    }
  }
  const rows = (series: string, xs: ArrayLike<number>) => Array.from(xs, (value, t) => ({ t, series, value }));
  const pct = (buckets: number[][]) =>
    buckets.flatMap((xs, t) => {
      if (!xs.length) return [];
      const s = [...xs].sort((x, y) => x - y);
      return [50, 90, 99].map((p) => ({ t, series: `P${p}`, value: percentile(s, p) }));
    });
  return {
    concurrency: rows("in flight (mean)", busy),
    throughput: rows("completed requests/s", done),
    tokens: rows("output tokens/s", tokens),
    ttft: pct(ttft),
    itl: pct(itl),
  };
}
