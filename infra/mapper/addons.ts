import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { appObjects } from "../../charts/app";
import { urlFlows, type Flow } from "../../charts/netpol";
import type { AddonSettings, ClusterAddonsArgs } from "../addons";
import { addonRoutes } from "../addons/connections";
import { controlPlaneScraping } from "../addons/values/control-plane";
import type { StackConfig } from "../config";
import { nodePlacement } from "./placement";
import { chartPropsFromConfig, inClusterPushgatewayUrl } from "./workloads";

/**
 * The connections our workload objects open into the add-ons: every URL of an add-on's Service in
 * their env and args (the benchmark's Pushgateway and Prometheus, the plan's Pushgateway). Read
 * from the very objects the workloads deploy, so a new URL brings its NetworkPolicy flow.
 */
export function workloadClients(config: StackConfig, s: AddonSettings): Flow[] {
  const objs = appObjects(
    chartPropsFromConfig(config, { pushgatewayUrl: inClusterPushgatewayUrl(config), includeNamespace: false }),
  );
  const routes = addonRoutes(s);
  return urlFlows(objs, routes).flows.filter((f) => routes.some((r) => r.namespace === f.to.namespace));
}

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
  const settings: AddonSettings = {
    enabled: config.addons,
    monitoringNamespace: m.namespace,
    retainMonitoringNamespace: !eks,
    servingNamespace: config.serving.namespace,
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
  return { ...settings, clients: workloadClients(config, settings) };
}

/** ClusterAddons' args from the validated stack config and the live program. */
export function addonsArgs(config: StackConfig, live: AddonsLive): ClusterAddonsArgs {
  return { ...addonSettings(config, live), provider: live.provider, dependsOn: live.cluster?.ready };
}
