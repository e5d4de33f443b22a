import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { helmRelease, type AddonOpts } from "./helm";
import { devicePluginValues } from "./values/device-plugin";
import { CHARTS } from "./versions";

/**
 * NVIDIA device plugin: advertises `nvidia.com/gpu` on GPU nodes so vLLM pods can request GPUs.
 * AL2023 NVIDIA AMIs ship the driver but not the plugin; Bottlerocket ships both (then the
 * config default turns this off). kube-system: always there, so nothing is left behind on destroy.
 */
export function nvidiaDevicePlugin(opts: AddonOpts): k8s.helm.v3.Release {
  return helmRelease({ name: "nvidia-device-plugin", chart: CHARTS.nvidiaDevicePlugin, namespace: "kube-system", values: devicePluginValues() }, opts);
}
