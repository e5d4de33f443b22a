import { gpuNodeSelector, gpuTolerations, type Toleration } from "../placement";
import { monitoringConfig } from "../../../monitoring/config";
import { CHARTS } from "../versions";

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

/**
 * The node label a dcgm-exporter release writes: `Hostname` in every release up to 4.8.2 and
 * `hostname` after (NVIDIA/dcgm-exporter commit d5e5f510a1b6b393f39a43293ccd9dc985defc79, "Rename
 * Hostname label to hostname", on main after the 4.5.3-4.8.2 tag). The chart and the exporter
 * share a version number. Default: the pinned chart's.
 */
export function dcgmNodeLabel(chartVersion: string = CHARTS.dcgmExporter.version): "Hostname" | "hostname" {
  const [major, minor, patch] = chartVersion.split(".").map(Number);
  const upToRename = major !== 4 ? major < 4 : minor !== 8 ? minor < 8 : patch <= 2;
  return upToRename ? "Hostname" : "hostname";
}
