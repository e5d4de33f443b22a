import type { AlertThresholds } from "../../monitoring/thresholds";

export interface MonitoringChartProps {
  /** Namespace of the PrometheusRules and dashboard ConfigMaps (the serving namespace). */
  namespace: string;
  thresholds: AlertThresholds;
}
