export { DashboardsChart } from "./dashboards-chart";
export { GRAFANA_DASHBOARD_LABEL, GRAFANA_FOLDER, GRAFANA_FOLDER_ANNOTATION } from "./labels";
export type { MonitoringChartProps } from "./props";
export { MonitoringRulesChart } from "./rules-chart";
