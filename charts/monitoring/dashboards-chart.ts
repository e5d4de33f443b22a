// One ConfigMap per Grafana dashboard, labelled for Grafana's sidecar (it watches every namespace).
import { ApiObject, Chart } from "cdk8s";
import type { Construct } from "constructs";
import { allDashboards, renderDashboard } from "../../monitoring/dashboards";
import { GRAFANA_DASHBOARD_LABEL, GRAFANA_FOLDER, GRAFANA_FOLDER_ANNOTATION, PART_OF } from "./labels";
import type { MonitoringChartProps } from "./props";

export class DashboardsChart extends Chart {
  constructor(scope: Construct, id: string, props: MonitoringChartProps) {
    super(scope, id, { namespace: props.namespace, labels: { ...PART_OF } });
    for (const d of allDashboards(props.thresholds)) {
      new ApiObject(this, d.uid, {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name: `dashboard-${d.uid}`,
          labels: { [GRAFANA_DASHBOARD_LABEL.key]: GRAFANA_DASHBOARD_LABEL.value },
          annotations: { [GRAFANA_FOLDER_ANNOTATION]: GRAFANA_FOLDER },
        },
        data: { [d.fileName]: renderDashboard(d) },
      });
    }
  }
}
