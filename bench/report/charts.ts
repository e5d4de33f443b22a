import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";
import type { Verdict } from "../compare/verdict";
import type { TimelineRow } from "./series";

// Vega-Lite specs for the report. Every plot has titled axes with units; axes fit the data; a
// latency distribution carries its P50/P90/P95/P99 and any SLO on that metric as vertical rules.
// Nothing is labelled on the plot area: rules are named in a legend, which Vega lays out, so no
// label can cross a bar, a line or another label. An SLO far from the data is not drawn on a
// stretched axis (that squeezes the data into one bar) but named with an arrow in the subtitle.
// Texts stay short: without a canvas Vega sizes text by an estimate (0.8 × font size per
// character, vega-scenegraph 5.x src/util/text.js estimateWidth), so a long subtitle or legend row
// widens the SVG far beyond what it draws.

const W = 340,
  H = 170;
const MARKER_COLORS = { P50: "#16a34a", P90: "#f59e0b", P95: "#7c3aed", P99: "#dc2626", SLO: "#111827" } as const;
const markerColor = (label: string, slo?: boolean) =>
  slo ? MARKER_COLORS.SLO : (MARKER_COLORS[label as keyof typeof MARKER_COLORS] ?? "#6b7280");
/** Above this many values the rug shows the tail beyond P99 only (the histogram still counts every value). */
const RUG_ALL_MAX = 5_000;

export interface Marker {
  label: string; // "P50", "P90", "P95", "P99" or "SLO P95 ≤ 2000 ms"
  value: number;
  slo?: boolean;
}

const extent = (xs: number[]): [number, number] =>
  xs.reduce<[number, number]>(([lo, hi], v) => [Math.min(lo, v), Math.max(hi, v)], [Infinity, -Infinity]);

/**
 * The axis range for `values`, widened to take in the SLOs that lie near them; the others are
 * "off the axis" and told in words with an arrow pointing their way.
 */
function fitAxis(values: number[], slos: Marker[]): { domain: [number, number]; on: Marker[]; off: string[] } {
  let [lo, hi] = extent(values);
  const span = Math.max(hi - lo, Math.abs(hi) * 0.1, 1e-9);
  // Near: taking the SLO in at most doubles the axis, so the data keep half the width or more.
  const on = slos.filter((m) => m.value >= lo - span && m.value <= hi + span);
  const off = slos
    .filter((m) => !on.includes(m))
    .map((m) =>
      m.value > hi ? `${m.label} → at ${(m.value / hi).toFixed(1)}× the max` : `← ${m.label}, below the min`,
    );
  for (const m of on) [lo, hi] = [Math.min(lo, m.value), Math.max(hi, m.value)];
  const pad = Math.max(hi - lo, Math.abs(hi) * 0.02) * 0.04;
  return { domain: [Math.max(0, lo - pad), hi + pad], on, off };
}

/**
 * Counts per bin, binned here rather than by Vega: Vega makes an object of every value it bins,
 * which for the pooled gaps of thousands of streams (hundreds of thousands of values) was the
 * client's peak memory. The bins are the ones Vega-Lite's `bin: { maxbins: 40, extent }` chose
 * (Vega's own `bin`, nice steps).
 */
/** vega-statistics' `bin`, which Vega exports but its typings leave out. */
const bin = (vega as unknown as { bin: (o: { maxbins: number; extent: [number, number] }) => Bins }).bin;
type Bins = { start: number; stop: number; step: number };

function binCounts(values: number[], domain: [number, number]): { lo: number; hi: number; count: number }[] {
  const { start, stop, step } = bin({ maxbins: 40, extent: domain });
  const counts = new Uint32Array(Math.max(1, Math.ceil((stop - start) / step)));
  for (const v of values) counts[Math.min(counts.length - 1, Math.max(0, Math.floor((v - start) / step)))]++;
  return Array.from(counts, (count, i) => ({ lo: start + i * step, hi: start + (i + 1) * step, count })).filter(
    (b) => b.count > 0,
  );
}

/**
 * A latency distribution: a histogram of every value, a rug of ticks under it (each value when
 * there are few enough, else every value beyond P99, so the worst request is always drawn), the
 * percentiles and the SLOs.
 */
