import type * as pulumi from "@pulumi/pulumi";
import type { Flow } from "../../charts/netpol/flows";
import type { PodGroup } from "../../charts/netpol/pods";
import type { ServiceRoute } from "../../charts/netpol/connections";
import type { AddonOpts } from "./helm";
import type { KubePrometheusStackSettings } from "./values/kube-prometheus-stack";
import type { AutoscalerCluster } from "./values/cluster-autoscaler";
import type { PinnedChart } from "./versions";

/**
 * The narrow args every add-on descriptor reads (ClusterAddonsArgs adds the provider, what to
 * wait for and the registry). infra/mapper/addons.ts fills them from the stack config.
 */
export interface AddonSettings {
  /**
   * Which add-ons to install, by descriptor key (the `addons.*` stack config keys). A key that
   * names no descriptor of the registry is an error; a descriptor not listed is off. Required.
   */
  enabled: Readonly<Record<string, boolean>>;
  /** Namespace of the monitoring add-ons, created by ClusterAddons. Required. */
  monitoringNamespace: string;
  /**
   * Keep the monitoring namespace (and any PVC in it) on destroy: on an existing cluster it may
   * predate us and hold other things (docs/addons.md gives the cleanup). Default: false.
   */
  retainMonitoringNamespace?: boolean;
  /** Namespace of vLLM and the benchmark: Grafana reads dashboards there, the benchmark pushes from it. Required. */
  servingNamespace: string;
  /**
   * Connections our workloads open into the add-ons' pods, read from the URLs the workload objects
   * carry (infra/mapper/addons.ts); each becomes a NetworkPolicy flow. Default: none.
   */
  clients?: readonly Flow[];
  /** Node selector of the CPU add-ons: the system node group's label in eks mode. Default: `{}` (any node). */
  systemNodeSelector?: Record<string, string>;
  /** kube-prometheus-stack: storage, Grafana exposure, control-plane scraping, secrets. Required. */
  kubePrometheusStack: KubePrometheusStackSettings;
  /** The EKS cluster cluster-autoscaler scales. Default: none (an existing cluster gets nothing AWS-specific). */
  eksCluster?: AutoscalerCluster;
}

/** What an installed add-on contributes to the stack (ClusterAddons exposes the union). */
export interface AddonOutputs {
  /** In-cluster Prometheus URL. */
  prometheusUrl?: string;
  /** In-cluster Pushgateway URL the benchmark pushes to. */
  pushgatewayUrl?: string;
  /** Grafana admin password, a Pulumi secret. */
  grafanaAdminPassword?: pulumi.Output<string>;
}

/**
 * How the release of an add-on is installed, handed to its `prerequisites`. The objects are made
 * through it (ClusterAddons owns the Pulumi side), so a descriptor module imports no Pulumi value
 * and the config schema can read the registry cheaply.
 */
export interface AddonContext {
  settings: AddonSettings;
  /** Namespace the release goes into (`descriptor.namespace(settings)`). */
  namespace: string;
  /** Parent, provider and everything it waits for. */
  opts: AddonOpts;
  /** A ConfigMap `name` in the release's namespace. */
  configMap(name: string, data: Record<string, string>): pulumi.Resource;
  /** An Opaque Secret `name` in the release's namespace; every value is kept a Pulumi secret. */
  secret(name: string, stringData: Record<string, pulumi.Input<string>>): pulumi.Resource;
  /** `given` as a Pulumi secret, or a generated 24-character password (resource `name`) when unset. */
  password(name: string, given?: pulumi.Input<string>): pulumi.Output<string>;
}

/** The add-on's `addons.<key>` stack config toggle (infra/config.ts builds the schema from these). */
export interface AddonToggle {
  /** What the add-on is for and when to turn it off: the config reference and docs/addons.md show it. */
  description: string;
  /**
   * Whether it is on when the key is absent. Omitted when the default depends on other settings;
   * infra/config.ts `resolveDefaults` then decides (and a test holds it to that).
   */
  default?: boolean;
}

/**
 * One add-on: a pinned Helm chart plus what it needs around it. ClusterAddons installs the
 * enabled descriptors of its registry (infra/addons/registry.ts) in registry order.
 */
export interface AddonDescriptor<Key extends string = string> {
  /** Registry key, also the `addons.<key>` stack config toggle and the key in `AddonSettings.enabled`. */
  key: Key;
  /** Its stack config toggle. */
  toggle: AddonToggle;
  /** Helm release name and Pulumi resource name (also the prefix of the chart's object names). */
  release: string;
  /** The chart, pinned in infra/addons/versions.ts. */
  chart: PinnedChart;
  /** Namespace of the release. The monitoring namespace makes it wait for that namespace and its NetworkPolicies. */
  namespace(s: AddonSettings): string;
  /** Keys of add-ons it installs after (and is deleted before) when they are installed. Default: none. */
  after?: readonly string[];
  /** It brings the Prometheus Operator and its CRDs (ServiceMonitor). Default: false. */
  operator?: boolean;
  /**
   * It brings a ServiceMonitor: turned on in its values only when an installed add-on brings the
   * operator, and then installed after that add-on (the CRD must exist).
   */
  serviceMonitor: boolean;
  /** Workloads wait for it and are deleted before it (CRDs, the custom metrics API, the GPU resource). */
  ready: boolean;
  /** Throws when it cannot be installed with these settings; runs before anything is registered. Default: none. */
  check?(s: AddonSettings): void;
  /** Objects the release needs first (Secrets, ConfigMaps), created with `ctx.opts`. Default: none. */
  prerequisites?(ctx: AddonContext): { resources: pulumi.Resource[]; outputs?: AddonOutputs };
  /** The chart values (typed in infra/addons/values/), from the settings only. */
  values(s: AddonSettings, serviceMonitor: boolean): object;
  /** Seconds Helm waits for the release to become ready. Default: 600. */
  timeoutSeconds?: number;
  /**
   * The pods its chart runs in its namespace, by the labels and ports the pinned chart renders
   * (record beside each where it was read). Each gets NetworkPolicies admitting exactly its
   * connections. Default: none (a chart whose pods need no policy, e.g. host-network ones).
   */
  pods?: readonly PodGroup[];
  /** Its Services that URLs name (Helm values, our workloads' env), resolved to its pods. Default: none. */
  routes?(s: AddonSettings): ServiceRoute[];
  /**
   * Its connections: the ones its pods open (URLs in its values, data sources) and the ones made to
   * them (ServiceMonitor scrapes, APIService and webhook calls), given which add-ons are installed.
   * The NetworkPolicies admit these and nothing else. Default: none.
   */
  connections?(s: AddonSettings, installed: (key: string) => boolean): Flow[];
  /** What it contributes once installed (URLs). Default: nothing. */
  outputs?(s: AddonSettings): AddonOutputs;
}
