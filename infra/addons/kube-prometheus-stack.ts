import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { AddonDescriptor } from "./addon";
import {
  ALERTMANAGER_PODS,
  GRAFANA_PODS,
  KSM_PODS,
  OPERATOR_PODS,
  PROMETHEUS_PODS,
  type Flow,
  type PodGroup,
} from "../../charts/netpol";
import {
  ALERTMANAGER_PORT,
  kubePrometheusStackValues,
  PROMETHEUS_PORT,
  prometheusUrl,
  KPS_FULLNAME,
} from "./values/kube-prometheus-stack";
import { CHARTS } from "./versions";

export const GRAFANA_ADMIN_SECRET = {
  name: "grafana-admin",
  userKey: "admin-user",
  passwordKey: "admin-password",
} as const;
export const ALERTMANAGER_WEBHOOK_SECRET = { name: "alertmanager-webhook", key: "url" } as const;

/**
 * Prometheus Operator, Prometheus, Alertmanager, Grafana, node-exporter, kube-state-metrics.
 * Credentials live in Kubernetes Secrets the chart references by name, so neither the Grafana
 * password nor the webhook URL is ever a Helm value (Helm stores values in plain text).
 */
export const kubePrometheusStack: AddonDescriptor = {
  key: "kubePrometheusStack",
  release: "kube-prometheus-stack",
  chart: CHARTS.kubePrometheusStack,
  namespace: (s) => s.monitoringNamespace,
  operator: true,
  serviceMonitor: false,
  ready: true,
  // CRDs, the admission-webhook hook jobs and a Prometheus volume take a while on a fresh cluster.
  timeoutSeconds: 900,
  prerequisites({ settings, namespace, opts }) {
    const kps = settings.kubePrometheusStack;
    // Not handed the Kubernetes provider: RandomPassword belongs to the random package.
    const generated = () =>
      new random.RandomPassword("grafana-admin-password", { length: 24, special: false }, { parent: opts.parent });
    const password = kps.grafanaAdminPassword ?? generated().result;
    const grafanaAdminPassword = pulumi.secret(password);
    const { name, userKey, passwordKey } = GRAFANA_ADMIN_SECRET;
    const resources: pulumi.Resource[] = [
      new k8s.core.v1.Secret(
        name,
        {
          metadata: { name, namespace },
          type: "Opaque",
          stringData: { [userKey]: "admin", [passwordKey]: grafanaAdminPassword },
        },
        opts,
      ),
    ];
    if (kps.alertmanagerWebhookUrl) {
      resources.push(
        new k8s.core.v1.Secret(
          ALERTMANAGER_WEBHOOK_SECRET.name,
          {
            metadata: { name: ALERTMANAGER_WEBHOOK_SECRET.name, namespace },
            type: "Opaque",
            stringData: { [ALERTMANAGER_WEBHOOK_SECRET.key]: pulumi.secret(kps.alertmanagerWebhookUrl) },
          },
          opts,
        ),
      );
    }
    return { resources, outputs: { grafanaAdminPassword } };
  },
  values: (s) =>
    kubePrometheusStackValues({
      settings: s.kubePrometheusStack,
      namespace: s.monitoringNamespace,
      servingNamespace: s.servingNamespace,
      nodeSelector: s.systemNodeSelector ?? {},
      grafanaSecret: GRAFANA_ADMIN_SECRET,
      webhookSecret: s.kubePrometheusStack.alertmanagerWebhookUrl ? ALERTMANAGER_WEBHOOK_SECRET : undefined,
    }),
  outputs: (s) => ({ prometheusUrl: prometheusUrl(s.monitoringNamespace) }),
  // node-exporter runs on the host network, where NetworkPolicies do not apply: not listed.
  pods: [PROMETHEUS_PODS, ALERTMANAGER_PODS, GRAFANA_PODS, KSM_PODS, OPERATOR_PODS],
  // fullnameOverride names the operator's Services `<fullname>-prometheus` and `<fullname>-alertmanager`
  // (templates/prometheus/service.yaml, templates/alertmanager/service.yaml).
  routes: (s) => [
    {
      namespace: s.monitoringNamespace,
      service: `${KPS_FULLNAME}-prometheus`,
      port: PROMETHEUS_PORT,
      targetPort: PROMETHEUS_PORT,
      pods: PROMETHEUS_PODS,
    },
    {
      namespace: s.monitoringNamespace,
      service: `${KPS_FULLNAME}-alertmanager`,
      port: ALERTMANAGER_PORT,
      targetPort: ALERTMANAGER_PORT,
      pods: ALERTMANAGER_PODS,
    },
  ],
  connections(s) {
    const ns = s.monitoringNamespace;
    const at = (pods: PodGroup) => ({ namespace: ns, pods });
    const prometheus = { kind: "pods", namespace: ns, pods: PROMETHEUS_PODS } as const;
    const grafana = { kind: "pods", namespace: ns, pods: GRAFANA_PODS } as const;
    const flows: Flow[] = [
      // The chart's own ServiceMonitors (templates/*/servicemonitor.yaml) and alerting config.
      {
        from: prometheus,
        to: at(PROMETHEUS_PODS),
        ports: PROMETHEUS_PODS.ports,
        why: "Prometheus scrapes itself and its config reloader",
      },
      {
        from: prometheus,
        to: at(ALERTMANAGER_PODS),
        ports: ALERTMANAGER_PODS.ports,
        why: "Prometheus sends alerts and scrapes Alertmanager",
      },
      { from: prometheus, to: at(GRAFANA_PODS), ports: GRAFANA_PODS.ports, why: "Prometheus scrapes Grafana" },
      { from: prometheus, to: at(KSM_PODS), ports: KSM_PODS.ports, why: "Prometheus scrapes kube-state-metrics" },
      { from: prometheus, to: at(OPERATOR_PODS), ports: OPERATOR_PODS.ports, why: "Prometheus scrapes the operator" },
      // Grafana's data sources: the chart writes them (templates/grafana/configmaps-datasources.yaml,
      // rendered at 88.5.3: http://kps-prometheus.<ns>:9090/ and http://kps-alertmanager.<ns>:9093/).
      { from: grafana, to: at(PROMETHEUS_PODS), ports: [PROMETHEUS_PORT], why: "Grafana queries Prometheus" },
      {
        from: grafana,
        to: at(ALERTMANAGER_PODS),
        ports: [ALERTMANAGER_PORT],
        why: "Grafana's Alertmanager data source",
      },
      // The operator's admission webhook (ValidatingWebhookConfiguration, port prometheusOperator.tls.internalPort).
      {
        from: { kind: "apiServer" },
        to: at(OPERATOR_PODS),
        ports: OPERATOR_PODS.ports,
        why: "API server calls the operator's admission webhook",
      },
    ];
    const g = s.kubePrometheusStack.grafana;
    if (g.type === "LoadBalancer" && g.allowedCidrs.length)
      flows.push({
        from: { kind: "cidrs", cidrs: g.allowedCidrs },
        to: at(GRAFANA_PODS),
        ports: GRAFANA_PODS.ports,
        why: "Grafana's LoadBalancer clients (monitoring.grafanaAllowedCidrs)",
      });
    return flows;
  },
};
