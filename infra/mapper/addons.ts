import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { AddonSettings, ClusterAddonsArgs } from "../addons";
import { controlPlaneScraping } from "../addons/values/control-plane";
import type { StackConfig } from "../config";
import { nodePlacement } from "./placement";

/** What the add-ons take from the live program besides the config: the provider, the EKS cluster, the secrets. */
export interface AddonsLive {
  provider: k8s.Provider;
  /** The EKS cluster (eks mode); its `ready` is what every add-on waits for. */
  cluster?: { clusterName: string; autoscalerRoleArn: pulumi.Input<string>; ready: pulumi.Resource[] };
  secrets?: { grafanaAdminPassword?: pulumi.Input<string>; alertmanagerWebhookUrl?: pulumi.Input<string> };
}

/**
 * The stack config's part of ClusterAddons' args (no Pulumi resources needed, so tests build the
 * add-ons' values from a stack config through this).
 */
export function addonSettings(config: StackConfig, live: Omit<AddonsLive, "provider"> = {}): AddonSettings {
  const m = config.monitoring;
  const eks = config.cluster.mode === "eks";
  const { distribution, ...overrides } = m.controlPlaneMetrics;
  return {
    enabled: config.addons,
    monitoringNamespace: m.namespace,
    retainMonitoringNamespace: !eks,
    servingNamespace: config.serving.namespace,
    benchmark: config.benchmark.enabled,
    systemNodeSelector: nodePlacement(config.cluster.mode).system,
    kubePrometheusStack: {
      retention: m.prometheusRetention,
      storageGiB: m.prometheusStorageGiB,
      grafana:
        m.grafanaServiceType === "LoadBalancer"
          ? { type: "LoadBalancer", scheme: m.grafanaLoadBalancerScheme, allowedCidrs: m.grafanaAllowedCidrs }
          : { type: "ClusterIP" },
      controlPlane: controlPlaneScraping({ ...overrides, distribution: distribution ?? (eks ? "eks" : "other") }),
      grafanaAdminPassword: live.secrets?.grafanaAdminPassword,
      alertmanagerWebhookUrl: live.secrets?.alertmanagerWebhookUrl,
    },
    eksCluster: live.cluster && {
      name: live.cluster.clusterName,
      region: config.cluster.region,
      kubernetesVersion: config.cluster.kubernetesVersion,
      autoscalerRoleArn: live.cluster.autoscalerRoleArn,
    },
  };
}

/** ClusterAddons' args from the validated stack config and the live program. */
export function addonsArgs(config: StackConfig, live: AddonsLive): ClusterAddonsArgs {
  return { ...addonSettings(config, live), provider: live.provider, dependsOn: live.cluster?.ready };
}
