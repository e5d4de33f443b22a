import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { AddonDescriptor } from "./addon";
import { kubePrometheusStackValues, prometheusUrl } from "./values/kube-prometheus-stack";
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
};
