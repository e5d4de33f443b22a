import type { ScenarioResult } from "../client/outputs";
import type { ResultsFile } from "../client/results-file";
import { percentile, type ThresholdResult } from "../client/stats";
import { compareResults, type Comparison } from "../compare/verdict";
import {
  baselineChanges,
  latencyHistogram,
  rateCurve,
  scenarioBars,
  timeline,
  type ChangeRow,
  type Marker,
} from "./charts";
import { rehearsalSection } from "./rehearsal";
import { renderSvg } from "./render";
import {
  DEFAULT_PERCENTILES,
  isUpperBound,
  LATENCY_LABELS,
  LATENCY_METRICS,
  latencyKey,
  parseLatencyThreshold,
  percentileStat,
  perMetric,
  thresholdUnit,
  type LatencyMetric,
} from "../contract";
import { timelines } from "./series";
import { thresholdLabel, thresholdText } from "./thresholds";

// The HTML reports: a run (per scenario: threshold rows, figures, latency distributions with
// percentile markers and SLO lines, timelines over the run; scenarios side by side; optionally
// against a baseline run) and a capacity plan (SLO metric against offered rate). Plots are
// Vega-Lite rendered to inline SVG: no script, no remote asset, it opens offline.

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fig = (svg: string) => `<figure>${svg}</figure>`;
/** A results value's text, as String() gives it for scalars: null and missing are empty, an object would be JSON. */
const text = (v: unknown): string => {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  return JSON.stringify(v);
};
const fmt = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : esc(text(v)));

