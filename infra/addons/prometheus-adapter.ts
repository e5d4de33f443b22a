import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { helmRelease, type AddonOpts } from "./helm";
import { prometheusAdapterValues, type AdapterRule } from "./values/prometheus-adapter";
import { CHARTS } from "./versions";

export interface PrometheusAdapterArgs {
  config: StackConfig;
  namespace: pulumi.Input<string>;
  prometheus: { url: string; port: number };
  rules: AdapterRule[];
}

/** prometheus-adapter: serves the custom metrics API the request-rate HPA reads. */
export function prometheusAdapter(args: PrometheusAdapterArgs, opts: AddonOpts): k8s.helm.v3.Release {
  return helmRelease({
    name: "prometheus-adapter",
    chart: CHARTS.prometheusAdapter,
    namespace: args.namespace,
    values: prometheusAdapterValues(args.config, args.prometheus, args.rules),
  }, opts);
}
