import { DEVICE_PLUGIN_PODS } from "../../charts/netpol";
import type { AddonDescriptor } from "./addon";
import { devicePluginValues } from "./values/device-plugin";
import { CHARTS } from "./versions";

/**
 * NVIDIA device plugin: advertises `nvidia.com/gpu` on GPU nodes so vLLM pods can request GPUs.
 * AL2023 NVIDIA AMIs ship the driver but not the plugin; Bottlerocket ships both (then the
 * config default turns this off). kube-system: always there, so nothing is left behind on destroy.
 */
export const nvidiaDevicePlugin: AddonDescriptor = {
  key: "nvidiaDevicePlugin",
  release: "nvidia-device-plugin",
  chart: CHARTS.nvidiaDevicePlugin,
  namespace: () => "kube-system",
  serviceMonitor: false,
  ready: true,
  values: () => devicePluginValues(),
  // No port and no connection into it: its policy denies all ingress.
  pods: [DEVICE_PLUGIN_PODS],
};
