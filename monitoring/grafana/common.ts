// Shared Grafana building blocks: the datasource/namespace/model/pod variables every dashboard
// has, and panel helpers that always set a datasource, unit, legend and refIds (the SDK leaves
// legends off and refIds empty unless told).
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dash from "@grafana/grafana-foundation-sdk/dashboard";
import * as heatmap from "@grafana/grafana-foundation-sdk/heatmap";
import * as prom from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { VLLM_METRICS } from "../catalog";
import { selector } from "../promql";

export const DATASOURCE: common.DataSourceRef = { type: "prometheus", uid: "${datasource}" };

/** Label matchers for the dashboard variables. */
export const NAMESPACE_FILTER = `namespace=~"$namespace"`;
export const MODEL_FILTER = `${NAMESPACE_FILTER}, model_name=~"$model"`;
export const POD_FILTER = `${MODEL_FILTER}, pod=~"$pod"`;

export interface Query {
  expr: string;
  legend: string;
  /** One evaluation at the end of the range, for stats over `$__range` (a range query would evaluate it at every step). */
  instant?: boolean;
}

export interface SeriesThreshold {
  value: number;
  color: string;
}

function targets<T extends { withTarget(t: prom.DataqueryBuilder): T }>(panel: T, queries: Query[]): T {
  queries.forEach((q, i) => {
    const target = new prom.DataqueryBuilder()
      .expr(q.expr)
      .legendFormat(q.legend)
      .refId(String.fromCharCode(65 + i));
    panel.withTarget(q.instant ? target.instant() : target.range());
  });
  return panel;
}

function thresholds(steps: SeriesThreshold[]): dash.ThresholdsConfigBuilder {
  return new dash.ThresholdsConfigBuilder()
    .mode(dash.ThresholdsMode.Absolute)
    .steps([{ value: null, color: "green" }, ...steps]);
}

export interface PanelOpts {
  unit: string;
  description?: string;
  /** Drawn as dashed lines (SLOs, alert thresholds). */
  thresholds?: SeriesThreshold[];
  stack?: boolean;
  min?: number;
  max?: number;
  span?: number;
  height?: number;
}

export function timeSeries(title: string, queries: Query[], o: PanelOpts): timeseries.PanelBuilder {
  const p = new timeseries.PanelBuilder()
    .title(title)
    .datasource(DATASOURCE)
    .unit(o.unit)
    .span(o.span ?? 12)
    .height(o.height ?? 8)
    .lineWidth(1)
    .fillOpacity(o.stack ? 30 : 10)
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .showLegend(true)
        .calcs(["mean", "max", "lastNotNull"]),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending),
    );
  if (o.description) p.description(o.description);
  if (o.min !== undefined) p.min(o.min);
  if (o.max !== undefined) p.max(o.max);
  if (o.stack) p.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (o.thresholds?.length) {
    p.thresholds(thresholds(o.thresholds)).thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed),
    );
  }
  return targets(p, queries);
}

export function statPanel(title: string, query: Query, o: PanelOpts): stat.PanelBuilder {
  const p = new stat.PanelBuilder()
    .title(title)
    .datasource(DATASOURCE)
    .unit(o.unit)
    .span(o.span ?? 4)
    .height(o.height ?? 4)
    .graphMode(common.BigValueGraphMode.Area)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false));
  if (o.description) p.description(o.description);
  if (o.thresholds?.length) p.thresholds(thresholds(o.thresholds));
  return targets(p, [query]);
}

/** A heatmap of a histogram's bucket rates (Prometheus `le` buckets, not recalculated by Grafana). */
export function bucketHeatmap(title: string, bucketExpr: string, o: PanelOpts): heatmap.PanelBuilder {
  const p = new heatmap.PanelBuilder()
    .title(title)
    .datasource(DATASOURCE)
    .unit(o.unit)
    .span(o.span ?? 12)
    .height(o.height ?? 8)
    .calculate(false)
    .color(new heatmap.HeatmapColorOptionsBuilder().mode(heatmap.HeatmapColorMode.Scheme).scheme("Spectral").steps(64))
    .yAxis(new heatmap.YAxisConfigBuilder().unit(o.unit))
    .cellValues(new heatmap.CellValuesBuilder().unit("reqps"))
    .showLegend();
  if (o.description) p.description(o.description);
  // `format: heatmap` makes Grafana order the `le` buckets and de-accumulate them.
  return p.withTarget(
    new prom.DataqueryBuilder()
      .expr(`sum by (le) (${bucketExpr})`)
      .legendFormat("{{le}}")
      .format(prom.PromQueryFormat.Heatmap)
      .refId("A")
      .range(),
  );
}

/** A multi-select variable from `label_values(...)`; "All" is `.*` so it also matches series without the label. */
export function queryVariable(name: string, label: string, q: string): dash.QueryVariableBuilder {
  return new dash.QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(q)
    .refresh(dash.VariableRefresh.OnTimeRangeChanged)
    .sort(dash.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(".*");
}

/** Every dashboard's first variable: which Prometheus to query. */
export function datasourceVariable(): dash.DatasourceVariableBuilder {
  return new dash.DatasourceVariableBuilder("datasource").label("Data source").type("prometheus");
}

/** The datasource variable, then namespace (and model, pod) from vLLM's own series. */
export function variables(d: dash.DashboardBuilder, opts: { model: boolean; pod: boolean }): dash.DashboardBuilder {
  const anchor = VLLM_METRICS.running.name;
  d.withVariable(datasourceVariable());
  const query = queryVariable;
  d.withVariable(query("namespace", "Namespace", `label_values(${anchor}, namespace)`));
  if (opts.model) {
    d.withVariable(query("model", "Model", `label_values(${selector(anchor, NAMESPACE_FILTER)}, model_name)`));
  }
  if (opts.pod) d.withVariable(query("pod", "Pod", `label_values(${selector(anchor, MODEL_FILTER)}, pod)`));
  return d;
}

export function dashboard(uid: string, title: string, description: string): dash.DashboardBuilder {
  return new dash.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(["vllm", "vllm-k8s"])
    .editable()
    .refresh("30s")
    .time({ from: "now-3h", to: "now" })
    .timezone("browser");
}

export const row = (title: string) => new dash.RowBuilder(title);
