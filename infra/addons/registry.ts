import type { AddonDescriptor } from "./addon";
import { clusterAutoscaler } from "./cluster-autoscaler";
import { dcgmExporter } from "./dcgm-exporter";
import { nvidiaDevicePlugin } from "./device-plugin";
import { keda } from "./keda";
import { kubePrometheusStack } from "./kube-prometheus-stack";
import { pushgateway } from "./pushgateway";

/**
 * Every add-on ClusterAddons can install, in install (registration) order: an add-on comes after
 * those it waits for. The one list of add-ons: the `addons.*` config toggles, the NetworkPolicies
 * and the docs' add-on tables derive from it. Adding one: docs/addons.md, "Adding an add-on".
 * Its modules import no Pulumi value, so the config schema reads it cheaply.
 */
export const ADDONS = [
  kubePrometheusStack,
  nvidiaDevicePlugin,
  dcgmExporter,
  keda,
  pushgateway,
  clusterAutoscaler,
] as const satisfies readonly AddonDescriptor[];

/** An add-on's registry key: its `addons.<key>` toggle. */
export type AddonKey = (typeof ADDONS)[number]["key"];
