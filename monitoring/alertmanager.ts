// Alertmanager routing, written once for every deploy target: the cluster's kube-prometheus-stack
// values (`alertmanager.config`) and the Compose bundle's alertmanager.yml. Only where the webhook
// URL is read from differs, so that is the one input.

/** Receives nothing: alerts still show in Alertmanager's UI (kube-prometheus-stack's name for it). */
export const NULL_RECEIVER = "null";
export const WEBHOOK_RECEIVER = "webhook";

export interface AlertmanagerRoute {
  receiver: string;
  group_by: string[];
  group_wait: string;
  group_interval: string;
  repeat_interval: string;
  routes: { receiver: string; matchers: string[] }[];
}

export interface AlertmanagerReceiver {
  name: string;
  webhook_configs?: { url_file: string; send_resolved: boolean }[];
}

export interface InhibitRule {
  source_matchers?: string[];
  target_matchers: string[];
  equal?: string[];
}

/** The routing part of an Alertmanager config file. */
export interface AlertmanagerRouting {
  route: AlertmanagerRoute;
  receivers: AlertmanagerReceiver[];
  inhibit_rules: InhibitRule[];
}

/**
 * Where the webhook URL is: a file Alertmanager reads at each send (it expands no environment
 * variables, and a file keeps the secret out of the config). None: nothing is sent.
 */
export interface WebhookInput {
  urlFile: string;
}

/**
 * kube-prometheus-stack's default inhibitions (prometheus-community/helm-charts
 * charts/kube-prometheus-stack/values.yaml `alertmanager.config.inhibit_rules` @ 001f3a6d): a
 * higher severity of the same alert in the same namespace mutes the lower ones, and its
 * InfoInhibitor alert mutes info alerts. Spelled out so Compose gets what the cluster gets.
 */
function inhibitRules(): InhibitRule[] {
  return [
    {
      source_matchers: ["severity = critical"],
      target_matchers: ["severity =~ warning|info"],
      equal: ["namespace", "alertname"],
    },
    {
      source_matchers: ["severity = warning"],
      target_matchers: ["severity = info"],
      equal: ["namespace", "alertname"],
    },
    { source_matchers: ["alertname = InfoInhibitor"], target_matchers: ["severity = info"], equal: ["namespace"] },
    { target_matchers: ["alertname = InfoInhibitor"] },
  ];
}

/**
 * One notification per alert and namespace, listing every pod or GPU it fires for: a fleet-wide
 * outage pages once, not once per pod. Reminders every 12 h while it fires (kube-prometheus-stack's
 * default). kube-prometheus-stack's always-firing Watchdog (a dead-man's switch for an external
 * monitor) goes nowhere.
 */
export function alertmanagerRouting(webhook: WebhookInput | undefined): AlertmanagerRouting {
  const receivers: AlertmanagerReceiver[] = [{ name: NULL_RECEIVER }];
  if (webhook)
    receivers.push({ name: WEBHOOK_RECEIVER, webhook_configs: [{ url_file: webhook.urlFile, send_resolved: true }] });
  return {
    route: {
      receiver: webhook ? WEBHOOK_RECEIVER : NULL_RECEIVER,
      group_by: ["namespace", "alertname"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "12h",
      routes: [{ receiver: NULL_RECEIVER, matchers: ['alertname = "Watchdog"'] }],
    },
    receivers,
    inhibit_rules: inhibitRules(),
  };
}
