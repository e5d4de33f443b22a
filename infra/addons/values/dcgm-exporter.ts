import { gpuNodeSelector, gpuTolerations, type Toleration } from "../placement";
import { monitoringConfig } from "../../../monitoring/config";

/** Where our counters CSV is mounted in the exporter container. */
const DCGM_COUNTERS_PATH = "/etc/dcgm-exporter/vllm-counters.csv";
export const DCGM_COUNTERS_KEY = "counters.csv";

/** The dcgm-exporter chart values we set (chart keys: test/fixtures/helm-values/dcgm-exporter.yaml). */
export interface DcgmExporterValues {
  arguments: string[];
  extraConfigMapVolumes: { name: string; configMap: { name: string; items: { key: string; path: string }[] } }[];
  extraVolumeMounts: { name: string; mountPath: string; subPath: string; readOnly: boolean }[];
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  serviceMonitor: { enabled: boolean; interval: string; honorLabels: boolean };
}

/**
 * GPU nodes only; our own counters file (the chart's default ConfigMap is replaced because Helm
 * swaps lists wholesale). The exporter maps GPUs to pods through the kubelet pod-resources socket
 * the chart mounts, adding `namespace`/`pod`/`container` labels; `honorLabels` keeps them from
 * being renamed `exported_*` by the ServiceMonitor's own target labels.
 */
export function dcgmExporterValues(countersConfigMap: string, serviceMonitor: boolean): DcgmExporterValues {
  const volume = "vllm-counters";
  const file = DCGM_COUNTERS_PATH.split("/").pop()!;
  return {
    arguments: ["-f", DCGM_COUNTERS_PATH],
    extraConfigMapVolumes: [
      { name: volume, configMap: { name: countersConfigMap, items: [{ key: DCGM_COUNTERS_KEY, path: file }] } },
    ],
    extraVolumeMounts: [{ name: volume, mountPath: DCGM_COUNTERS_PATH, subPath: file, readOnly: true }],
    nodeSelector: gpuNodeSelector(),
    tolerations: gpuTolerations(),
    serviceMonitor: { enabled: serviceMonitor, interval: monitoringConfig.scrapeInterval, honorLabels: true },
  };
}
