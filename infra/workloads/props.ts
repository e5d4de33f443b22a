// Maps the typed stack config onto the charts' props (charts/ never sees the config or Pulumi).
import * as fs from "node:fs";
import type { AppProps } from "../../charts/app";
import { BENCH_IMAGE, VLLM_IMAGE } from "../../charts/versions";
import { PROMETHEUS_PORT, prometheusUrl } from "../addons/values/kube-prometheus-stack";
import { GPU_NODE_LABEL, SYSTEM_NODE_LABEL } from "../../charts/node-pools";
import { HTTP_PORT, APP_NAME, selectorLabels } from "../../charts/vllm/labels";
import type { StackConfig } from "../config";

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
}

export function serviceUrl(cfg: StackConfig): string {
  return `http://${APP_NAME}.${cfg.serving.namespace}.svc:${HTTP_PORT}`;
}

function presetJson(name: string): string {
  return fs.readFileSync(new URL(`../../bench/presets/${name}.json`, import.meta.url), "utf8");
}

export function chartPropsFromConfig(cfg: StackConfig, ctx: DeployContext): AppProps {
  const eks = cfg.cluster.mode === "eks";
  const simulator = cfg.serving.engine === "simulator";
  const benchImage = ctx.benchImage ?? cfg.benchmark.image ?? BENCH_IMAGE;
  // Our node-group labels exist only on clusters we built; elsewhere the GPU limit alone places vLLM.
  const system: Record<string, string> = eks ? { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value } : {};
  const gpu: Record<string, string> = eks ? { [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value } : {};
  const apiKeySecret = cfg.serving.apiKeyEnabled ? { ...API_KEY_SECRET } : undefined;
  const servedName = cfg.model.servedName ?? cfg.model.id;
  return {
    vllm: {
      namespace: cfg.serving.namespace,
      engine: cfg.serving.engine,
      image: simulator ? benchImage : VLLM_IMAGE,
      model: { ...cfg.model, servedName },
      replicas: cfg.serving.replicas,
      autoscaling: cfg.autoscaling,
      modelCache: cfg.serving.modelCache,
      hfTokenSecret: { ...HF_TOKEN_SECRET },
      apiKeySecret,
      allowedClientNamespaces: cfg.serving.allowedClientNamespaces,
      monitoringNamespace: cfg.monitoring.namespace,
      nodeSelector: simulator ? system : gpu,
      includeNamespace: ctx.includeNamespace,
    },
    monitoring: { thresholds: cfg.monitoring.alerts },
    benchmark: cfg.benchmark.enabled
      ? {
          namespace: cfg.serving.namespace,
          image: benchImage,
          endpoint: serviceUrl(cfg),
          model: servedName,
          scenario: { name: cfg.benchmark.scenario, json: presetJson(cfg.benchmark.scenario) },
          pushgatewayUrl: ctx.pushgatewayUrl,
          schedule: cfg.benchmark.schedule,
          overrides: cfg.benchmark.overrides,
          shards: cfg.benchmark.shards,
          sharedResultsStorageClass: cfg.benchmark.sharedResultsStorageClass,
          // The rehearsal's timeline reads HPA replicas, pending GPU pods and GPU nodes from it.
          prometheusUrl: cfg.addons.kubePrometheusStack ? `${prometheusUrl(cfg.monitoring.namespace)}:${PROMETHEUS_PORT}` : undefined,
          apiKeySecret,
          nodeSelector: system,
          plan: cfg.benchmark.plan.enabled
            ? {
                podSelector: { ...selectorLabels },
                port: HTTP_PORT,
                peakRequestsPerSecond: cfg.benchmark.plan.peakRequestsPerSecond,
                headroom: cfg.benchmark.plan.headroom,
                quick: cfg.benchmark.plan.quick,
                slos: cfg.benchmark.plan.slos,
                instanceType: cfg.gpuNodes.instanceTypes[0]!,
                gpusPerNode: cfg.gpuNodes.gpusPerNode,
                tensorParallelSize: cfg.model.tensorParallelSize,
                pricePerHour: cfg.benchmark.plan.pricePerHour,
              }
            : undefined,
        }
      : undefined,
  };
}
