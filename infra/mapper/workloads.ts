// Maps the typed stack config onto the charts' props and VllmWorkloads' args (charts/ never sees
// the config or Pulumi).
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { presetText } from "../../bench/contract";
import type { AppProps } from "../../charts/app";
import { ecrRegistry, PINNED_IMAGE_REGISTRIES } from "../../charts/security/registries";
import { BENCH_IMAGE, VLLM_IMAGE } from "../../charts/versions";
import { HTTP_PORT, APP_NAME, selectorLabels } from "../../charts/vllm/labels";
import { GRAFANA_SERVICE_ACCOUNT, PROMETHEUS_PORT, prometheusUrl } from "../addons/values/kube-prometheus-stack";
import { pushgatewayUrl } from "../addons/values/pushgateway";
import type { StackConfig } from "../config";
import type { StackSecrets } from "../pulumi-config";
import type { VllmWorkloadsArgs } from "../workloads";
import { sharedModelCacheClass, sharedResultsClass } from "./cluster";
import { nodePlacement } from "./placement";

/** Secrets the charts reference; Pulumi creates them from secret config (npm run synth users: kubectl create secret). */
export const HF_TOKEN_SECRET = { name: "vllm-hf-token", key: "token" } as const;
export const API_KEY_SECRET = { name: "vllm-api-key", key: "api-key" } as const;

export interface DeployContext {
  /** Benchmark/simulator image: an ECR digest from benchmark.buildImage, else benchmark.image, else the pinned default. */
  benchImage?: string;
  /** In-cluster Pushgateway URL when the add-on is installed. */
  pushgatewayUrl?: string;
  /** Whether the namespace object is part of the output (synth) or created by Pulumi. */
  includeNamespace: boolean;
  /** This account's ECR registry prefix (eks mode), approved besides the config's list. */
  ecrRegistry?: string;
}

/** The vLLM OpenAI-compatible API inside the cluster. */
export function serviceUrl(cfg: StackConfig): string {
  return `http://${APP_NAME}.${cfg.serving.namespace}.svc:${HTTP_PORT}`;
}

/**
 * The Prometheus the autoscaler's trigger and the rehearsal query: kube-prometheus-stack's when it is
 * installed, else the user's monitoring.prometheusUrl (the config refuses what needs one without it).
 */
export function stackPrometheusUrl(cfg: StackConfig): string | undefined {
  return cfg.addons.kubePrometheusStack
    ? `${prometheusUrl(cfg.monitoring.namespace)}:${PROMETHEUS_PORT}`
    : cfg.monitoring.prometheusUrl;
}

/** In-cluster Pushgateway URL the benchmark pushes to, when the add-on is on. */
export function inClusterPushgatewayUrl(cfg: StackConfig): string | undefined {
  return cfg.addons.pushgateway ? pushgatewayUrl(cfg.monitoring.namespace) : undefined;
}

