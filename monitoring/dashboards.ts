// Every Grafana dashboard we ship: exported to monitoring/*.json (npm run dashboards), deployed as
// labelled ConfigMaps (charts/monitoring) and provisioned by the compose bundle.
import { benchmarkDashboard } from "./grafana/benchmarks";
import { capacityDashboard } from "./grafana/capacity";
import { gpuDashboard } from "./grafana/gpus";
import { servingDashboard } from "./grafana/serving";
import { type AlertThresholds, defaultAlertThresholds } from "./thresholds";

export interface DashboardFile {
  uid: string;
  title: string;
  fileName: string;
  json: Record<string, unknown>;
}

function file(json: { uid?: string; title?: string }): DashboardFile {
  if (!json.uid || !json.title) throw new Error("every dashboard needs a uid and a title");
  return { uid: json.uid, title: json.title, fileName: `${json.uid}.json`, json: json };
}

/** Threshold lines on panels follow the alert thresholds, so a dashboard shows where an alert fires. */
export function allDashboards(thresholds: AlertThresholds = defaultAlertThresholds): DashboardFile[] {
  return [
    servingDashboard(thresholds),
    gpuDashboard(thresholds),
    capacityDashboard(thresholds),
    benchmarkDashboard(),
  ].map(file);
}

export function renderDashboard(d: DashboardFile): string {
  return JSON.stringify(d.json, null, 2) + "\n";
}
