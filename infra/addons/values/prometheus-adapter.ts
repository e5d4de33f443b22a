/** One prometheus-adapter discovery rule (the adapter's own config format). */
export interface AdapterRule {
  seriesQuery: string;
  resources: { overrides?: Record<string, { resource: string }>; template?: string };
  name: { matches: string; as: string };
  metricsQuery: string;
}

/** The prometheus-adapter chart values we set (chart keys: test/fixtures/helm-values/prometheus-adapter.yaml). */
export interface PrometheusAdapterValues {
  prometheus: { url: string; port: number };
  rules: { default: boolean; custom: AdapterRule[] };
  nodeSelector: Record<string, string>;
}

/**
 * Only our custom-metrics rules (written once in monitoring/adapter.ts): the chart's default
 * CPU/memory rules would make the adapter list thousands of series nobody scales on.
 */
export function prometheusAdapterValues(
  prometheus: { url: string; port: number },
  rules: AdapterRule[],
  nodeSelector: Record<string, string>,
): PrometheusAdapterValues {
  if (rules.length === 0)
    throw new Error(
      "prometheus-adapter: no custom rules; the HPA would never see a metric. Check monitoring/adapter.ts adapterRules()",
    );
  return {
    prometheus,
    rules: { default: false, custom: rules },
    nodeSelector,
  };
}
