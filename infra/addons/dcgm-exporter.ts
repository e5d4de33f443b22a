import * as k8s from "@pulumi/kubernetes";
import { DCGM_PODS } from "../../charts/netpol";
import type { AddonDescriptor } from "./addon";
import { scrapedBy } from "./scrape";
import { renderCountersCsv } from "./dcgm-counters";
import { DCGM_COUNTERS_KEY, dcgmExporterValues } from "./values/dcgm-exporter";
import { CHARTS } from "./versions";

const COUNTERS_CONFIGMAP = "dcgm-exporter-counters";

/** NVIDIA dcgm-exporter on every GPU node with our counters file, scraped through a ServiceMonitor. */
export const dcgmExporter: AddonDescriptor = {
  key: "dcgmExporter",
  release: "dcgm-exporter",
  chart: CHARTS.dcgmExporter,
  namespace: (s) => s.monitoringNamespace,
  serviceMonitor: true,
  ready: true,
  prerequisites: ({ namespace, opts }) => ({
    resources: [
      new k8s.core.v1.ConfigMap(
        COUNTERS_CONFIGMAP,
        {
          metadata: { name: COUNTERS_CONFIGMAP, namespace },
          data: { [DCGM_COUNTERS_KEY]: renderCountersCsv() },
        },
        opts,
      ),
    ],
  }),
  values: (_, serviceMonitor) => dcgmExporterValues(COUNTERS_CONFIGMAP, serviceMonitor),
  pods: [DCGM_PODS],
  connections: (s, installed) =>
    scrapedBy(s, installed, { namespace: s.monitoringNamespace, pods: DCGM_PODS }, "Prometheus scrapes GPU metrics"),
};
