import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { AUTOSCALER_NAMESPACE } from "../cluster/iam";
import { helmRelease, type AddonOpts } from "./helm";
import { clusterAutoscalerValues, type AutoscalerCluster } from "./values/cluster-autoscaler";
import { CHARTS } from "./versions";

/** cluster-autoscaler (eks mode): adds GPU nodes for pending vLLM pods and removes idle ones. */
export function clusterAutoscaler(config: StackConfig, cluster: AutoscalerCluster, serviceMonitor: boolean, opts: AddonOpts): k8s.helm.v3.Release {
  return helmRelease({
    name: "cluster-autoscaler",
    chart: CHARTS.clusterAutoscaler,
    namespace: AUTOSCALER_NAMESPACE,
    values: clusterAutoscalerValues(config, cluster, serviceMonitor),
  }, opts);
}
