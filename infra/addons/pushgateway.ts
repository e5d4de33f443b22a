import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { helmRelease, type AddonOpts } from "./helm";
import { pushgatewayValues } from "./values/pushgateway";
import { CHARTS } from "./versions";

/** Prometheus Pushgateway: where the benchmark Job pushes its results for Prometheus to scrape. */
export function pushgateway(config: StackConfig, namespace: pulumi.Input<string>, serviceMonitor: boolean, opts: AddonOpts): k8s.helm.v3.Release {
  return helmRelease({ name: "pushgateway", chart: CHARTS.pushgateway, namespace, values: pushgatewayValues(config, serviceMonitor) }, opts);
}
