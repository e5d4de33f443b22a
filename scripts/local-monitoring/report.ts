// The end-of-run summary of `npm start`: alert states and a few headline panel values, read from
// the same recorded series the Grafana dashboards use.
import { REC } from "../../dashboards/recorded";
import type { RunningPrometheus } from "./prometheus";

const headlines: Array<[string, string, (v: number) => string]> = [
  ["request rate (5m)", `sum(${REC.requests.model.record})`, (v) => `${v.toFixed(2)} req/s`],
  ["E2E latency P95", `max(${REC.latency.e2e.p95.record})`, (v) => `${(v * 1000).toFixed(0)} ms`],
  ["TTFT P95", `max(${REC.latency.ttft.p95.record})`, (v) => `${(v * 1000).toFixed(0)} ms`],
  ["inter-token latency P95", `max(${REC.latency.itl.p95.record})`, (v) => `${(v * 1000).toFixed(1)} ms`],
  ["output tokens/s (5m)", `sum(${REC.tokens.generationModel.record})`, (v) => v.toFixed(0)],
  ["KV-cache usage (max over pods)", `max(${REC.scheduler.kvCachePod.record})`, (v) => `${(v * 100).toFixed(1)} %`],
];

export interface AlertState {
  name: string;
  state: "pending" | "firing";
  labels: Record<string, string>;
}

export async function alertStates(prom: RunningPrometheus): Promise<AlertState[]> {
  const res = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()) as { data: { alerts: Array<{ labels: Record<string, string>; state: "pending" | "firing" }> } };
  return res.data.alerts.map((a) => ({ name: a.labels.alertname!, state: a.state, labels: a.labels }));
}

export async function monitoringReport(prom: RunningPrometheus): Promise<string> {
  const lines = ["", "Local Prometheus (our recording and alert rules, scraping the simulator):"];
  for (const [name, q, fmt] of headlines) {
    const r = await prom.query(q);
    const v = r[0] ? Number(r[0].value[1]) : NaN;
    lines.push(`  ${name.padEnd(32)} ${Number.isFinite(v) ? fmt(v) : "no data"}`);
  }
  const alerts = await alertStates(prom);
  lines.push(alerts.length ? "  alerts:" : "  alerts: none pending or firing");
  for (const a of alerts) lines.push(`    ${a.state.padEnd(8)} ${a.name} (${a.labels.severity ?? "?"})`);
  return lines.join("\n");
}
