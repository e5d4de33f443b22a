import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { StackConfig } from "../config";
import { after, helmRelease, type AddonOpts } from "./helm";
import { kubePrometheusStackValues } from "./values/kube-prometheus-stack";
import { CHARTS } from "./versions";

export interface KubePrometheusStackArgs {
  config: StackConfig;
  namespace: pulumi.Input<string>;
  grafanaAdminPassword?: pulumi.Output<string>;
  alertmanagerWebhookUrl?: pulumi.Output<string>;
}

export interface KubePrometheusStack {
  release: k8s.helm.v3.Release;
  /** Grafana's admin password (a Pulumi secret). */
  grafanaAdminPassword: pulumi.Output<string>;
}

export const GRAFANA_ADMIN_SECRET = { name: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" } as const;
export const ALERTMANAGER_WEBHOOK_SECRET = { name: "alertmanager-webhook", key: "url" } as const;

/**
 * Prometheus Operator, Prometheus, Alertmanager, Grafana, node-exporter, kube-state-metrics.
 * Credentials live in Kubernetes Secrets the chart references by name, so neither the Grafana
 * password nor the webhook URL is ever a Helm value (Helm stores values in plain text).
 */
export function kubePrometheusStack(args: KubePrometheusStackArgs, opts: AddonOpts): KubePrometheusStack {
  const { config, namespace } = args;
  // Not handed the Kubernetes provider: RandomPassword belongs to the random package.
  const password = args.grafanaAdminPassword
    ?? new random.RandomPassword("grafana-admin-password", { length: 24, special: false }, { parent: opts.parent }).result;
  const grafanaAdminPassword = pulumi.secret(password);

  const grafanaSecret = new k8s.core.v1.Secret(GRAFANA_ADMIN_SECRET.name, {
    metadata: { name: GRAFANA_ADMIN_SECRET.name, namespace },
    type: "Opaque",
    stringData: { [GRAFANA_ADMIN_SECRET.userKey]: "admin", [GRAFANA_ADMIN_SECRET.passwordKey]: grafanaAdminPassword },
  }, opts);
  const secrets: pulumi.Resource[] = [grafanaSecret];

  let webhookSecret: { name: string; key: string } | undefined;
  if (args.alertmanagerWebhookUrl) {
    webhookSecret = ALERTMANAGER_WEBHOOK_SECRET;
    secrets.push(new k8s.core.v1.Secret(ALERTMANAGER_WEBHOOK_SECRET.name, {
      metadata: { name: ALERTMANAGER_WEBHOOK_SECRET.name, namespace },
      type: "Opaque",
      stringData: { [ALERTMANAGER_WEBHOOK_SECRET.key]: pulumi.secret(args.alertmanagerWebhookUrl) },
    }, opts));
  }

  const release = helmRelease({
    name: "kube-prometheus-stack",
    chart: CHARTS.kubePrometheusStack,
    namespace,
    values: kubePrometheusStackValues({ config, grafanaSecret: GRAFANA_ADMIN_SECRET, webhookSecret }),
    // CRDs, the admission-webhook hook jobs and a Prometheus volume take a while on a fresh cluster.
    timeoutSeconds: 900,
  }, after(opts, ...secrets));
  return { release, grafanaAdminPassword };
}
