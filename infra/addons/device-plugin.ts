import { podsNamed, type PodGroup } from "../../charts/netpol/pods";
import type { AddonDescriptor } from "./addon";
import { devicePluginValues } from "./values/device-plugin";
import { CHARTS } from "./versions";

// NVIDIA/k8s-device-plugin deployments/helm/nvidia-device-plugin 0.20.0 (1b826ac), templates/daemonset-device-plugin.yaml:
// name label = chart name; no container port (it talks to the kubelet over a host socket), so nothing may connect.
export const DEVICE_PLUGIN_PODS: PodGroup = {
  name: "nvidia-device-plugin",
  labels: podsNamed("nvidia-device-plugin"),
  ports: [],
};

/**
 * NVIDIA device plugin: advertises `nvidia.com/gpu` on GPU nodes so vLLM pods can request GPUs.
 * AL2023 NVIDIA AMIs ship the driver but not the plugin; Bottlerocket ships both (then the
 * config default turns this off). kube-system: always there, so nothing is left behind on destroy.
 */
export const nvidiaDevicePlugin: AddonDescriptor<"nvidiaDevicePlugin"> = {
  key: "nvidiaDevicePlugin",
  toggle: {
    description:
      "NVIDIA device plugin: advertises `nvidia.com/gpu` so vLLM pods can request GPUs; the AL2023 NVIDIA AMI has the driver but not the plugin (default: on, except on Bottlerocket, whose AMI ships one).",
  },
  release: "nvidia-device-plugin",
  chart: CHARTS.nvidiaDevicePlugin,
  namespace: () => "kube-system",
  serviceMonitor: false,
  ready: true,
  values: () => devicePluginValues(),
  // No port and no connection into it: its policy denies all ingress.
  pods: [DEVICE_PLUGIN_PODS],
};
