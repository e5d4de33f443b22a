import { podsNamed, PROMETHEUS_PODS, type PodGroup } from "../../charts/netpol/pods";
import type { Flow } from "../../charts/netpol/flows";
import type { AddonDescriptor } from "./addon";
import { PROMETHEUS_PORT } from "./values/kube-prometheus-stack";
import { kedaValues } from "./values/keda";
import { CHARTS } from "./versions";

// kedacore/charts keda 2.20.2 (1444d00), templates/{manager,metrics-server,webhooks}/deployment.yaml,
// rendered with helm 4.1.4: name label = the Deployment's name whatever the release is called;
// 8080 is each one's Prometheus metrics port (prometheus.*.port). The operator serves the metrics
// server over gRPC on 9666 (kedacore/keda cmd/operator/main.go metrics-service-bind-address, 8b4f083);
// the metrics server serves the external metrics API on 6443 (Service 443 -> 6443); the admission
// webhooks listen on 9443 (Service 443 -> 9443).
/** Port KEDA's pods serve their own Prometheus metrics on (all three). */
export const KEDA_METRICS_PORT = 8080;
export const KEDA_OPERATOR_PODS: PodGroup = {
  name: "keda-operator",
  labels: podsNamed("keda-operator"),
  ports: [9666, KEDA_METRICS_PORT],
};
export const KEDA_METRICS_SERVER_PODS: PodGroup = {
  name: "keda-metrics-apiserver",
  labels: podsNamed("keda-operator-metrics-apiserver"),
  ports: [6443, KEDA_METRICS_PORT],
};
export const KEDA_WEBHOOK_PODS: PodGroup = {
  name: "keda-admission-webhooks",
  labels: podsNamed("keda-admission-webhooks"),
  ports: [9443, KEDA_METRICS_PORT],
};
const KEDA_PODS = [KEDA_OPERATOR_PODS, KEDA_METRICS_SERVER_PODS, KEDA_WEBHOOK_PODS];

/**
 * KEDA: reads the vLLM ScaledObject (charts/vllm/autoscaler.ts), queries its Prometheus trigger and
 * creates and drives the HPA `keda-hpa-<ScaledObject>` through the external metrics API it serves;
 * it also scales to and from zero, which an HPA alone cannot. Workloads wait for it (its CRDs).
 */
export const keda: AddonDescriptor<"keda"> = {
  key: "keda",
  toggle: {
    description:
      "KEDA: creates and drives the vLLM HPA from Prometheus; scales to and from zero (off needs `autoscaling.enabled: false`).",
    default: true,
  },
  release: "keda",
  chart: CHARTS.keda,
  namespace: (s) => s.monitoringNamespace,
  after: ["kubePrometheusStack"],
  serviceMonitor: true,
  ready: true,
  values: (s, serviceMonitor) => kedaValues(s.systemNodeSelector ?? {}, serviceMonitor),
  pods: KEDA_PODS,
  connections(s, installed) {
    const ns = s.monitoringNamespace;
    const flows: Flow[] = [
      // The chart's APIService v1beta1.external.metrics.k8s.io points at the metrics server's Service.
      {
        from: { kind: "apiServer" },
        to: { namespace: ns, pods: KEDA_METRICS_SERVER_PODS },
        ports: [6443],
        why: "API server calls the external metrics API (HPA)",
      },
      // Its ValidatingWebhookConfiguration (ScaledObject, TriggerAuthentication, HPA ownership checks).
      {
        from: { kind: "apiServer" },
        to: { namespace: ns, pods: KEDA_WEBHOOK_PODS },
        ports: [9443],
        why: "API server calls KEDA's admission webhooks",
      },
      // The metrics server asks the operator for the scalers' values over gRPC.
      {
        from: { kind: "pods", namespace: ns, pods: KEDA_METRICS_SERVER_PODS },
        to: { namespace: ns, pods: KEDA_OPERATOR_PODS },
        ports: [9666],
        why: "KEDA metrics server reads scaler values from the operator",
      },
    ];
    if (installed("kubePrometheusStack")) {
      // The ScaledObject's Prometheus trigger (serverAddress = the stack's Prometheus) runs in the operator.
      flows.push({
        from: { kind: "pods", namespace: ns, pods: KEDA_OPERATOR_PODS },
        to: { namespace: ns, pods: PROMETHEUS_PODS },
        ports: [PROMETHEUS_PORT],
        why: "KEDA operator runs the autoscaling trigger query",
      });
      // The chart's three ServiceMonitors (port `metrics`).
      for (const pods of KEDA_PODS)
        flows.push({
          from: { kind: "pods", namespace: ns, pods: PROMETHEUS_PODS },
          to: { namespace: ns, pods },
          ports: [KEDA_METRICS_PORT],
          why: `Prometheus scrapes ${pods.name}`,
        });
    }
    return flows;
  },
};
