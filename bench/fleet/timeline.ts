// The per-second view of a run (the autoscaling rehearsal's timeline): requests started, finished
// and failed, output tokens, and TTFT / ITL percentiles per 1-second bucket, computed from the
// per-request records only (so a merged run's timeline is recomputed from the union, like every
// other figure). TTFT is filed under the second its request started, each ITL gap under the
// second its token arrived.
import type { z } from "zod";
import type { RequestRecord } from "../client/request";
import type { loadSecondSchema } from "../client/result";
import { percentile } from "../client/stats";

export type TimelineSecond = z.output<typeof loadSecondSchema>;

export function timeline(records: RequestRecord[], durationS: number): TimelineSecond[] {
  const end = records.reduce(
    (m, r) => Math.max(m, Math.ceil(r.start_s + (r.e2el_ms ?? 0) / 1000)),
    Math.ceil(durationS),
  );
  const rows = Array.from({ length: Math.max(0, end) }, (_, t) => ({
    t,
    started: 0,
    completed: 0,
    failed: 0,
    output_tokens: 0,
    ttft: [] as number[],
    itl: [] as number[],
  }));
  const at = (s: number) => rows[Math.min(rows.length - 1, Math.max(0, Math.floor(s)))];
  for (const r of records) {
    const row = at(r.start_s);
    if (!row) continue;
    row.started++;
    const done = at(r.start_s + (r.e2el_ms ?? 0) / 1000);
    if (!r.success) done.failed++;
    else done.completed++;
    if (r.ttft_ms === undefined) continue;
    row.ttft.push(r.ttft_ms);
    let ms = r.start_s * 1000 + r.ttft_ms;
    at(ms / 1000).output_tokens++;
    for (const g of r.itl_ms) {
      const b = at((ms += g) / 1000);
      b.itl.push(g);
      b.output_tokens++;
    }
  }
  const p = (xs: number[], q: number) => (xs.length ? percentile(xs, q) : null);
  return rows.map(({ ttft, itl, ...row }) => {
    ttft.sort((a, b) => a - b);
    itl.sort((a, b) => a - b);
    return {
      ...row,
      ttft_p50_ms: p(ttft, 50),
      ttft_p95_ms: p(ttft, 95),
      ttft_p99_ms: p(ttft, 99),
      itl_p50_ms: p(itl, 50),
      itl_p95_ms: p(itl, 95),
      itl_p99_ms: p(itl, 99),
    };
  });
}
