import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { clusterAutoscaler } from "./cluster-autoscaler";
import { dcgmExporter } from "./dcgm-exporter";
import { nvidiaDevicePlugin } from "./device-plugin";
import { after, type AddonOpts } from "./helm";
import { kubePrometheusStack } from "./kube-prometheus-stack";
import { monitoringNetworkPolicies } from "./network-policies";
import { MONITORING_PSA } from "../../charts/netpol";
import { prometheusAdapter } from "./prometheus-adapter";
import { pushgateway } from "./pushgateway";
import type { AutoscalerCluster } from "./values/cluster-autoscaler";
import { adapterRules } from "../../monitoring/adapter";
import { PROMETHEUS_PORT, prometheusUrl } from "./values/kube-prometheus-stack";
import { pushgatewayUrl } from "./values/pushgateway";

export interface ClusterAddonsArgs {
  config: StackConfig;
  provider: k8s.Provider;
  /** The EKS cluster (eks mode); absent on an existing cluster, which gets nothing AWS-specific. */
  cluster?: AutoscalerCluster;
  secrets: { grafanaAdminPassword?: pulumi.Output<string>; alertmanagerWebhookUrl?: pulumi.Output<string> };
  /** What every add-on waits for, and is deleted before (the cluster's `ready`). */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The cluster add-ons, each a pinned Helm release switched by `addons.*`. Every object depends
 * on the cluster, so `pulumi destroy` removes them (and their load balancers and volumes) while
 * the cluster still runs.
 */
export class ClusterAddons extends pulumi.ComponentResource {
  /** Everything workloads must wait for: CRDs, the custom metrics API, the GPU resource. */
  readonly ready: pulumi.Resource[] = [];
  readonly monitoringNamespace: string;
  /** In-cluster Prometheus URL (when kube-prometheus-stack is installed). */
  readonly prometheusUrl?: string;
  /** In-cluster Pushgateway URL the benchmark pushes to (when installed). */
  readonly pushgatewayUrl?: string;
  /** Grafana admin password, a Pulumi secret (when kube-prometheus-stack is installed). */
  readonly grafanaAdminPassword?: pulumi.Output<string>;

  constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vllm-k8s:addons:ClusterAddons", name, {}, opts);
    const { config } = args;
    const on = config.addons;
    if (on.clusterAutoscaler && !args.cluster)
      throw new Error("vllm-k8s:addons.clusterAutoscaler: cluster-autoscaler needs the EKS cluster (eks mode). Set addons.clusterAutoscaler: false");
    const base: AddonOpts = { parent: this, provider: args.provider, dependsOn: args.dependsOn ?? [] };

    // Ours in eks mode. On an existing cluster the namespace may predate us and hold other
    // things, so destroy leaves it (and any PVC in it) alone; docs/addons.md gives the cleanup.
    const nsName = config.monitoring.namespace;
    // Pod Security admission labels: the most the charts allow here (charts/netpol/psa.ts).
    const namespace = new k8s.core.v1.Namespace(nsName, { metadata: { name: nsName, labels: { "app.kubernetes.io/part-of": "vllm-k8s", ...MONITORING_PSA } } }, { ...base, retainOnDelete: config.cluster.mode === "existing" });
    const inNs = after(base, namespace, monitoringNetworkPolicies(config, after(base, namespace)));
    this.monitoringNamespace = nsName;

    const operator = on.kubePrometheusStack;
    let kps: pulumi.Resource | undefined;
    if (on.kubePrometheusStack) {
      const stack = kubePrometheusStack({ config, namespace: nsName, ...args.secrets }, inNs);
      kps = stack.release;
      this.grafanaAdminPassword = stack.grafanaAdminPassword;
      this.prometheusUrl = prometheusUrl(nsName);
      this.ready.push(stack.release);
    }
    // ServiceMonitors need the operator's CRDs: install after the stack when we bring it.
    const afterStack = kps ? after(inNs, kps) : inNs;

    if (on.nvidiaDevicePlugin) this.ready.push(nvidiaDevicePlugin(base));
    if (on.dcgmExporter) this.ready.push(dcgmExporter({ namespace: nsName, serviceMonitor: operator }, afterStack));
    if (on.prometheusAdapter) {
      // The HPA's custom metric: rules written once in monitoring/adapter.ts.
      this.ready.push(prometheusAdapter({
        config,
        namespace: nsName,
        prometheus: { url: prometheusUrl(nsName), port: PROMETHEUS_PORT },
        rules: adapterRules(),
      }, afterStack));
    }
    if (on.pushgateway) {
      this.ready.push(pushgateway(config, nsName, operator, afterStack));
      this.pushgatewayUrl = pushgatewayUrl(nsName);
    }
    if (on.clusterAutoscaler && args.cluster) this.ready.push(clusterAutoscaler(config, args.cluster, operator, kps ? after(base, kps) : base));

    this.registerOutputs({ monitoringNamespace: nsName, prometheusUrl: this.prometheusUrl, pushgatewayUrl: this.pushgatewayUrl });
  }
}
