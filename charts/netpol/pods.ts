// The pods our NetworkPolicies name, by the labels their charts give them: one home for these
// facts (the add-on descriptors list theirs). Third-party labels were read from the charts'
// templates and checked by rendering each chart with `helm template` (helm 4.1.4) from its source
// at the commit named per entry; a chart upgrade that renames one would leave its flow blocked,
// which the flow test cannot see, so re-check them when a pin in infra/addons/versions.ts moves.
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
// charts/kube-state-metrics 8.4.0: name label = chart name, metrics on service.port 8080 (8081, its
// own telemetry, is not scraped: selfMonitor is off by default).
export const KSM_PODS: PodGroup = { name: "kube-state-metrics", labels: byName("kube-state-metrics"), ports: [8080] };
// kedacore/charts keda 2.20.2 (1444d00), templates/{manager,metrics-server,webhooks}/deployment.yaml,
// rendered with helm 4.1.4: name label = the Deployment's name whatever the release is called;
// 8080 is each one's Prometheus metrics port (prometheus.*.port). The operator serves the metrics
// server over gRPC on 9666 (kedacore/keda cmd/operator/main.go metrics-service-bind-address, 8b4f083);
// the metrics server serves the external metrics API on 6443 (Service 443 -> 6443); the admission
// webhooks listen on 9443 (Service 443 -> 9443).
export const KEDA_OPERATOR_PODS: PodGroup = {
  name: "keda-operator",
  labels: byName("keda-operator"),
  ports: [9666, 8080],
};
export const KEDA_METRICS_SERVER_PODS: PodGroup = {
  name: "keda-metrics-apiserver",
  labels: byName("keda-operator-metrics-apiserver"),
  ports: [6443, 8080],
};
export const KEDA_WEBHOOK_PODS: PodGroup = {
  name: "keda-admission-webhooks",
  labels: byName("keda-admission-webhooks"),
  ports: [9443, 8080],
};
/** Port KEDA's pods serve their own Prometheus metrics on (all three). */
export const KEDA_METRICS_PORT = 8080;
// charts/prometheus-pushgateway 3.8.0 (cf408a2), templates/deployment.yaml: name label = chart name
// whatever fullnameOverride says; Service `<fullname>` port 9091 -> 9091.
export const PUSHGATEWAY_PODS: PodGroup = {
  name: "pushgateway",
  labels: byName("prometheus-pushgateway"),
  ports: [9091],
};
// NVIDIA/dcgm-exporter deployment/ chart 4.8.2 (d5e5f51), templates/daemonset.yaml: name label =
// chart name; metrics on 9400 (Service dcgm-exporter 9400 -> 9400).
export const DCGM_PODS: PodGroup = { name: "dcgm-exporter", labels: byName("dcgm-exporter"), ports: [9400] };

// kube-system add-ons (CIS EKS 4.3.2: every namespace's pods under a NetworkPolicy). kube-system is
// not ours, so these policies select only the add-on's own pods.
// kubernetes/autoscaler cluster-autoscaler/charts/cluster-autoscaler 9.59.0 (55c37cd), _helpers.tpl
// "cluster-autoscaler.name" = <cloudProvider>-<chart name>: app.kubernetes.io/name=aws-cluster-autoscaler;
// metrics on containerPort 8085 (Service port 8085, named http, the ServiceMonitor's port).
export const CLUSTER_AUTOSCALER_PODS: PodGroup = {
  name: "cluster-autoscaler",
  labels: byName("aws-cluster-autoscaler"),
  ports: [8085],
};
// NVIDIA/k8s-device-plugin deployments/helm/nvidia-device-plugin 0.20.0 (1b826ac), templates/daemonset-device-plugin.yaml:
// name label = chart name; no container port (it talks to the kubelet over a host socket), so nothing may connect.
export const DEVICE_PLUGIN_PODS: PodGroup = {
  name: "nvidia-device-plugin",
  labels: byName("nvidia-device-plugin"),
  ports: [],
};