const STYLE = `body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1.5em 2em;color:#111827}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #e5e7eb;padding-bottom:.2em;margin-top:1.6em}h3{font-size:1em;margin:1em 0 .3em}
table{border-collapse:collapse;font-size:.9em}th,td{border:1px solid #d1d5db;padding:3px 10px;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
ul.thresholds{list-style:none;padding:0;font-variant-numeric:tabular-nums}ul.thresholds li{padding:2px 0}li.pass::before{content:"✔ ";color:#15803d}li.fail{color:#b91c1c;font-weight:600}li.fail::before{content:"✘ "}
.plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,340px),1fr));gap:1.2em 1.6em}figure{margin:0;min-width:0}svg.plot{width:100%;height:auto}.note{color:#4b5563;font-size:.9em}.nodata{font-weight:600}
pre{background:#f3f4f6;padding:.6em;overflow-x:auto}`;

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(title)}</title><style>${STYLE}</style></head><body><h1>${esc(title)}</h1>${body}</body></html>\n`;

function thresholdList(ts: ThresholdResult[]): string {
  if (!ts.length) return "";
  return `<h3>Thresholds</h3><ul class="thresholds">${ts.map((t) => `<li class="${t.passed ? "pass" : "fail"}">${esc(thresholdText(t))}</li>`).join("")}</ul>`;
}

/** The latency thresholds set on one metric. */
const onMetric = (thresholds: ThresholdResult[], metric: LatencyMetric) =>
  thresholds.filter((t) => parseLatencyThreshold(t.name)?.metric === metric);

/** Markers for one latency metric: its percentiles, and the SLOs set on that metric. */
function markers(values: number[], metric: LatencyMetric, thresholds: ThresholdResult[]): Marker[] {
  const sorted = [...values].sort((a, b) => a - b);
  const ms: Marker[] = DEFAULT_PERCENTILES.map((p) => ({ label: `P${p}`, value: percentile(sorted, p) }));
  for (const t of onMetric(thresholds, metric))
    ms.push({ label: `SLO ${thresholdLabel(t.name).split(" ")[0]} ≤ ${t.limit} ms`, value: t.limit, slo: true });
  return ms;
}

const PCT_NAMES = DEFAULT_PERCENTILES.map((p) => `P${p}`).join("/");

/** Each metric's histogram: its title and axis. */
const DISTRIBUTIONS: Record<LatencyMetric, string> = {
  ttft: "Time to first token",
  tpot: "Time per output token (per request)",
  itl: "Inter-token latency (every gap)",
  e2el: "End-to-end latency",
};
const axis = (m: LatencyMetric) => `${LATENCY_LABELS[m].short} (ms)`;

/** Says so plainly when a scenario has no main-run request to report (stopped during its warm-up). */
function noData(s: ScenarioResult): string | undefined {
  if (s.records.length) return undefined;
  const name = esc(s.result.scenario);
  return `<section id="scenario-${name}"><h2>${name}${s.partial ? " (partial: interrupted)" : ""}</h2><p class="nodata">No main-run data: ${s.partial ? "the run was stopped before this scenario's main run sent a request (during its warm-up)" : "this scenario sent no request"}, so there are no latencies, thresholds or charts to show.</p></section>`;
}

function scenarioSection(s: ScenarioResult): string {
  const empty = noData(s);
  if (empty) return empty;
  const ok = s.records.filter((r) => r.success);
  // Every gap for ITL, one value per request for the others.
  const values = perMetric((m) =>
    ok.flatMap((r) => {
      const v = m === "itl" ? r.itl_ms : r[`${m}_ms`];
      return v === undefined ? [] : v;
    }),
  );
  const r = s.result;
  const figures = [
    ["completed / failed", `${fmt(r.completed)} / ${fmt(r.failed)}`],
    ["duration (s)", fmt(r.duration)],
    ["request throughput (req/s)", fmt(r.request_throughput)],
    ["output throughput (tok/s)", fmt(r.output_throughput)],
    ["peak output throughput (tok/s)", fmt(r.max_output_tokens_per_s)],
    ["peak concurrent requests", fmt(r.max_concurrent_requests)],
  ]
    .map(([k, v]) => `<tr><th>${k}</th><td class="num">${v}</td></tr>`)
    .join("");
  const name = r.scenario;
  const dists = LATENCY_METRICS.filter((m) => values[m].length).map((m) =>
    fig(
      renderSvg(
        latencyHistogram(`${DISTRIBUTIONS[m]}: ${name}`, axis(m), values[m], markers(values[m], m, s.thresholds)),
        `${DISTRIBUTIONS[m]} histogram, ${name}`,
      ),
    ),
  );
  const tl = timelines(s.records);
  const slo = (metric: LatencyMetric) => {
    const t = onMetric(s.thresholds, metric)[0];
    return t ? { label: `SLO: ${thresholdLabel(t.name)} ≤ ${t.limit} ms`, value: t.limit } : undefined;
  };
  const lines = [
    renderSvg(
      timeline(`Concurrency: ${name}`, tl.concurrency, "requests in flight", tl),
      `concurrency over time, ${name}`,
    ),
    renderSvg(
      timeline(`Request throughput: ${name}`, tl.throughput, "completed requests/s", tl),
      `request throughput over time, ${name}`,
    ),
    renderSvg(
      timeline(`Output token throughput: ${name}`, tl.tokens, "output tokens/s", tl),
      `token throughput over time, ${name}`,
    ),
    renderSvg(
      timeline(`TTFT per second (${PCT_NAMES}): ${name}`, tl.ttft, axis("ttft"), tl, slo("ttft")),
      `TTFT percentiles per second, ${name}`,
    ),
    renderSvg(
      timeline(`ITL per second (${PCT_NAMES}): ${name}`, tl.itl, axis("itl"), tl, slo("itl")),
      `ITL percentiles per second, ${name}`,
    ),
  ].map(fig);
  return `<section id="scenario-${esc(name)}"><h2>${esc(name)}${s.partial ? " (partial: interrupted)" : ""}</h2>${thresholdList(s.thresholds)}<table>${figures}</table>
