// Every query of the exported dashboards (monitoring/*.json, what users import), with Grafana's
// variables replaced as Grafana would for "All" selections and a given time range.
import * as fs from "node:fs";
import * as path from "node:path";

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
  /** Grafana sends instant targets as one evaluation at the end of the range. */
  instant: boolean;
  /** Panel width in grid columns (of 24). */
  width: number;
}

interface Panel {
  title?: string;
  gridPos?: { w?: number };
  panels?: Panel[];
  targets?: Array<{ expr?: string; refId?: string; instant?: boolean; range?: boolean }>;
}

export function dashboardQueries(dir = path.resolve(import.meta.dirname, "../../monitoring")): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const d = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as { title: string; panels: Panel[] };
    const walk = (panels: Panel[]) => {
      for (const p of panels) {
        if (p.panels) walk(p.panels);
        for (const t of p.targets ?? [])
          if (t.expr)
            out.push({
              dashboard: d.title,
              panel: p.title ?? "(untitled)",
              refId: t.refId ?? "A",
              expr: t.expr,
              instant: t.instant === true && t.range !== true,
              width: p.gridPos?.w ?? 24,
            });
      }
    };
    walk(d.panels);
  }
  if (out.length === 0) throw new Error(`no dashboard queries found in ${dir}: run npm run dashboards`);
  return out;
}

/**
 * Grafana's substitutions for a range query: `$__range` is the dashboard range, `$__interval` the
 * query step, `$__rate_interval` max(step + scrape interval, 4 × scrape interval); template
 * variables take their "All" value `.*`.
 */
export function substitute(expr: string, rangeSeconds: number, stepSeconds: number, scrapeSeconds: number): string {
  return expr
    .replace(/\$__range/g, `${rangeSeconds}s`)
    .replace(/\$__rate_interval/g, `${Math.max(stepSeconds + scrapeSeconds, 4 * scrapeSeconds)}s`)
    .replace(/\$__interval/g, `${stepSeconds}s`)
    .replace(/\$\{?(\w+)\}?/g, ".*");
}

/** Pixels per grid column on a 1,920 px screen (24 columns, side menu and padding taken off). */
const PX_PER_COLUMN = 75;

/** Grafana's interval rounding: [below (s), rounded to (s)], from 1 s upwards. */
const ROUNDING: ReadonlyArray<[number, number]> = [
  [1.5, 1],
  [3.5, 2],
  [7.5, 5],
  [12.5, 10],
  [17.5, 15],
  [25, 20],
  [45, 30],
  [90, 60],
  [210, 120],
  [450, 300],
  [750, 600],
  [1050, 900],
  [1500, 1200],
  [2700, 1800],
  [5400, 3600],
  [9000, 7200],
  [16200, 10800],
];

/**
 * The step Grafana sends for a panel `width` columns wide: range / max data points (the panel's
 * width in pixels), rounded to a "nice" interval, no finer than the datasource's scrape interval.
 */
export function grafanaStep(rangeSeconds: number, scrapeSeconds: number, width = 24): number {
  const raw = rangeSeconds / (width * PX_PER_COLUMN);
  const rounded = ROUNDING.find(([below]) => raw < below)?.[1] ?? 21_600;
  return Math.max(scrapeSeconds, rounded);
}
