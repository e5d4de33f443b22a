// The pods our NetworkPolicies name, by the labels their charts give them: one home for these
// facts. Third-party labels were read from the charts' templates (sources per entry); a chart
// upgrade that renames one would leave its flow blocked, which the flow test cannot see, so
// re-check them when a pin in infra/addons/versions.ts moves.
import { BENCH_NAME } from "../benchmark/objects";
import { APP_NAME, HTTP_PORT, selectorLabels } from "../vllm/labels";

export interface PodGroup {
  /** Short name used in docs/security.md's flow table. */
  name: string;
  /** Pod labels that select exactly this group inside its namespace. */
  labels: Record<string, string>;
  /** Ports the group serves that others reach. */
  ports: number[];
}

const byName = (name: string) => ({ "app.kubernetes.io/name": name });

// Ours.
export const VLLM_PODS: PodGroup = { name: APP_NAME, labels: { ...selectorLabels }, ports: [HTTP_PORT] };
export const BENCH_PODS: PodGroup = { name: BENCH_NAME, labels: byName(BENCH_NAME), ports: [] };

// Prometheus and Alertmanager pods are made by the Prometheus Operator, which labels them
// app.kubernetes.io/name=prometheus|alertmanager (prometheus-operator/prometheus-operator
// pkg/prometheus/server/statefulset.go: the governing Service `prometheus-operated` selects
// app.kubernetes.io/name=prometheus on port 9090; Alertmanager alike on 9093); 8080 is the
// config-reloader's web port (reloader-web).
export const PROMETHEUS_PODS: PodGroup = { name: "prometheus", labels: byName("prometheus"), ports: [9090, 8080] };
export const ALERTMANAGER_PODS: PodGroup = {
  name: "alertmanager",
  labels: byName("alertmanager"),
  ports: [9093, 8080],
};
// grafana-community/helm-charts charts/grafana (3386a11, Aug 2026): selector labels
// app.kubernetes.io/name=grafana (+instance), container port 3000 (service.targetPort).
export const GRAFANA_PODS: PodGroup = { name: "grafana", labels: byName("grafana"), ports: [3000] };
// prometheus-community/helm-charts (cf408a2, Aug 2026): charts/kube-prometheus-stack
// templates/prometheus-operator/_prometheus-operator.tpl names the operator
// "<chart name>-prometheus-operator"; with TLS on (the default) it serves the admission webhook and
// its metrics on prometheusOperator.tls.internalPort 10250.
export const OPERATOR_PODS: PodGroup = {
  name: "prometheus-operator",
  labels: byName("kube-prometheus-stack-prometheus-operator"),
  ports: [10250],
};
// charts/kube-state-metrics: name label = chart name, metrics on service.port 8080.
export const KSM_PODS: PodGroup = { name: "kube-state-metrics", labels: byName("kube-state-metrics"), ports: [8080] };
// charts/prometheus-adapter: name label = chart name; it serves the custom metrics API on listenPort 6443.
export const ADAPTER_PODS: PodGroup = {
  name: "prometheus-adapter",
  labels: byName("prometheus-adapter"),
  ports: [6443],
};
// charts/prometheus-pushgateway: name label = chart name; port 9091.
export const PUSHGATEWAY_PODS: PodGroup = {
  name: "pushgateway",
  labels: byName("prometheus-pushgateway"),
  ports: [9091],
};
// NVIDIA/dcgm-exporter deployment/templates: name label = chart name; metrics on 9400.
export const DCGM_PODS: PodGroup = { name: "dcgm-exporter", labels: byName("dcgm-exporter"), ports: [9400] };
