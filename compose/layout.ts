// Names, ports and paths shared by the compose file and the configs it mounts, so the two
// can never disagree. Paths under `bundle` are relative to the generated bundle directory.
export const services = {
  prometheus: { name: "prometheus", port: 9090 },
  alertmanager: { name: "alertmanager", port: 9093 },
  grafana: { name: "grafana", port: 3000 },
  simulator: { name: "simulator", port: 8000 },
  dcgmExporter: { name: "dcgm-exporter", port: 9400 },
} as const;

export const prometheusLayout = {
  /** Bundle directory mounted read-only at `configDir`. */
  bundleDir: "prometheus",
  configDir: "/etc/prometheus",
  configFile: "prometheus.yml",
  /** Relative to the config file, which is how Prometheus resolves rule and file_sd paths. */
  rulesGlob: "rules/*.yaml",
  rulesDir: "rules",
  /** tmpfs inside the read-only config mount; the entrypoint writes the vLLM targets here. */
  sdDir: "sd",
  sdFile: "vllm.json",
  dataDir: "/prometheus",
} as const;

export const alertmanagerLayout = {
  bundleDir: "alertmanager",
  configDir: "/etc/alertmanager",
  webhookConfig: "alertmanager.yml",
  noWebhookConfig: "alertmanager-no-webhook.yml",
  /** tmpfs: the webhook URL is a secret, so it never lands on disk. */
  secretsDir: "/run/alertmanager",
  webhookUrlFile: "webhook-url",
  dataDir: "/alertmanager",
} as const;

export const grafanaLayout = {
  provisioningDir: "/etc/grafana/provisioning",
  dashboardsDir: "/etc/grafana/dashboards",
  datasourceUid: "prometheus",
  datasourceName: "Prometheus",
} as const;

export const dcgmLayout = {
  countersFile: "dcgm/counters.csv",
  countersInContainer: "/etc/dcgm-exporter/vllm-counters.csv",
} as const;

/** Label values that stand in for Kubernetes' so the cluster's rules and dashboards work unchanged. */
export const defaultNamespace = "docker";

/** Defaults of the variables the compose file reads (env.ts documents each). */
export const envDefaults = {
  VLLM_NAMESPACE: defaultNamespace,
  GRAFANA_ADMIN_USER: "admin",
  PROMETHEUS_RETENTION: "15d",
} as const;

/** `${NAME:-default}`: the compose file's reference to a variable with its default. */
export function envRef(name: keyof typeof envDefaults): string {
  return `\${${name}:-${envDefaults[name]}}`;
}
