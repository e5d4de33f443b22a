import { GPU_NODE_LABEL } from "../../../charts/node-pools";
import { gpuNodeSelector, gpuTolerations, type Toleration } from "../placement";

/** The nvidia-device-plugin chart values we set (chart keys: test/fixtures/helm-values/nvidia-device-plugin.yaml). */
export interface DevicePluginValues {
  nodeSelector: Record<string, string>;
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: { matchExpressions: { key: string; operator: "In"; values: string[] }[] }[];
      };
    };
  };
  tolerations: Toleration[];
  gfd: { enabled: boolean };
}

/**
 * The chart's default affinity requires NFD/GFD labels (`feature.node.kubernetes.io/pci-10de.present`,
 * `nvidia.com/gpu.present`) that EKS nodes do not carry, so without this the DaemonSet runs
 * nowhere. Helm replaces lists wholesale, so our nodeSelectorTerms drop the NFD ones.
 */
export function devicePluginValues(): DevicePluginValues {
  return {
    nodeSelector: gpuNodeSelector(),
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: GPU_NODE_LABEL.key, operator: "In", values: [GPU_NODE_LABEL.value] }] },
          ],
        },
      },
    },
    // CriticalAddonsOnly is the chart's own default; keep it beside our GPU taint.
    tolerations: [...gpuTolerations(), { key: "CriticalAddonsOnly", operator: "Exists", effect: "NoSchedule" }],
    gfd: { enabled: false },
  };
}
