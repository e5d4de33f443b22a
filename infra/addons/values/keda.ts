/** One KEDA component's metrics endpoint and its ServiceMonitor (chart keys: test/fixtures/helm-values/keda.yaml). */
interface KedaMetrics {
  enabled: boolean;
  serviceMonitor: { enabled: boolean };
}

/** The KEDA chart values we set. */
export interface KedaValues {
  nodeSelector: Record<string, string>;
  prometheus: { operator: KedaMetrics; metricServer: KedaMetrics; webhooks: KedaMetrics };
}

/**
 * KEDA's operator, metrics server and admission webhooks on the system nodes. Their metrics
 * endpoints (scaler errors, trigger activity) are opened, with a ServiceMonitor each, only when a
 * Prometheus Operator is there to scrape them. Everything else is the chart's default: its CRDs,
 * the APIService v1beta1.external.metrics.k8s.io, self-signed certificates, restricted pods.
 */
export function kedaValues(nodeSelector: Record<string, string>, serviceMonitor: boolean): KedaValues {
  const metrics = { enabled: serviceMonitor, serviceMonitor: { enabled: serviceMonitor } };
  return { nodeSelector, prometheus: { operator: metrics, metricServer: metrics, webhooks: metrics } };
}
