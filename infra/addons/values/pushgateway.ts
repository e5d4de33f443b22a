export const PUSHGATEWAY_FULLNAME = "pushgateway";
export const PUSHGATEWAY_PORT = 9091;

/** In-cluster URL the benchmark Job pushes to. */
export function pushgatewayUrl(namespace: string): string {
  return `http://${PUSHGATEWAY_FULLNAME}.${namespace}.svc:${PUSHGATEWAY_PORT}`;
}

/** The prometheus-pushgateway chart values we set (chart keys: test/fixtures/helm-values/prometheus-pushgateway.yaml). */
export interface PushgatewayValues {
  fullnameOverride: string;
  nodeSelector: Record<string, string>;
  serviceMonitor: { enabled: boolean; namespace: string; honorLabels: boolean };
  persistentVolume: { enabled: boolean };
  resources: { requests: { cpu: string; memory: string } };
}

/**
 * `honorLabels` keeps the `job`/`instance` labels the benchmark pushes instead of replacing them
 * with the Pushgateway's own. No volume: Prometheus scrapes the results within seconds and keeps
 * them for the retention period, and a PVC would be one more volume to outlive `pulumi destroy`.
 */
export function pushgatewayValues(
  namespace: string,
  nodeSelector: Record<string, string>,
  serviceMonitor: boolean,
): PushgatewayValues {
  return {
    fullnameOverride: PUSHGATEWAY_FULLNAME,
    nodeSelector,
    serviceMonitor: { enabled: serviceMonitor, namespace, honorLabels: true },
    persistentVolume: { enabled: false },
    resources: { requests: { cpu: "10m", memory: "32Mi" } },
  };
}
