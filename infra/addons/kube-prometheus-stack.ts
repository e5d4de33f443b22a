import type * as pulumi from "@pulumi/pulumi";
import type { Flow } from "../../charts/netpol/flows";
import { podsNamed, PROMETHEUS_PODS, type PodGroup } from "../../charts/netpol/pods";
import type { AddonDescriptor } from "./addon";
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

// The chart (88.5.3, prometheus-community/helm-charts cf408a2, the newest in its source; subcharts
// kube-state-metrics 8.4.0 from there and grafana 12.11.1 from grafana-community/helm-charts 3386a11)
// rendered with our values (./values/kube-prometheus-stack.ts): Services kps-prometheus 9090 and
// kps-alertmanager 9093 (+ 8080 reloader-web), operator Deployment kps-operator (name label below,
// containerPort 10250, the webhooks' Service kps-operator 443 -> https), Grafana 3000,
// kube-state-metrics 8080; node-exporter runs with hostNetwork (no policy applies). Prometheus'
// pods are named in charts/netpol/pods.ts (our ServiceMonitors' scraper).
// Alertmanager's pods are made by the Prometheus Operator, which labels them
// app.kubernetes.io/name=alertmanager (its governing Service selects it on 9093); 8080 is the
// config-reloader's web port (reloader-web).
export const ALERTMANAGER_PODS: PodGroup = {
  name: "alertmanager",
  labels: podsNamed("alertmanager"),
  ports: [ALERTMANAGER_PORT, 8080],
};
// grafana-community/helm-charts charts/grafana (3386a11, Aug 2026): selector labels
// app.kubernetes.io/name=grafana (+instance), container port 3000 (service.targetPort).
export const GRAFANA_PODS: PodGroup = { name: "grafana", labels: podsNamed("grafana"), ports: [3000] };
// prometheus-community/helm-charts (cf408a2, Aug 2026): charts/kube-prometheus-stack
// templates/prometheus-operator/_prometheus-operator.tpl names the operator
// "<chart name>-prometheus-operator"; with TLS on (the default) it serves the admission webhook and
// its metrics on prometheusOperator.tls.internalPort 10250.
export const OPERATOR_PODS: PodGroup = {
  name: "prometheus-operator",
  labels: podsNamed("kube-prometheus-stack-prometheus-operator"),
  ports: [10250],
};
// charts/kube-state-metrics 8.4.0: name label = chart name, metrics on service.port 8080 (8081, its
// own telemetry, is not scraped: selfMonitor is off by default).
export const KSM_PODS: PodGroup = {
  name: "kube-state-metrics",
  labels: podsNamed("kube-state-metrics"),
  ports: [8080],
};

/**
 * Prometheus Operator, Prometheus, Alertmanager, Grafana, node-exporter, kube-state-metrics.
 * Credentials live in Kubernetes Secrets the chart references by name, so neither the Grafana
 * password nor the webhook URL is ever a Helm value (Helm stores values in plain text).
 */
export const kubePrometheusStack: AddonDescriptor<"kubePrometheusStack"> = {
  key: "kubePrometheusStack",
  toggle: {
    description:
      "kube-prometheus-stack: Prometheus Operator, Prometheus, Alertmanager, Grafana, node-exporter, kube-state-metrics (turn off if the cluster already runs the Prometheus Operator).",
    default: true,
  },
  release: "kube-prometheus-stack",
  chart: CHARTS.kubePrometheusStack,
  namespace: (s) => s.monitoringNamespace,
  operator: true,
  serviceMonitor: false,
  ready: true,
  // CRDs, the admission-webhook hook jobs and a Prometheus volume take a while on a fresh cluster.
  timeoutSeconds: 900,
  prerequisites(ctx) {
    const kps = ctx.settings.kubePrometheusStack;
    const grafanaAdminPassword = ctx.password("grafana-admin-password", kps.grafanaAdminPassword);
    const { name, userKey, passwordKey } = GRAFANA_ADMIN_SECRET;
    const resources: pulumi.Resource[] = [
      ctx.secret(name, { [userKey]: "admin", [passwordKey]: grafanaAdminPassword }),
    ];
    if (kps.alertmanagerWebhookUrl)
      resources.push(
        ctx.secret(ALERTMANAGER_WEBHOOK_SECRET.name, { [ALERTMANAGER_WEBHOOK_SECRET.key]: kps.alertmanagerWebhookUrl }),
      );
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
