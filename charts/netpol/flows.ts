// Every network flow into our namespaces the stack needs, as data. The NetworkPolicies are
// generated from it (policies.ts) and docs/security.md's flow table lists the same flows; the
// flow test recomputes reachability from the synthesised policies and compares it with that table.
import {
  ADAPTER_PODS,
  ALERTMANAGER_PODS,
  BENCH_PODS,
  DCGM_PODS,
  GRAFANA_PODS,
  KSM_PODS,
  OPERATOR_PODS,
  PROMETHEUS_PODS,
  PUSHGATEWAY_PODS,
  VLLM_PODS,
  type PodGroup,
} from "./pods";

/** Who opens the connection. */
export type Source =
  | { kind: "pods"; namespace: string; pods: PodGroup }
  /** Every pod of a namespace (`serving.allowedClientNamespaces`). */
  | { kind: "namespace"; namespace: string }
  /** Addresses outside the cluster (a load balancer's clients). */
  | { kind: "cidrs"; cidrs: string[] }
  /**
   * The Kubernetes API server calling a webhook or an aggregated API. NetworkPolicy cannot name
   * the control plane (on EKS its ENIs sit in the VPC subnets beside the pods), so the flow is
   * allowed from any source, on its port only.
   */
  | { kind: "apiServer" };

export interface Flow {
  from: Source;
  to: { namespace: string; pods: PodGroup };
  ports: number[];
  why: string;
}

export interface ServingFlowProps {
  namespace: string;
  monitoringNamespace: string;
  allowedClientNamespaces: string[];
}

/** Into the serving namespace: the vLLM (or simulator) pods, and nothing else. */
export function servingFlows(p: ServingFlowProps): Flow[] {
  const to = { namespace: p.namespace, pods: VLLM_PODS };
  return [
    {
      from: { kind: "pods", namespace: p.monitoringNamespace, pods: PROMETHEUS_PODS },
      to,
      ports: VLLM_PODS.ports,
      why: "Prometheus scrapes /metrics",
    },
    {
      from: { kind: "pods", namespace: p.namespace, pods: BENCH_PODS },
      to,
      ports: VLLM_PODS.ports,
      why: "the benchmark Job load-tests the API",
    },
    ...p.allowedClientNamespaces
      .filter((ns) => ns !== p.namespace)
      .map((ns): Flow => ({
        from: { kind: "namespace", namespace: ns },
        to,
        ports: VLLM_PODS.ports,
        why: "serving.allowedClientNamespaces",
      })),
  ];
}

export interface MonitoringFlowProps {
  namespace: string;
  servingNamespace: string;
  /** Which add-ons run in the monitoring namespace. */
  addons: {
    kubePrometheusStack: boolean;
    prometheusAdapter: boolean;
    pushgateway: boolean;
    dcgmExporter: boolean;
    benchmark: boolean;
  };
  /** Grafana behind a LoadBalancer: the client CIDRs (monitoring.grafanaAllowedCidrs). */
  grafanaClientCidrs?: string[];
}

/** Into the monitoring namespace. */
export function monitoringFlows(p: MonitoringFlowProps): Flow[] {
  const ns = p.namespace;
  const at = (pods: PodGroup) => ({ namespace: ns, pods });
  const prometheus: Source = { kind: "pods", namespace: ns, pods: PROMETHEUS_PODS };
  const grafana: Source = { kind: "pods", namespace: ns, pods: GRAFANA_PODS };
  const flows: Flow[] = [];
  const a = p.addons;
  if (a.kubePrometheusStack) {
    flows.push(
      {
        from: prometheus,
        to: at(PROMETHEUS_PODS),
        ports: PROMETHEUS_PODS.ports,
        why: "Prometheus scrapes itself and its config reloader",
      },
      { from: grafana, to: at(PROMETHEUS_PODS), ports: [9090], why: "Grafana queries Prometheus" },
      {
        from: prometheus,
        to: at(ALERTMANAGER_PODS),
        ports: ALERTMANAGER_PODS.ports,
        why: "Prometheus sends alerts and scrapes Alertmanager",
      },
      { from: grafana, to: at(ALERTMANAGER_PODS), ports: [9093], why: "Grafana's Alertmanager data source" },
      { from: prometheus, to: at(GRAFANA_PODS), ports: GRAFANA_PODS.ports, why: "Prometheus scrapes Grafana" },
      { from: prometheus, to: at(KSM_PODS), ports: KSM_PODS.ports, why: "Prometheus scrapes kube-state-metrics" },
      { from: prometheus, to: at(OPERATOR_PODS), ports: OPERATOR_PODS.ports, why: "Prometheus scrapes the operator" },
      {
        from: { kind: "apiServer" },
        to: at(OPERATOR_PODS),
        ports: OPERATOR_PODS.ports,
        why: "API server calls the operator's admission webhook",
      },
    );
    if (p.grafanaClientCidrs?.length)
      flows.push({
        from: { kind: "cidrs", cidrs: p.grafanaClientCidrs },
        to: at(GRAFANA_PODS),
        ports: GRAFANA_PODS.ports,
        why: "Grafana's LoadBalancer clients (monitoring.grafanaAllowedCidrs)",
      });
  }
  if (a.prometheusAdapter) {
    flows.push({
      from: { kind: "apiServer" },
      to: at(ADAPTER_PODS),
      ports: ADAPTER_PODS.ports,
      why: "API server calls the custom metrics API (HPA)",
    });
    if (a.kubePrometheusStack)
      flows.push({
        from: { kind: "pods", namespace: ns, pods: ADAPTER_PODS },
        to: at(PROMETHEUS_PODS),
        ports: [9090],
        why: "prometheus-adapter queries Prometheus",
      });
  }
  if (a.pushgateway) {
    if (a.kubePrometheusStack)
      flows.push({
        from: prometheus,
        to: at(PUSHGATEWAY_PODS),
        ports: PUSHGATEWAY_PODS.ports,
        why: "Prometheus scrapes Pushgateway",
      });
    if (a.benchmark)
      flows.push({
        from: { kind: "pods", namespace: p.servingNamespace, pods: BENCH_PODS },
        to: at(PUSHGATEWAY_PODS),
        ports: PUSHGATEWAY_PODS.ports,
        why: "the benchmark pushes its results",
      });
  }
  if (a.dcgmExporter && a.kubePrometheusStack)
    flows.push({ from: prometheus, to: at(DCGM_PODS), ports: DCGM_PODS.ports, why: "Prometheus scrapes GPU metrics" });
  return flows;
}
