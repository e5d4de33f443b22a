import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { renderCountersCsv } from "./dcgm-counters";
import { after, helmRelease, type AddonOpts } from "./helm";
import { DCGM_COUNTERS_KEY, dcgmExporterValues } from "./values/dcgm-exporter";
import { CHARTS } from "./versions";

export interface DcgmExporterArgs {
  namespace: pulumi.Input<string>;
  /** Create the ServiceMonitor (needs the Prometheus Operator CRDs). */
  serviceMonitor: boolean;
}

/** NVIDIA dcgm-exporter on every GPU node with our counters file, scraped through a ServiceMonitor. */
export function dcgmExporter(args: DcgmExporterArgs, opts: AddonOpts): k8s.helm.v3.Release {
  const name = "dcgm-exporter-counters";
  const counters = new k8s.core.v1.ConfigMap(name, {
    metadata: { name, namespace: args.namespace },
    data: { [DCGM_COUNTERS_KEY]: renderCountersCsv() },
  }, opts);
  return helmRelease({
    name: "dcgm-exporter",
    chart: CHARTS.dcgmExporter,
    namespace: args.namespace,
    values: dcgmExporterValues(name, args.serviceMonitor),
  }, after(opts, counters));
}
