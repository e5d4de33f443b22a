import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { appObjects } from "../../charts/app";
import { namespaceLabels } from "../../charts/vllm/objects";
import type { StackConfig } from "../config";
import { GRAFANA_SERVICE_ACCOUNT } from "../addons/values/kube-prometheus-stack";
import { grafanaDashboardReader } from "./grafana-reader";
import { API_KEY_SECRET, chartPropsFromConfig, HF_TOKEN_SECRET, serviceUrl } from "./props";

export interface VllmWorkloadsArgs {
  config: StackConfig;
  provider: k8s.Provider;
  /** The add-ons' CRDs (ServiceMonitor, PrometheusRule) and the adapter must exist first. */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  secrets: { hfToken?: pulumi.Output<string>; vllmApiKey?: pulumi.Output<string> };
  /** ECR image from benchmark.buildImage. */
  benchImage?: pulumi.Output<string>;
  pushgatewayUrl?: string;
}

/**
 * The objects `npm run synth` writes (charts/app.ts), deployed as one ConfigGroup into a namespace
 * Pulumi owns, with the HF token and API key as Kubernetes Secrets from Pulumi secrets (never in
 * the synthesised YAML).
 */
export class VllmWorkloads extends pulumi.ComponentResource {
  readonly namespace: string;
  readonly serviceUrl: string;

  constructor(name: string, args: VllmWorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vllm-k8s:workloads:VllmWorkloads", name, {}, opts);
    const cfg = args.config;
    const ns = cfg.serving.namespace;
    this.namespace = ns;
    this.serviceUrl = serviceUrl(cfg);
    const base = { parent: this, provider: args.provider };
    const namespace = new k8s.core.v1.Namespace("serving-namespace", { metadata: { name: ns, labels: namespaceLabels(cfg.serving.engine) } }, { ...base, dependsOn: args.dependsOn });
    const inNs = { ...base, dependsOn: [namespace] };
    const secrets: pulumi.Resource[] = [];
    const secret = (id: string, ref: { name: string; key: string }, value: pulumi.Output<string>) =>
      secrets.push(new k8s.core.v1.Secret(id, { metadata: { name: ref.name, namespace: ns }, type: "Opaque", stringData: { [ref.key]: pulumi.secret(value) } }, inNs));
    if (args.secrets.hfToken) secret("hf-token", HF_TOKEN_SECRET, args.secrets.hfToken);
    if (cfg.serving.apiKeyEnabled && args.secrets.vllmApiKey) secret("vllm-api-key", API_KEY_SECRET, args.secrets.vllmApiKey);
    if (cfg.addons.kubePrometheusStack)
      grafanaDashboardReader({ namespace: ns, grafana: { namespace: cfg.monitoring.namespace, serviceAccount: GRAFANA_SERVICE_ACCOUNT } }, inNs);

    const objs = pulumi.output(args.benchImage).apply((benchImage) =>
      appObjects(chartPropsFromConfig(cfg, { benchImage, pushgatewayUrl: args.pushgatewayUrl, includeNamespace: false })),
    );
    new k8s.yaml.v2.ConfigGroup("workloads", { objs }, { ...base, dependsOn: [namespace, ...secrets, ...(args.dependsOn ?? [])] });
    this.registerOutputs({ namespace: ns, serviceUrl: this.serviceUrl });
  }
}
