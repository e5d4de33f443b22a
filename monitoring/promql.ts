// Small PromQL builders over the catalog, so a metric name is typed once and renamed metrics are
// queried under both names (`new or old`) without every caller remembering to.
import type { CatalogMetric } from "./catalog";
import { monitoringConfig } from "./config";

const RATE_WINDOW = monitoringConfig.rateWindow.duration;

/** Label matchers without braces, e.g. `namespace=~"$namespace"`; empty for none. */
export type Matchers = string;

export function selector(name: string, matchers: Matchers = ""): string {
  return matchers ? `${name}{${matchers}}` : name;
}

function names(m: CatalogMetric): string[] {
  return [m.name, ...(m.oldNames ?? []).map((o) => o.name)];
}

/** An instant selector over the current and old names of a gauge. */
export function gauge(m: CatalogMetric, matchers: Matchers = ""): string {
  const all = names(m).map((n) => selector(n, matchers));
  return all.length === 1 ? all[0] : `(${all.join(" or ")})`;
}

/** `rate()` of a counter (or a histogram series with `suffix`), over current and old names. */
export function rate(
  m: CatalogMetric,
  opts: { matchers?: Matchers; window?: string; suffix?: "_bucket" | "_sum" | "_count" } = {},
): string {
  const w = opts.window ?? RATE_WINDOW;
  const all = names(m).map((n) => `rate(${selector(n + (opts.suffix ?? ""), opts.matchers)}[${w}])`);
  return all.length === 1 ? all[0] : `(${all.join(" or ")})`;
}

export function sumBy(labels: readonly string[], expr: string): string {
  return `sum by (${labels.join(", ")}) (${expr})`;
}

export function quantile(q: number, bucketRateExpr: string): string {
  return `histogram_quantile(${q}, ${bucketRateExpr})`;
}

/** Mean of a histogram per group: rate of `_sum` over rate of `_count`. */
export function histogramMean(
  m: CatalogMetric,
  by: readonly string[],
  matchers: Matchers = "",
  window = RATE_WINDOW,
): string {
  return `${sumBy(by, rate(m, { matchers, window, suffix: "_sum" }))} / ${sumBy(by, rate(m, { matchers, window, suffix: "_count" }))}`;
}
