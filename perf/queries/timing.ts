// Queries as Grafana sends them, timed by the client (what a dashboard user waits for) and
// by Prometheus itself (`stats=all`: evaluation time without HTTP and JSON encoding).
import { percentile } from "../../bench/client/stats";

export interface QueryTiming {
  /** Median wall time over the repetitions, in ms. */
  wallMs: number;
  /** Median of Prometheus' own evaluation time, in ms. */
  evalMs: number;
  series: number;
  samples: number;
}

export interface Window {
  start: number;
  end: number;
  step: number;
  /** Evaluate once at `end` (Grafana's instant targets). */
  instant?: boolean;
}

interface QueryResponse {
  status: string;
  error?: string;
  data?: {
    result: unknown[];
    stats?: { timings?: { evalTotalTime?: number }; samples?: { totalQueryableSamples?: number } };
  };
}

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

export async function runQuery(
  url: string,
  expr: string,
  w: Window,
): Promise<{ ms: number; evalMs: number; series: number; samples: number }> {
  const params: Record<string, string> = w.instant
    ? { query: expr, time: String(w.end) }
    : { query: expr, start: String(w.start), end: String(w.end), step: String(w.step) };
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/${w.instant ? "query" : "query_range"}`, {
    method: "POST",
    body: new URLSearchParams({ ...params, stats: "all" }),
  });
  const body = (await res.json()) as QueryResponse;
  const ms = performance.now() - t0;
  if (body.status !== "success") throw new Error(`query failed: ${body.error}\n  ${expr}`);
  const result = body.data!.result;
  return {
    ms,
    evalMs: (body.data!.stats?.timings?.evalTotalTime ?? NaN) * 1000,
    series: result.length,
    samples: body.data!.stats?.samples?.totalQueryableSamples ?? NaN,
  };
}

/** One untimed run (loads the chunks a fresh Grafana tab would also find cached after its first refresh), then `reps` timed runs. */
export async function timeQuery(url: string, expr: string, w: Window, reps: number): Promise<QueryTiming> {
  const first = await runQuery(url, expr, w);
  const runs = [];
  for (let i = 0; i < reps; i++) runs.push(await runQuery(url, expr, w));
  return {
    wallMs: median(runs.map((r) => r.ms)),
    evalMs: median(runs.map((r) => r.evalMs)),
    series: first.series,
    samples: first.samples,
  };
}