export function latencyHistogram(title: string, axis: string, values: number[], markers: Marker[]): TopLevelSpec {
  const pcts = markers.filter((m) => !m.slo);
  const { domain, on, off } = fitAxis(
    values,
    markers.filter((m) => m.slo),
  );
  const p99 = pcts.find((m) => m.label === "P99")?.value ?? -Infinity;
  const rug = (values.length <= RUG_ALL_MAX ? values : values.filter((v) => v > p99)).map((v) => ({ v }));
  const rules = [...pcts, ...on].map((m) => ({
    ...m,
    text: m.slo ? m.label : `${m.label} ${m.value.toFixed(1)} ms`,
    kind: m.slo ? "SLO" : "percentile",
  }));
  const x = { field: "v", type: "quantitative", scale: { domain, zero: false, nice: false } } as const;
  const rugNote = values.length <= RUG_ALL_MAX ? "each a tick at the bottom" : `ticks: the ${rug.length} above P99`;
  return {
    width: W,
    height: H,
    title: { text: title, subtitle: [`${values.length} values; ${rugNote}`, ...off] },
    layer: [
      {
        data: { values: binCounts(values, domain) },
        mark: { type: "bar", color: "#93c5fd", stroke: "#3b82f6", strokeWidth: 0.5 },
        encoding: {
          x: { ...x, field: "lo", bin: "binned", title: axis },
          x2: { field: "hi" },
          y: { field: "count", type: "quantitative", title: "count" },
        },
      },
      {
        data: { values: rug },
        mark: { type: "rule", color: "#111827", opacity: 0.6 },
        encoding: {
          x: { ...x, title: axis },
          y: { value: H },
          y2: { value: H - 10 },
          description: { value: "rug" },
        },
      },
      {
        data: { values: rules },
        mark: { type: "rule", strokeWidth: 2 },
        encoding: {
          x: { field: "value", type: "quantitative" },
          stroke: {
            field: "text",
            type: "nominal",
            sort: null,
            scale: { domain: rules.map((r) => r.text), range: rules.map((r) => markerColor(r.label, r.slo)) },
            legend: { title: null, orient: "bottom", columns: 2 },
          },
          strokeDash: {
            field: "kind",
            type: "nominal",
            scale: {
              domain: ["percentile", "SLO"],
              range: [
                [1, 0],
                [6, 3],
              ],
            },
            legend: null,
          },
        },
      },
    ],
  };
}

/** Each series' last value carried to the end of its bucket, so a step line covers the whole second it stands for. */
function closeSteps(rows: TimelineRow[], seconds: number): TimelineRow[] {
  const last = new Map<string, TimelineRow>();
  for (const r of rows) if ((last.get(r.series)?.t ?? -1) <= r.t) last.set(r.series, r);
  return [...rows, ...[...last.values()].filter((r) => r.t === seconds - 1).map((r) => ({ ...r, t: seconds }))];
}

export function timeline(
  title: string,
  rows: TimelineRow[],
  yTitle: string,
  span: { seconds: number; leftOut: number },
  slo?: { label: string; value: number },
): TopLevelSpec {
  const series = [...new Set(rows.map((r) => r.series))];
  const values = rows.map((r) => r.value);
  const { on, off } = fitAxis(values.length ? values : [0], slo ? [{ ...slo, slo: true }] : []);
  const notes = [
    span.leftOut > 0.05 ? `last ${span.leftOut.toFixed(1)} s not drawn (a partial second)` : "",
    ...off,
  ].filter(Boolean);
  const line = {
    data: { values: closeSteps(rows, span.seconds) },
    mark: { type: "line", interpolate: "step-after", strokeWidth: 1.5 },
    encoding: {
      x: {
        field: "t",
        type: "quantitative",
        title: "time since start (s)",
        scale: { domain: [0, span.seconds], nice: false },
      },
      y: { field: "value", type: "quantitative", title: yTitle },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        scale: { domain: series, range: series.map((s) => (s in MARKER_COLORS ? markerColor(s) : "#2563eb")) },
      },
    },
  };
  const layers: object[] = [line];
  if (on.length)
    layers.push({
      data: { values: on.map((m) => ({ ...m, kind: `SLO: ${m.label}` })) },
      mark: { type: "rule", strokeDash: [6, 3] },
      encoding: {
        y: { field: "value", type: "quantitative" },
        stroke: { field: "kind", type: "nominal", scale: { range: [MARKER_COLORS.SLO] }, legend: { title: null } },
      },
    });
  return {
    width: W,
    height: H - 20,
    title: notes.length ? { text: title, subtitle: notes } : title,
    layer: layers,
  } as TopLevelSpec;
}

export interface ScenarioRow {
  scenario: string;
  stat: string;
  value: number;
}

/** Grouped bars: one group per scenario, one bar per statistic. */
export function scenarioBars(title: string, rows: ScenarioRow[], yTitle: string): TopLevelSpec {
  const stats = [...new Set(rows.map((r) => r.stat))];
  return {
    width: W,
    height: H,
    title,
    data: { values: rows },
    mark: { type: "bar" },
    encoding: {
      x: { field: "scenario", type: "nominal", title: "scenario", sort: null, axis: { labelAngle: 0 } },
      xOffset: { field: "stat", sort: stats },
      y: { field: "value", type: "quantitative", title: yTitle },
      color: {
        field: "stat",
        type: "nominal",
        title: null,
        sort: stats,
        scale: stats.every((s) => s in MARKER_COLORS)
          ? { domain: stats, range: stats.map((s) => MARKER_COLORS[s as "P50"]) }
          : {},
      },
    },
  };
}

