// The end-of-run summary of `npm start`: alert states and a few headline panel values, read from
// the same recorded series the Grafana dashboards use.
import { VLLM_METRICS } from "../../monitoring/catalog";
import { REC } from "../../monitoring/recorded";
import type { RunningPrometheus } from "../dev/prometheus";

/**
 * Headline values of a run that lasted `seconds`. The simulator `npm start` runs is fresh, so its
 * counters hold exactly this run: their totals divided by the run's length are the run's mean
 * rates (a 5-minute rate() would average a 20 s run over 5 minutes, and a short window misses
 * the jump from 0 when a counter first appears). The KV cache is back to 0 % once the run has
 * ended, so it reports the peak over the run.
 */
function headlines(seconds: number): Array<[string, string, (v: number) => string]> {
  const s = Math.max(1, Math.round(seconds));
  const over = `over the run's ${s} s`;
  return [
    [`request rate (mean ${over})`, `sum(${VLLM_METRICS.requestSuccess.name})`, (v) => `${(v / s).toFixed(2)} req/s`],
    ...P95S.map(([name, l]): [string, string, (v: number) => string] => [
      `${name} P95`,
      `max(${REC.latency[l].p95.record})`,
      (v) => `${(v * 1000).toFixed(l === "itl" ? 1 : 0)} ms`,
    ]),
    [`output tokens/s (mean ${over})`, `sum(${VLLM_METRICS.generationTokens.name})`, (v) => (v / s).toFixed(0)],
    [
      `KV-cache usage (peak ${over})`,
      `max(max_over_time(${REC.scheduler.kvCachePod.record}[${s + 5}s]))`,
      (v) => `${(v * 100).toFixed(1)} %`,
    ],
  ];
}

/** The P95s the summary shows, by their histogram in the catalog. */
const P95S = [
  ["E2E latency", "e2e"],
  ["TTFT", "ttft"],
  ["inter-token latency", "itl"],
] as const;

const secs = (v: number) => `${+v.toPrecision(3)} s`;

/**
 * Why Prometheus's P95s differ from the benchmark's: histogram_quantile only knows how many
 * observations fell in each bucket and interpolates linearly inside the one that holds the 95th
 * percentile, while the benchmark sorts every request (prometheus.io/docs/prometheus/latest/
 * querying/functions/#histogram_quantile: "interpolates quantile values by assuming a linear
 * distribution within a bucket"). The bounds come from the scraped `le` labels, so the line stays
 * true whatever buckets the server exposes (vLLM's own: vllm/v1/metrics/loggers.py, as
 * bench/sim/vllm-metrics.ts records them).
 */
async function bucketNote(prom: RunningPrometheus): Promise<string> {
  const parts: string[] = [];
  for (const [name, l] of P95S) {
    const metric = VLLM_METRICS[l].name;
    const [p95] = await prom.query(`max(${REC.latency[l].p95.record})`);
    const les = (await prom.query(`count by (le) (${metric}_bucket)`))
      .map((r) => Number(r.metric.le))
      .sort((a, b) => a - b);
    if (!p95 || !les.length) continue;
    const v = Number(p95.value[1]);
    const upper = les.find((le) => le >= v) ?? Infinity;
    const lower = [...les].reverse().find((le) => le < v) ?? 0;
    parts.push(`${name} ${secs(lower)}–${upper === Infinity ? "+Inf" : secs(upper)}`);
  }
  return parts.length
    ? `  Prometheus's P95s interpolate linearly inside a histogram bucket (${parts.join(", ")}, from the scraped le bounds); the benchmark's are exact over every request, so the two differ.`
    : "";
}

export interface AlertState {
  name: string;
  state: "pending" | "firing";
  labels: Record<string, string>;
}

export async function alertStates(prom: RunningPrometheus): Promise<AlertState[]> {
  const res = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()) as {
    data: { alerts: Array<{ labels: Record<string, string>; state: "pending" | "firing" }> };
  };
  return res.data.alerts.map((a) => ({ name: a.labels.alertname, state: a.state, labels: a.labels }));
}

/** `runSeconds`: how long the run against a fresh simulator lasted. */
export async function monitoringReport(prom: RunningPrometheus, runSeconds: number): Promise<string> {
  const lines = ["", "Local Prometheus (our recording and alert rules, scraping the simulator):"];
  for (const [name, q, fmt] of headlines(runSeconds)) {
    const r = await prom.query(q);
    const v = r[0] ? Number(r[0].value[1]) : NaN;
    lines.push(`  ${name.padEnd(44)} ${Number.isFinite(v) ? fmt(v) : "no data"}`);
  }
  const note = await bucketNote(prom);
  if (note) lines.push(note);
  const alerts = await alertStates(prom);
  lines.push(alerts.length ? "  alerts:" : "  alerts: none pending or firing");
  for (const a of alerts) lines.push(`    ${a.state.padEnd(8)} ${a.name} (${a.labels.severity ?? "?"})`);
  return lines.join("\n");
}
