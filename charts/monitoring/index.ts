export { DashboardsChart } from "./dashboards-chart";
export { GRAFANA_DASHBOARD_LABEL } from "./labels";
export { MonitoringRulesChart } from "./rules-chart";
