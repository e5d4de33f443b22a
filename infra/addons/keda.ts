import {
  KEDA_METRICS_PORT,
  KEDA_METRICS_SERVER_PODS,
  KEDA_OPERATOR_PODS,
  KEDA_WEBHOOK_PODS,
  PROMETHEUS_PODS,
  type Flow,
} from "../../charts/netpol";
import type { AddonDescriptor } from "./addon";
import { PROMETHEUS_PORT } from "./values/kube-prometheus-stack";
import { kedaValues } from "./values/keda";
import { CHARTS } from "./versions";

const KEDA_PODS = [KEDA_OPERATOR_PODS, KEDA_METRICS_SERVER_PODS, KEDA_WEBHOOK_PODS];

/**
 * KEDA: reads the vLLM ScaledObject (charts/vllm/autoscaler.ts), queries its Prometheus trigger and
 * creates and drives the HPA `keda-hpa-<ScaledObject>` through the external metrics API it serves;
 * it also scales to and from zero, which an HPA alone cannot. Workloads wait for it (its CRDs).
 */
export const keda: AddonDescriptor = {
  key: "keda",
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
