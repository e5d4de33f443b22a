import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { MONITORING_PSA } from "../../charts/netpol";
import type { AddonContext, AddonDescriptor, AddonOutputs, AddonSettings } from "./addon";
import { after, helmRelease, type AddonOpts } from "./helm";
import { addonNetworkPolicies, monitoringNetworkPolicies } from "./network-policies";
import { ADDONS } from "./registry";
import { PART_OF } from "../../charts/part-of";

export type { AddonDescriptor, AddonSettings } from "./addon";

/** ClusterAddons' args: the settings every descriptor reads (./addon.ts documents each) plus these. */
export interface ClusterAddonsArgs extends AddonSettings {
  /** Kubernetes provider of the cluster the add-ons go into. Required. */
  provider: k8s.Provider;
  /** What every add-on waits for, and is deleted before (the cluster's `ready`). Default: nothing. */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
  /** The add-ons, in install order. Default: ADDONS (./registry.ts). */
  registry?: readonly AddonDescriptor[];
}

/**
 * The cluster add-ons: each enabled descriptor of the registry becomes a pinned Helm release.
 * Every object depends on the cluster, so `pulumi destroy` removes them (and their load balancers
 * and volumes) while the cluster still runs.
 */
export class ClusterAddons extends pulumi.ComponentResource {
  /** Everything workloads must wait for: CRDs, the custom metrics API, the GPU resource. */
  readonly ready: pulumi.Resource[] = [];
  /** In-cluster Prometheus URL (when kube-prometheus-stack is installed). */
  readonly prometheusUrl?: string;
  /** In-cluster Pushgateway URL the benchmark pushes to (when installed). */
  readonly pushgatewayUrl?: string;
  /** Grafana admin password, a Pulumi secret (when kube-prometheus-stack is installed). */
  readonly grafanaAdminPassword?: pulumi.Output<string>;

  constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vllm-k8s:addons:ClusterAddons", name, {}, opts);
    const registry = args.registry ?? ADDONS;
    const known = new Set(registry.map((d) => d.key));
    for (const key of Object.keys(args.enabled))
      if (!known.has(key)) throw new Error(`vllm-k8s:addons.${key}: no such add-on (known: ${[...known].join(", ")})`);
    const enabled = registry.filter((d) => args.enabled[d.key]);
    for (const d of enabled) d.check?.(args);
    const base: AddonOpts = { parent: this, provider: args.provider, dependsOn: args.dependsOn ?? [] };

    // Ours in eks mode. On an existing cluster the namespace may predate us and hold other
    // things, so destroy can leave it (and any PVC in it) alone; docs/addons.md gives the cleanup.
    const nsName = args.monitoringNamespace;
    // Pod Security admission labels: the most the charts allow here (charts/netpol/psa.ts).
    const namespace = new k8s.core.v1.Namespace(
      nsName,
      {
        metadata: { name: nsName, labels: { ...PART_OF, ...MONITORING_PSA } },
      },
      { ...base, retainOnDelete: args.retainMonitoringNamespace ?? false },
    );
    const inNs = after(base, namespace, monitoringNetworkPolicies(args, registry, after(base, namespace)));

    const installed = new Map<string, pulumi.Resource>();
    const operators = enabled.filter((d) => d.operator).map((d) => d.key);
    const outputs: AddonOutputs = {};
    for (const d of enabled) {
      const ns = d.namespace(args);
      // A ServiceMonitor needs the operator's CRDs: install after the add-on that brings them.
      const serviceMonitor = d.serviceMonitor && operators.length > 0;
      const waits = [...(d.after ?? []), ...(serviceMonitor ? operators : [])].flatMap((k) => installed.get(k) ?? []);
      // Outside the monitoring namespace, its own pods' policies come first, as the namespace's do.
      const own = ns === nsName ? undefined : addonNetworkPolicies(d, args, registry, base);
      const opts = after(ns === nsName ? inNs : base, ...new Set(waits), ...(own ? [own] : []));
      const pre = d.prerequisites?.(addonContext(args, ns, opts));
      const release = helmRelease(
        {
          name: d.release,
          chart: d.chart,
          namespace: ns,
          values: d.values(args, serviceMonitor),
          timeoutSeconds: d.timeoutSeconds,
        },
        after(opts, ...(pre?.resources ?? [])),
      );
      installed.set(d.key, release);
      if (d.ready) this.ready.push(release);
      Object.assign(outputs, pre?.outputs, d.outputs?.(args));
    }
    this.prometheusUrl = outputs.prometheusUrl;
    this.pushgatewayUrl = outputs.pushgatewayUrl;
    this.grafanaAdminPassword = outputs.grafanaAdminPassword;

    this.registerOutputs({
      monitoringNamespace: nsName,
      prometheusUrl: this.prometheusUrl,
      pushgatewayUrl: this.pushgatewayUrl,
    });
  }
}

/** The objects an add-on's `prerequisites` may make, in its namespace with its options. */
function addonContext(settings: AddonSettings, namespace: string, opts: AddonOpts): AddonContext {
  return {
    settings,
    namespace,
    opts,
    configMap: (name, data) => new k8s.core.v1.ConfigMap(name, { metadata: { name, namespace }, data }, opts),
    secret: (name, stringData) =>
      new k8s.core.v1.Secret(
        name,
        {
          metadata: { name, namespace },
          type: "Opaque",
          stringData: Object.fromEntries(Object.entries(stringData).map(([k, v]) => [k, pulumi.secret(v)])),
        },
        opts,
      ),
    // Not handed the Kubernetes provider: RandomPassword belongs to the random package.
    password: (name, given) =>
      pulumi.secret(
        given ?? new random.RandomPassword(name, { length: 24, special: false }, { parent: opts.parent }).result,
      ),
  };
}
