import type { ScenarioResult } from "./outputs";

// Self-contained HTML report: inline SVG, no scripts or remote assets, so it opens offline.

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function histogram(title: string, values: number[], unit: string): string {
  const W = 420, H = 180, pad = 30, bins = 30;
  if (!values.length) return `<figure><figcaption>${esc(title)}: no data</figcaption></figure>`;
  const sorted = [...values].sort((a, b) => a - b);
  const lo = sorted[0]!, hi = sorted[Math.floor(sorted.length * 0.995)] ?? sorted[sorted.length - 1]!;
  const width = Math.max((hi - lo) / bins, 1e-9);
  const counts = new Array(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]++;
  const max = Math.max(...counts);
  const bw = (W - 2 * pad) / bins;
  const bars = counts.map((c, i) => `<rect x="${(pad + i * bw).toFixed(1)}" y="${(H - pad - ((H - 2 * pad) * c) / max).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${(((H - 2 * pad) * c) / max).toFixed(1)}" fill="#3b82f6"/>`).join("");
  return `<figure><figcaption>${esc(title)}</figcaption><svg class="plot" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><path d="M${pad} ${H - pad}H${W - pad}M${pad} ${pad}V${H - pad}" stroke="#444"/>${bars}<text x="${pad}" y="${H - 8}" font-size="10">${lo.toFixed(1)} ${unit}</text><text x="${W - pad}" y="${H - 8}" font-size="10" text-anchor="end">${hi.toFixed(1)} ${unit}</text></svg></figure>`;
}

function lineChart(title: string, points: [string, number][], unit: string): string {
  const W = 420, H = 180, pad = 30;
  if (points.length < 1) return "";
  const max = Math.max(...points.map((p) => p[1]), 1e-9);
  const x = (i: number) => pad + (points.length === 1 ? (W - 2 * pad) / 2 : (i * (W - 2 * pad)) / (points.length - 1));
  const y = (v: number) => H - pad - ((H - 2 * pad) * v) / max;
  const d = points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)} ${y(p[1]).toFixed(1)}`).join("");
  const labels = points.map((p, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="3" fill="#ef4444"/><text x="${x(i).toFixed(1)}" y="${H - 8}" font-size="10" text-anchor="middle">${esc(p[0])}</text>`).join("");
  return `<figure><figcaption>${esc(title)} (${esc(unit)}, max ${max.toFixed(1)})</figcaption><svg class="plot" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><path d="M${pad} ${H - pad}H${W - pad}M${pad} ${pad}V${H - pad}" stroke="#444"/><path d="${d}" stroke="#ef4444" fill="none" stroke-width="2"/>${labels}</svg></figure>`;
}

export function htmlReport(title: string, runId: string, results: ScenarioResult[]): string {
  const sections = results.map((s) => {
    const ok = s.records.filter((r) => r.success);
    const rows = ["completed", "failed", "request_throughput", "output_throughput", "mean_ttft_ms", "p95_ttft_ms", "mean_tpot_ms", "mean_itl_ms", "p99_itl_ms", "p95_e2el_ms"]
      .map((k) => `<tr><th>${k}</th><td>${typeof s.result[k] === "number" ? (s.result[k] as number).toFixed(2) : esc(String(s.result[k]))}</td></tr>`).join("");
    const th = s.thresholds.map((t) => `<tr class="${t.passed ? "pass" : "fail"}"><th>${esc(t.name)} ≤/≥ ${t.limit}</th><td>${t.value.toFixed(2)} ${t.passed ? "PASS" : "FAIL"}</td></tr>`).join("");
    return `<section><h2>${esc(String(s.result.scenario))}${s.partial ? " (partial)" : ""}</h2><table>${rows}${th}</table><div class="plots">${histogram("TTFT", ok.map((r) => r.ttft_ms!), "ms")}${histogram("Inter-token latency", ok.flatMap((r) => r.itl_ms), "ms")}${histogram("E2E latency", ok.map((r) => r.e2el_ms!), "ms")}</div></section>`;
  });
  const label = (s: ScenarioResult) => `${s.result.scenario}`;
  const trend = results.length > 1
    ? `<section><h2>Across scenarios</h2><div class="plots">${lineChart("Output throughput", results.map((s) => [label(s), s.result.output_throughput as number]), "tok/s")}${lineChart("P95 TTFT", results.map((s) => [label(s), s.result.p95_ttft_ms as number]), "ms")}${lineChart("P95 E2E latency", results.map((s) => [label(s), s.result.p95_e2el_ms as number]), "ms")}</div></section>`
    : "";
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:2px 8px;text-align:left}.pass td{color:#15803d}.fail td{color:#b91c1c}.plots{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}</style></head><body><h1>${esc(title)}</h1><p>run ${esc(runId)}</p>${trend}${sections.join("")}</body></html>`;
}
