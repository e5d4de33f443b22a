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
    ["E2E latency P95", `max(${REC.latency.e2e.p95.record})`, (v) => `${(v * 1000).toFixed(0)} ms`],
    ["TTFT P95", `max(${REC.latency.ttft.p95.record})`, (v) => `${(v * 1000).toFixed(0)} ms`],
    ["inter-token latency P95", `max(${REC.latency.itl.p95.record})`, (v) => `${(v * 1000).toFixed(1)} ms`],
    [`output tokens/s (mean ${over})`, `sum(${VLLM_METRICS.generationTokens.name})`, (v) => (v / s).toFixed(0)],
    [
      `KV-cache usage (peak ${over})`,
      `max(max_over_time(${REC.scheduler.kvCachePod.record}[${s + 5}s]))`,
      (v) => `${(v * 100).toFixed(1)} %`,
    ],
  ];
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
  const alerts = await alertStates(prom);
  lines.push(alerts.length ? "  alerts:" : "  alerts: none pending or firing");
  for (const a of alerts) lines.push(`    ${a.state.padEnd(8)} ${a.name} (${a.labels.severity ?? "?"})`);
  return lines.join("\n");
}