export interface ChangeRow {
  metric: string;
  /** Relative change, new against baseline, in percent. */
  change: number;
  verdict: Verdict;
  text: string;
}

/** Direction-aware colours: red only for a regression; a figure that got worse within the noise is amber, never green. */
const VERDICT_COLORS: Record<Verdict, string> = {
  regression: "#dc2626",
  worse: "#f59e0b",
  same: "#9ca3af",
  better: "#16a34a",
  "no data": "#e5e7eb",
  reported: "#9ca3af",
};

export function baselineChanges(title: string, rows: ChangeRow[]): TopLevelSpec {
  return {
    width: W,
    height: Math.max(120, rows.length * 18),
    title,
    data: { values: rows },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          y: { field: "metric", type: "nominal", sort: null, title: null },
          x: { field: "change", type: "quantitative", title: "change against the baseline (%)" },
          color: {
            field: "verdict",
            type: "nominal",
            title: null,
            scale: { domain: Object.keys(VERDICT_COLORS), range: Object.values(VERDICT_COLORS) },
            legend: { labelExpr: "datum.label == 'worse' ? 'worse, not a regression' : datum.label" },
          },
        },
      },
      { mark: { type: "rule", color: "#111827" }, encoding: { x: { datum: 0 } } },
      {
        mark: { type: "text", align: "left", dx: 4, fontSize: 10 },
        encoding: { y: { field: "metric", type: "nominal", sort: null }, x: { datum: 0 }, text: { field: "text" } },
      },
    ],
  };
}

export interface CurvePoint {
  rate: number;
  value: number;
  passed: boolean;
}

export interface RateMarker {
  label: string;
  rate: number;
  color: string;
}

/**
 * An SLO metric against the offered rate, with the SLO line and the knee, sustainable rate and
 * target marked as rules named in a legend (a label on the plot would cross the SLO line).
 */
export function rateCurve(
  title: string,
  yTitle: string,
  points: CurvePoint[],
  slo: { label: string; value: number },
  marks: RateMarker[],
): TopLevelSpec {
  const ys = points.map((p) => p.value).filter((v) => v > 0);
  const log = ys.length > 1 && Math.max(...ys, slo.value) / Math.min(...ys, slo.value) > 30;
  const y = { field: "value", type: "quantitative", title: yTitle, scale: log ? { type: "log" } : { zero: true } };
  const rows = points.map((p) => ({ ...p, verdict: p.passed ? "meets every SLO" : "misses an SLO" }));
  const rules = [
    { text: slo.label, color: MARKER_COLORS.SLO, dash: "SLO" },
    ...marks.map((m) => ({ text: `${m.label} ${m.rate.toFixed(2)} req/s`, color: m.color, dash: "rate" })),
  ];
  const stroke = {
    field: "text",
    type: "nominal",
    sort: null,
    scale: { domain: rules.map((r) => r.text), range: rules.map((r) => r.color) },
    legend: { title: null, orient: "bottom", direction: "vertical" },
  };
  const strokeDash = {
    field: "dash",
    type: "nominal",
    scale: {
      domain: ["SLO", "rate"],
      range: [
        [6, 3],
        [2, 2],
      ],
    },
    legend: null,
  };
  return {
    width: W,
    height: H + 30,
    title,
    layer: [
      {
        data: { values: rows },
        mark: { type: "line", color: "#9ca3af" },
        encoding: {
          x: { field: "rate", type: "quantitative", title: "offered rate (req/s)", scale: { zero: true } },
          y,
        },
      },
      {
        data: { values: rows },
        mark: { type: "point", filled: true, size: 60 },
        encoding: {
          x: { field: "rate", type: "quantitative" },
          y,
          color: {
            field: "verdict",
            type: "nominal",
            title: null,
            scale: { domain: ["meets every SLO", "misses an SLO"], range: ["#16a34a", "#dc2626"] },
            legend: { orient: "top", direction: "horizontal" },
          },
          shape: { field: "verdict", type: "nominal" },
        },
      },
      {
        data: { values: rules.slice(0, 1).map((r) => ({ ...r, value: slo.value })) },
        mark: { type: "rule", strokeWidth: 1.5 },
        encoding: { y: { field: "value", type: "quantitative" }, stroke, strokeDash },
      },
      {
        data: { values: rules.slice(1).map((r, i) => ({ ...r, rate: marks[i].rate })) },
        mark: { type: "rule", strokeWidth: 1.5 },
        encoding: { x: { field: "rate", type: "quantitative" }, stroke, strokeDash },
      },
    ],
  } as TopLevelSpec;
}
