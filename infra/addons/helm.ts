import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PinnedChart } from "./versions";

/** Options every add-on object gets: the component as parent, its provider, and what it waits for. */
export interface AddonOpts {
  parent: pulumi.Resource;
  provider: k8s.Provider;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** The same options, also waiting for `more`. */
export function after(opts: AddonOpts, ...more: pulumi.Resource[]): AddonOpts {
  return { ...opts, dependsOn: [...opts.dependsOn, ...more] };
}

interface ReleaseArgs {
  /** Helm release name (also the prefix of the chart's object names unless overridden). */
  name: string;
  chart: PinnedChart;
  namespace: pulumi.Input<string>;
  /** A typed values object (infra/addons/values/); interfaces have no index signature, hence `object`. */
  values: object;
  /** Seconds Helm waits for the release's objects to become ready. */
  timeoutSeconds?: number;
}

/**
 * A real Helm release (hooks run: kube-prometheus-stack's admission-webhook jobs need them).
 * Atomic with cleanup on failure, and awaited, so a dependent step (ServiceMonitors, the HPA)
 * only starts once the chart's CRDs and pods are up.
 */
export function helmRelease(args: ReleaseArgs, opts: AddonOpts): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    args.name,
    {
      name: args.name,
      chart: args.chart.chart,
      version: args.chart.version,
      repositoryOpts: { repo: args.chart.repo },
      namespace: args.namespace,
      // Namespaces are ours (ClusterAddons) or always there (kube-system), never Helm's.
      createNamespace: false,
      atomic: true,
      cleanupOnFail: true,
      skipAwait: false,
      timeout: args.timeoutSeconds ?? 600,
      values: args.values as Record<string, unknown>,
    },
    opts,
  );
}