<h3>Latency distributions</h3><div class="plots">${dists.join("")}</div>
<h3>Over the run</h3><p class="note">Per one-second bucket, from the per-request records: TTFT by when the first token came, ITL by when each gap ended.</p><div class="plots">${lines.join("")}</div>${rehearsalSection(r)}</section>`;
}

function acrossScenarios(all: ScenarioResult[]): string {
  const results = all.filter((s) => s.records.length);
  if (results.length < 2) return "";
  const rows = (metric: LatencyMetric) =>
    results.flatMap((s) =>
      DEFAULT_PERCENTILES.map((p) => ({
        scenario: s.result.scenario,
        stat: `P${p}`,
        value:
          s.result[latencyKey(percentileStat(p), metric)] ?? (p === 50 ? s.result[latencyKey("median", metric)] : NaN),
      })).filter((r) => Number.isFinite(r.value)),
    );
  const tput = results.map((s) => ({
    scenario: s.result.scenario,
    stat: "output tok/s",
    value: s.result.output_throughput,
  }));
  return `<section id="across"><h2>Scenario against scenario</h2><div class="plots">${[
    renderSvg(scenarioBars("TTFT by scenario", rows("ttft"), axis("ttft")), "TTFT percentiles by scenario"),
    renderSvg(
      scenarioBars("E2E latency by scenario", rows("e2el"), axis("e2el")),
      "E2E latency percentiles by scenario",
    ),
    renderSvg(scenarioBars("Output throughput by scenario", tput, "output tokens/s"), "output throughput by scenario"),
  ]
    .map(fig)
    .join("")}</div></section>`;
}

/**
 * Relative change of the comparable figures, each with its direction-aware verdict from `vllm-bench
 * compare` (a regression only when beyond the tolerance and significant; see bench/compare).
 */
export function baselineRows(
  base: ResultsFile,
  cur: ResultsFile,
  tolerance = 0.1,
  comparison: Comparison = compareResults(base, cur, { tolerance }),
): ChangeRow[] {
  const keys = [
    "request_throughput",
    "output_throughput",
    ...LATENCY_METRICS.flatMap((m) => [
      latencyKey("median", m),
      ...DEFAULT_PERCENTILES.filter((p) => p !== 50).map((p) => latencyKey(percentileStat(p), m)),
    ]),
  ];
  return keys.flatMap((k) => {
    const a = base[k],
      b = cur[k];
    const row = comparison.rows.find((r) => r.key === k);
    if (typeof a !== "number" || typeof b !== "number" || a === 0 || !row) return [];
    return [{ metric: k, change: ((b - a) / a) * 100, verdict: row.verdict, text: `${fmt(a)} → ${fmt(b)}` }];
  });
}

function againstBaseline(results: ScenarioResult[], baseline?: Record<string, ResultsFile>): string {
  if (!baseline) return "";
  const figs = results.flatMap((s) => {
    const scenario = s.result.scenario;
    const b = baseline[scenario];
    return b
      ? [
          fig(
            renderSvg(
              baselineChanges(
                `${scenario}: this run against the baseline (±10 % tolerance)`,
                baselineRows(b, { ...s.result, requests: s.records }),
              ),
              `${scenario} against baseline`,
            ),
          ),
        ]
      : [];
  });
  return figs.length
    ? `<section id="baseline"><h2>Run against baseline</h2><div class="plots">${figs.join("")}</div></section>`
    : "";
}

/** The run report. `baseline` maps scenario name to a baseline run's results JSON. */
export function htmlReport(
  title: string,
  runId: string,
  results: ScenarioResult[],
  baseline?: Record<string, ResultsFile>,
): string {
  return page(
    title,
    `<p class="note">run ${esc(runId)}</p>${againstBaseline(results, baseline)}${acrossScenarios(results)}${results.map(scenarioSection).join("")}`,
  );
}

/** Two results files side by side (`vllm-bench compare`'s view). */
export function compareReport(base: ResultsFile, cur: ResultsFile, tolerance = 0.1, comparison?: Comparison): string {
  const scenario = cur.scenario ?? "";
  const title = `${scenario}: this run against the baseline (±${(tolerance * 100).toFixed(0)} % tolerance)`;
  return page(
    `vllm-bench: ${scenario} against the baseline`,
    `<p class="note">baseline ${esc(base.date ?? "")}, this run ${esc(cur.date ?? "")}</p><div class="plots">${fig(renderSvg(baselineChanges(title, baselineRows(base, cur, tolerance, comparison)), "run against baseline"))}</div>`,
  );
}

export interface PlanReportInput {
  points: { rate: number; passed: boolean; slos: { name: string; limit: number; value: number; passed: boolean }[] }[];
  slos: Record<string, number>;
  /** The interval's lower end (the answer) and upper end (lowest sure miss). */
  sustainable: number | null;
  knee: number | null;
  /** Every judged rate, pooled over its runs (plan.json `rates`). */
  rates?: {
    rate: number;
    verdict: string;
    measurements: number;
    samples: number;
    near_knee: boolean;
    slos: { name: string; limit: number; value: number; low: number; high: number; late: number; samples: number }[];
  }[];
  /** What a reduced search gave up (empty for the full search). */
  tradedAway?: string[];
  target?: number;
  summary: string;
}

const num = (x: number) => (Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3)) : "∞");

/** The rates the answer rests on: verdict, runs, requests, each SLO's estimate with its interval. */
function rateTable(rates: NonNullable<PlanReportInput["rates"]>, slos: string[]): string {
  const head = `<tr><th>rate (req/s)</th><th>verdict</th><th>runs</th><th>requests</th>${slos.map((n) => `<th>${esc(thresholdLabel(n))}: estimate [95 % interval]; later half</th>`).join("")}</tr>`;
  const rows = rates.map((r) => {
    const cells = slos.map((n) => {
      const j = r.slos.find((x) => x.name === n);
      if (!j || Number.isNaN(j.value)) return "<td>no data</td>";
      return `<td>${num(j.value)} [${num(j.low)}, ${num(j.high)}]; ${num(j.late)} (limit ${j.limit})</td>`;
    });
    const style = r.near_knee ? ' style="font-weight:bold"' : "";
    return `<tr${style}><td>${r.rate.toFixed(2)}</td><td>${esc(r.verdict)}</td><td>${r.measurements}</td><td>${r.samples}</td>${cells.join("")}</tr>`;
  });
  return `<table>${head}${rows.join("")}</table>`;
}

/** The capacity plan: each SLO's metric against the offered rate, with the knee and the target. */
export function planReport(title: string, p: PlanReportInput): string {
  const marks = [
    ...(p.knee !== null ? [{ label: "upper end (sure miss)", rate: p.knee, color: "#dc2626" }] : []),
    ...(p.sustainable !== null ? [{ label: "sustainable (sure pass)", rate: p.sustainable, color: "#16a34a" }] : []),
    ...(p.target !== undefined ? [{ label: "HPA target", rate: p.target, color: "#2563eb" }] : []),
  ];
  const curves = Object.entries(p.slos).map(([name, limit]) => {
    const pct = name === "success_rate";
    const points = p.points.flatMap((pt) =>
      pt.slos
        .filter((s) => s.name === name)
        .filter((s) => Number.isFinite(s.value)) // a point with no data has nothing to draw: the table lists it
        .map((s) => ({ rate: pt.rate, value: pct ? s.value * 100 : s.value, passed: pt.passed })),
    );
    const unit = thresholdUnit(name);
    const rel = isUpperBound(name) ? "≤" : "≥";
    return fig(
      renderSvg(
        rateCurve(
          `${thresholdLabel(name)} against offered rate`,
          `${thresholdLabel(name)} (${unit})`,
          points.sort((a, b) => a.rate - b.rate),
          { label: `SLO ${rel} ${pct ? limit * 100 : limit} ${unit}`, value: pct ? limit * 100 : limit },
          marks,
        ),
        `${name} against offered rate`,
      ),
    );
  });
  return page(
    title,
    `<h2>Latency against rate, per SLO</h2><p class="note">Each point is one measurement at an offered rate, steady state only. The capacity lies between the sustainable rate (the highest rate whose every SLO interval lay inside its limit: the answer) and the upper end (the lowest rate above it whose interval lay outside one); the HPA target sits below the answer by the headroom.</p><div class="plots">${curves.join("")}</div>${
      p.rates?.length
        ? `<h2>Rates judged</h2><p class="note">Pooled over each rate's runs; bold from the lower end to the upper end of the interval. pass: every SLO's 95 % interval and the later half of the steady window inside the limit; miss: an interval wholly outside; unsure: in between (never counted as sustainable); no data: no request started in the steady window (neither a pass nor a miss).</p>${rateTable(p.rates, Object.keys(p.slos))}`
        : ""
    }${
      p.tradedAway?.length
        ? `<h2>What this search traded away</h2><ul>${p.tradedAway.map((t) => `<li>${esc(t)}</li>`).join("")}</ul>`
        : ""
    }<h2>Recommendation</h2><pre>${esc(p.summary)}</pre>`,
  );
}
