// One ConfigMap per Grafana dashboard, labelled for Grafana's sidecar (it watches every namespace).
import { ApiObject, Chart, JsonPatch } from "cdk8s";
import * as kplus from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { allDashboards, renderDashboard } from "../../monitoring/dashboards";
import { PART_OF } from "../part-of";
import { GRAFANA_DASHBOARD_LABEL, GRAFANA_FOLDER, GRAFANA_FOLDER_ANNOTATION } from "./labels";
import type { MonitoringChartProps } from "./props";

export class DashboardsChart extends Chart {
  constructor(scope: Construct, id: string, props: MonitoringChartProps) {
    super(scope, id, { namespace: props.namespace, labels: { ...PART_OF } });
    for (const d of allDashboards(props.thresholds)) {
      const configMap = new kplus.ConfigMap(this, d.uid, {
        metadata: {
          name: `dashboard-${d.uid}`,
          labels: { [GRAFANA_DASHBOARD_LABEL.key]: GRAFANA_DASHBOARD_LABEL.value },
          annotations: { [GRAFANA_FOLDER_ANNOTATION]: GRAFANA_FOLDER },
        },
        data: { [d.fileName]: renderDashboard(d) },
      });
      // cdk8s-plus-28 writes `immutable: false`, the API default, which ours leaves out.
      ApiObject.of(configMap).addJsonPatch(JsonPatch.remove("/immutable"));
    }
  }
}
