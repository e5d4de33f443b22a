// Labels and annotations Grafana's dashboard sidecar and the Prometheus Operator read. The add-ons
// (infra/addons) configure the sidecar with these same constants.

/** ConfigMaps with this label are loaded as dashboards by Grafana's sidecar, in every namespace. */
export const GRAFANA_DASHBOARD_LABEL = { key: "grafana_dashboard", value: "1" } as const;
/** Annotation naming the Grafana folder a dashboard ConfigMap goes into. */
export const GRAFANA_FOLDER_ANNOTATION = "grafana_folder";
export const GRAFANA_FOLDER = "vLLM";
