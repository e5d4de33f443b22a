import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { appObjects, type AppProps } from "../../charts/app";
import { namespaceLabels } from "../../charts/vllm/objects";
import { grafanaDashboardReader, type GrafanaReaderArgs } from "./grafana-reader";

/** A Kubernetes Secret created from a Pulumi secret: where the charts read it, and the value. */
export interface SecretArgs {
  ref: { name: string; key: string };
  value: pulumi.Output<string>;
}

/**
 * Everything VllmWorkloads deploys from; the mapper (infra/mapper/workloads.ts) fills it from the
 * validated stack config, whose defaults each field names.
 */
export interface VllmWorkloadsArgs {
  /** Provider of the target cluster. Required. */
  provider: k8s.Provider;
  /** Serving namespace, created (and deleted) here. Stack config `serving.namespace`, default `vllm`. */
  namespace: string;
  /** Engine whose Pod Security labels the namespace gets. `serving.engine`, default `vllm`. */
  engine: "vllm" | "simulator";
  /** In-cluster URL of the vLLM Service, exposed as `serviceUrl`. Required. */
  serviceUrl: string;
  /** Props of every chart (charts/app.ts): the objects `npm run synth` writes. Required. */
  app: pulumi.Output<AppProps>;
  /** The HF token Secret. Default: none (public models only). */
  hfToken?: SecretArgs;
  /** The vLLM API key Secret. Default: none (`serving.apiKeyEnabled` false). */
  apiKey?: SecretArgs;
  /** Grafana's identity, allowed to read our dashboard ConfigMaps. Default: none (no kube-prometheus-stack). */
  grafana?: GrafanaReaderArgs["grafana"];
  /** What the namespace and objects wait for, and are deleted before (the add-ons). Default: nothing. */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
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
    const ns = args.namespace;
    this.namespace = ns;
    this.serviceUrl = args.serviceUrl;
    const base = { parent: this, provider: args.provider };
    const labels = namespaceLabels(args.engine);
    const namespace = new k8s.core.v1.Namespace(
      "serving-namespace",
      { metadata: { name: ns, labels } },
      {
        ...base,
        dependsOn: args.dependsOn,
      },
    );
    const inNs = { ...base, dependsOn: [namespace] };
    const secrets: pulumi.Resource[] = [];
    const secret = (id: string, { ref, value }: SecretArgs) =>
      secrets.push(
        new k8s.core.v1.Secret(
          id,
          {
            metadata: { name: ref.name, namespace: ns },
            type: "Opaque",
            stringData: { [ref.key]: pulumi.secret(value) },
          },
          inNs,
        ),
      );
    if (args.hfToken) secret("hf-token", args.hfToken);
    if (args.apiKey) secret("vllm-api-key", args.apiKey);
    if (args.grafana) grafanaDashboardReader({ namespace: ns, grafana: args.grafana }, inNs);

    const objs = args.app.apply(appObjects);
    const after = [namespace, ...secrets, ...(args.dependsOn ?? [])];
    new k8s.yaml.v2.ConfigGroup("workloads", { objs }, { ...base, dependsOn: after });
    this.registerOutputs({ namespace: ns, serviceUrl: this.serviceUrl });
  }
}
