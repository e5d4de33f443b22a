import type { TopLevelSpec } from "vega-lite";
import type { Verdict } from "../compare/verdict";
import type { TimelineRow } from "./series";

// Vega-Lite specs for the report. Every plot has titled axes with units; a latency distribution
// carries its P50/P90/P99 and any SLO on that metric as vertical rules.

const W = 440,
  H = 170;
const MARKER_COLORS = { P50: "#16a34a", P90: "#f59e0b", P99: "#dc2626", SLO: "#111827" } as const;

export interface Marker {
  label: string; // "P50", "P90", "P99" or "SLO P95 ≤ 2000 ms"
  value: number;
  slo?: boolean;
}

/** Every `step`-th value, so a histogram of 100 000 inter-token gaps stays cheap to draw. */
const thin = (xs: number[], max = 20_000) =>
  xs.length <= max ? xs : xs.filter((_, i) => i % Math.ceil(xs.length / max) === 0);

export function latencyHistogram(
  title: string,
  axis: string,
  values: number[],
  markers: Marker[],
  clipAt: number,
): TopLevelSpec {
  const drawn = thin(values.filter((v) => v <= clipAt)).map((v) => ({ v }));
  const cut = values.filter((v) => v > clipAt).length;
  const hi = Math.max(clipAt, ...markers.map((m) => m.value)) * 1.04;
  const rules = markers.map((m, i) => ({
    ...m,
    text: m.slo ? m.label : `${m.label}: ${m.value.toFixed(1)} ms`,
    row: i,
    align: m.slo ? "right" : "left",
    dx: m.slo ? -3 : 3,
  }));
  const domain = rules.map((r) => r.label);
  const range = rules.map((r) => (r.slo ? MARKER_COLORS.SLO : (MARKER_COLORS[r.label as "P50"] ?? "#6b7280")));
  return {
    width: W,
    height: H,
    title: {
      text: title,
      subtitle: `${values.length} values${cut ? `; ${cut} above ${clipAt.toFixed(0)} ms not drawn` : ""}`,
    },
    layer: [
      {
        data: { values: drawn },
        mark: { type: "bar", color: "#93c5fd", stroke: "#3b82f6", strokeWidth: 0.5 },
        encoding: {
          x: {
            field: "v",
            type: "quantitative",
            bin: { maxbins: 40, extent: [0, hi] },
            title: axis,
            scale: { domain: [0, hi] },
          },
          y: { aggregate: "count", type: "quantitative", title: "count" },
        },
      },
      {
        data: { values: rules },
        mark: { type: "rule", strokeWidth: 2 },
        encoding: {
          x: { field: "value", type: "quantitative" },
          color: { field: "label", type: "nominal", scale: { domain, range }, title: null },
          strokeDash: { condition: { test: "datum.slo", value: [6, 3] }, value: [1, 0] },
        },
      },
      {
        data: { values: rules },
        mark: { type: "text", fontSize: 10, align: { expr: "datum.align" }, dx: { expr: "datum.dx" } },
        encoding: {
          x: { field: "value", type: "quantitative" },
          y: { field: "row", type: "ordinal", axis: null, scale: { paddingOuter: 0.5 } },
          text: { field: "text" },
          color: { field: "label", type: "nominal", scale: { domain, range }, legend: null },
        },
      },
    ],
    resolve: { scale: { y: "independent" } },
  };
}

export function timeline(
  title: string,
  rows: TimelineRow[],
  yTitle: string,
  slo?: { label: string; value: number },
): TopLevelSpec {
  const line = {
    data: { values: rows },
    mark: { type: "line", interpolate: "step-after", strokeWidth: 1.5 },
    encoding: {
      x: { field: "t", type: "quantitative", title: "time since start (s)" },
      y: { field: "value", type: "quantitative", title: yTitle },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        scale: {
          domain: [...new Set(rows.map((r) => r.series))],
          range: rows.some((r) => r.series === "P50")
            ? [MARKER_COLORS.P50, MARKER_COLORS.P90, MARKER_COLORS.P99]
            : ["#2563eb"],
        },
      },
    },
  };
  const layers: object[] = [line];
  if (slo)
    layers.push(
      {
        data: { values: [slo] },
        mark: { type: "rule", strokeDash: [6, 3], color: MARKER_COLORS.SLO },
        encoding: { y: { field: "value", type: "quantitative" } },
      },
      {
        data: { values: [slo] },
        mark: { type: "text", align: "left", dy: -6, fontSize: 10, color: MARKER_COLORS.SLO },
        encoding: { y: { field: "value", type: "quantitative" }, x: { value: 4 }, text: { field: "label" } },
      },
    );
  return { width: W, height: H - 20, title, layer: layers } as TopLevelSpec;
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

/** An SLO metric against the offered rate, with the SLO line and the knee, sustainable rate and target marked. */
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
  const rateMarks = marks.map((m, i) => ({ ...m, text: `${m.label} ${m.rate.toFixed(2)} req/s`, ypx: 10 + 12 * i }));
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
          },
          shape: { field: "verdict", type: "nominal", legend: null },
        },
      },
      {
        data: { values: [slo] },
        mark: { type: "rule", strokeDash: [6, 3], color: MARKER_COLORS.SLO, strokeWidth: 1.5 },
        encoding: { y: { field: "value", type: "quantitative" } },
      },
      {
        data: { values: [slo] },
        mark: { type: "text", align: "left", dy: -6, fontSize: 10 },
        encoding: { y: { field: "value", type: "quantitative" }, x: { value: 4 }, text: { field: "label" } },
      },
      {
        data: { values: rateMarks },
        mark: { type: "rule", strokeWidth: 1.5, strokeDash: [2, 2] },
        encoding: {
          x: { field: "rate", type: "quantitative" },
          color: { field: "color", type: "nominal", scale: null },
        },
      },
      {
        data: { values: rateMarks },
        mark: { type: "text", align: "left", dx: 3, fontSize: 10 },
        encoding: {
          x: { field: "rate", type: "quantitative" },
          y: { field: "ypx", type: "quantitative", scale: null },
          text: { field: "text" },
          color: { field: "color", type: "nominal", scale: null },
        },
      },
    ],
  } as TopLevelSpec;
}
