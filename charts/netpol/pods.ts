// The pod groups charts/ itself names: ours (vLLM) and the Prometheus that scrapes our
// ServiceMonitors. Every add-on's pods are declared in its descriptor (infra/addons/*.ts), beside
// the chart they come from. Third-party labels were read from the charts' templates and checked by
// rendering each chart with `helm template` (helm 4.1.4) from its source at the commit named per
// entry; a chart upgrade that renames one would leave its flow blocked, which the flow test cannot
// see, so re-check them when a pin in infra/addons/versions.ts moves.
import { APP_NAME, HTTP_PORT, selectorLabels } from "../vllm/labels";

export interface PodGroup {
  /** Short name used in docs/security.md's flow table. */
  name: string;
  /** Pod labels that select exactly this group inside its namespace. */
  labels: Record<string, string>;
  /** Ports the group serves that others reach. */
  ports: number[];
}

/** The pods a chart labels `app.kubernetes.io/name: <name>`. */
export const podsNamed = (name: string) => ({ "app.kubernetes.io/name": name });

// Ours.
export const VLLM_PODS: PodGroup = { name: APP_NAME, labels: { ...selectorLabels }, ports: [HTTP_PORT] };

// kube-prometheus-stack 88.5.3 (prometheus-community/helm-charts cf408a2, the newest in its source;
// subcharts kube-state-metrics 8.4.0 from there and grafana 12.11.1 from grafana-community/helm-charts
// 3386a11) was rendered with our values (infra/addons/values/kube-prometheus-stack.ts): Services
// kps-prometheus 9090 and kps-alertmanager 9093 (+ 8080 reloader-web), operator Deployment
// kps-operator (name label below, containerPort 10250, the webhooks' Service kps-operator 443 -> https),
// Grafana 3000, kube-state-metrics 8080; node-exporter runs with hostNetwork (no policy applies).
// Prometheus and Alertmanager pods are made by the Prometheus Operator, which labels them
// app.kubernetes.io/name=prometheus|alertmanager (prometheus-operator/prometheus-operator
// pkg/prometheus/server/statefulset.go: the governing Service `prometheus-operated` selects
// app.kubernetes.io/name=prometheus on port 9090; Alertmanager alike on 9093); 8080 is the
// config-reloader's web port (reloader-web).
/** Prometheus' web port (queries, and its own metrics). */
export const PROMETHEUS_PORT = 9090;
export const PROMETHEUS_PODS: PodGroup = {
  name: "prometheus",
  labels: podsNamed("prometheus"),
  ports: [PROMETHEUS_PORT, 8080],
};