export function chartPropsFromConfig(cfg: StackConfig, ctx: DeployContext): AppProps {
  const simulator = cfg.serving.engine === "simulator";
  const benchImage = ctx.benchImage ?? cfg.benchmark.image ?? BENCH_IMAGE;
  const placement = nodePlacement(cfg.cluster.mode);
  const apiKeySecret = cfg.serving.apiKeyEnabled ? { ...API_KEY_SECRET } : undefined;
  const servedName = cfg.model.servedName ?? cfg.model.id;
  return {
    vllm: {
      namespace: cfg.serving.namespace,
      admission: {
        // The benchmark runs in the serving namespace too.
        namespaces: [cfg.serving.namespace],
        registries: [
          ...new Set([
            ...PINNED_IMAGE_REGISTRIES,
            ...cfg.cluster.approvedRegistries,
            ...(ctx.ecrRegistry ? [ctx.ecrRegistry] : []),
          ]),
        ],
      },
      engine: cfg.serving.engine,
      image: simulator ? benchImage : VLLM_IMAGE,
      model: { ...cfg.model, servedName },
      replicas: cfg.serving.replicas,
      autoscaling: {
        ...cfg.autoscaling,
        // Unset only when autoscaling is off (the config refuses the trigger without a Prometheus).
        prometheusUrl: stackPrometheusUrl(cfg) ?? "",
      },
      modelCache: {
        ...cfg.serving.modelCache,
        storageClassName: sharedModelCacheClass(cfg) ?? cfg.serving.modelCache.storageClassName,
      },
      hfTokenSecret: { ...HF_TOKEN_SECRET },
      apiKeySecret,
      allowedClientNamespaces: cfg.serving.allowedClientNamespaces,
      monitoringNamespace: cfg.monitoring.namespace,
      nodeSelector: simulator ? placement.system : placement.gpuPods,
      includeNamespace: ctx.includeNamespace,
    },
    monitoring: { thresholds: cfg.monitoring.alerts },
    benchmark: cfg.benchmark.enabled
      ? {
          namespace: cfg.serving.namespace,
          image: benchImage,
          endpoint: serviceUrl(cfg),
          model: servedName,
          scenario: { name: cfg.benchmark.scenario, json: presetText(cfg.benchmark.scenario) },
          pushgatewayUrl: ctx.pushgatewayUrl,
          schedule: cfg.benchmark.schedule,
          overrides: cfg.benchmark.overrides,
          shards: cfg.benchmark.shards,
          sharedResultsStorageClass: sharedResultsClass(cfg),
          // The rehearsal's timeline reads HPA replicas, pending GPU pods and GPU nodes from it.
          prometheusUrl: stackPrometheusUrl(cfg),
          apiKeySecret,
          nodeSelector: placement.system,
          plan: cfg.benchmark.plan.enabled
            ? {
                podSelector: { ...selectorLabels },
                port: HTTP_PORT,
                peakRequestsPerSecond: cfg.benchmark.plan.peakRequestsPerSecond,
                headroom: cfg.benchmark.plan.headroom,
                quick: cfg.benchmark.plan.quick,
                slos: cfg.benchmark.plan.slos,
                instanceType: cfg.gpuNodes.instanceTypes[0],
                gpusPerNode: cfg.gpuNodes.gpusPerNode,
                tensorParallelSize: cfg.model.tensorParallelSize,
                pricePerHour: cfg.benchmark.plan.pricePerHour,
              }
            : undefined,
        }
      : undefined,
  };
}

/** What VllmWorkloads takes from the program besides the config: related components' outputs. */
export interface WorkloadsDeployment {
  provider: k8s.Provider;
  /** The add-ons' `ready` (CRDs such as KEDA's ScaledObject, Prometheus). */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  secrets: Pick<StackSecrets, "hfToken" | "vllmApiKey">;
  /** The pushed image from BenchImage (benchmark.buildImage). */
  benchImage?: pulumi.Output<string>;
  /** The AWS account (eks mode), whose ECR in the cluster's region is an approved registry. */
  awsAccountId?: pulumi.Output<string>;
  /** The Pushgateway add-on's in-cluster URL, when installed. */
  pushgatewayUrl?: string;
}

export function vllmWorkloadsArgs(cfg: StackConfig, d: WorkloadsDeployment): VllmWorkloadsArgs {
  const { hfToken, vllmApiKey } = d.secrets;
  return {
    provider: d.provider,
    namespace: cfg.serving.namespace,
    engine: cfg.serving.engine,
    serviceUrl: serviceUrl(cfg),
    app: pulumi.all([d.benchImage, d.awsAccountId]).apply(([benchImage, account]) =>
      chartPropsFromConfig(cfg, {
        benchImage,
        pushgatewayUrl: d.pushgatewayUrl,
        includeNamespace: false,
        ecrRegistry: account ? ecrRegistry(account, cfg.cluster.region) : undefined,
      }),
    ),
    hfToken: hfToken && { ref: HF_TOKEN_SECRET, value: hfToken },
    apiKey: cfg.serving.apiKeyEnabled && vllmApiKey ? { ref: API_KEY_SECRET, value: vllmApiKey } : undefined,
    grafana: cfg.addons.kubePrometheusStack
      ? { namespace: cfg.monitoring.namespace, serviceAccount: GRAFANA_SERVICE_ACCOUNT }
      : undefined,
    dependsOn: d.dependsOn,
  };
}
