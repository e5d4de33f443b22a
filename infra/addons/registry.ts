import type { AddonDescriptor } from "./addon";
import { clusterAutoscaler } from "./cluster-autoscaler";
import { dcgmExporter } from "./dcgm-exporter";
import { nvidiaDevicePlugin } from "./device-plugin";
import { keda } from "./keda";
import { kubePrometheusStack } from "./kube-prometheus-stack";
import { pushgateway } from "./pushgateway";

/**
 * Every add-on ClusterAddons can install, in install (registration) order: an add-on comes after
 * those it waits for. Adding one: docs/addons.md, "Adding an add-on".
 */
export const ADDONS: readonly AddonDescriptor[] = [
  kubePrometheusStack,
  nvidiaDevicePlugin,
  dcgmExporter,
  keda,
  pushgateway,
  clusterAutoscaler,
];
