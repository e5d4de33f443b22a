import { podsNamed, type PodGroup } from "../../charts/netpol/pods";
import type { AddonDescriptor } from "./addon";
import { scrapedBy } from "./scrape";
import { renderCountersCsv } from "./dcgm-counters";
import { DCGM_COUNTERS_KEY, dcgmExporterValues } from "./values/dcgm-exporter";
import { CHARTS } from "./versions";

const COUNTERS_CONFIGMAP = "dcgm-exporter-counters";

// NVIDIA/dcgm-exporter deployment/ chart 4.8.2 (d5e5f51), templates/daemonset.yaml: name label =
// chart name; metrics on 9400 (Service dcgm-exporter 9400 -> 9400).
export const DCGM_PODS: PodGroup = { name: "dcgm-exporter", labels: podsNamed("dcgm-exporter"), ports: [9400] };

/** NVIDIA dcgm-exporter on every GPU node with our counters file, scraped through a ServiceMonitor. */
export const dcgmExporter: AddonDescriptor<"dcgmExporter"> = {
  key: "dcgmExporter",
  toggle: {
    description:
      "NVIDIA DCGM exporter: GPU utilisation, memory, power, temperature, XID errors, engine and DRAM activity, per pod.",
    default: true,
  },
  release: "dcgm-exporter",
  chart: CHARTS.dcgmExporter,
  namespace: (s) => s.monitoringNamespace,
  serviceMonitor: true,
  ready: true,
  prerequisites: (ctx) => ({
    resources: [ctx.configMap(COUNTERS_CONFIGMAP, { [DCGM_COUNTERS_KEY]: renderCountersCsv() })],
  }),
  values: (_, serviceMonitor) => dcgmExporterValues(COUNTERS_CONFIGMAP, serviceMonitor),
  pods: [DCGM_PODS],
  connections: (s, installed) =>
    scrapedBy(s, installed, { namespace: s.monitoringNamespace, pods: DCGM_PODS }, "Prometheus scrapes GPU metrics"),
};
