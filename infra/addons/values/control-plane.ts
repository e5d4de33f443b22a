// Which control-plane components kube-prometheus-stack scrapes. The chart's defaults scrape all
// four through Services that select control-plane pods in kube-system; a component that runs
// outside the cluster or binds its metrics to 127.0.0.1 leaves its "Down"/"Unreachable" alert
// firing forever (prometheus-community/helm-charts#4106 for EKS, #2865 for k3s).

export type ControlPlaneComponent = "kubeControllerManager" | "kubeScheduler" | "kubeEtcd" | "kubeProxy";
/** Cluster distributions the stack config names (`monitoring.controlPlaneMetrics.distribution`). */
export const clusterDistributions = ["eks", "kind", "minikube", "k3s", "other"] as const;
export type Distribution = (typeof clusterDistributions)[number];
export const CONTROL_PLANE_COMPONENTS: readonly ControlPlaneComponent[] = [
  "kubeControllerManager",
  "kubeScheduler",
  "kubeEtcd",
  "kubeProxy",
];

const none = { kubeControllerManager: false, kubeScheduler: false, kubeEtcd: false, kubeProxy: false } as const;

/**
 * What each distribution lets the chart's default Services reach, out of the box.
 * - eks: the control plane is AWS-managed, no pods; the kube-proxy add-on binds metrics to
 *   127.0.0.1:10249 (the kube-proxy default, kubernetes/website kube-proxy reference).
 * - kind: kubeadm binds controller-manager and scheduler to 127.0.0.1 and etcd metrics to
 *   http://127.0.0.1:2381 (kubernetes/kubernetes cmd/kubeadm/app/phases/etcd/local.go); kind's
 *   kubeadm template sets no metricsBindAddress (kubernetes-sigs/kind
 *   pkg/cluster/internal/kubeadm/config.go @0033147e), so kube-proxy keeps 127.0.0.1:10249.
 * - minikube: kubeadm as above, but its template sets kube-proxy `metricsBindAddress: 0.0.0.0:10249`
 *   (kubernetes/minikube pkg/minikube/bootstrapper/bsutil/ktmpl/v1beta3.go @008693ee).
 * - k3s: every component runs inside the k3s process, not as a pod, so the Services select nothing
 *   (prometheus-community/helm-charts#2865).
 * - other: unknown, so nothing; turn on what your cluster exposes.
 */
const CONTROL_PLANE_DEFAULTS: Record<Distribution, Record<ControlPlaneComponent, boolean>> = {
  eks: none,
  kind: none,
  minikube: { ...none, kubeProxy: true },
  k3s: none,
  other: none,
};

/**
 * The chart's default rule groups (`defaultRules.rules.*`) that only make sense with the
 * component scraped (templates/prometheus/rules-1.14/*.yaml gate on both keys).
 */
const RULE_GROUPS: Record<ControlPlaneComponent, readonly string[]> = {
  kubeControllerManager: ["kubeControllerManager"],
  kubeScheduler: ["kubeSchedulerAlerting", "kubeSchedulerRecording"],
  kubeEtcd: ["etcd"],
  kubeProxy: ["kubeProxy"],
};

/** The `monitoring.controlPlaneMetrics` settings: a distribution and per-component overrides. */
export type ControlPlaneMetrics = { distribution: Distribution } & Partial<Record<ControlPlaneComponent, boolean>>;

/** Per component: scrape it or not (an override, else the distribution's default). */
export function controlPlaneScraping(set: ControlPlaneMetrics): Record<ControlPlaneComponent, boolean> {
  const defaults = CONTROL_PLANE_DEFAULTS[set.distribution];
  return Object.fromEntries(CONTROL_PLANE_COMPONENTS.map((c) => [c, set[c] ?? defaults[c]])) as Record<
    ControlPlaneComponent,
    boolean
  >;
}

export interface ControlPlaneValues {
  kubeControllerManager: { enabled: boolean };
  kubeScheduler: { enabled: boolean };
  kubeEtcd: { enabled: boolean };
  kubeProxy: { enabled: boolean };
  defaultRules: { rules: Record<string, boolean> };
}

/** The kube-prometheus-stack values for the control plane: each component and its rule groups. */
export function controlPlaneValues(on: Record<ControlPlaneComponent, boolean>): ControlPlaneValues {
  const rules: Record<string, boolean> = {};
  for (const c of CONTROL_PLANE_COMPONENTS) for (const g of RULE_GROUPS[c]) rules[g] = on[c];
  return {
    kubeControllerManager: { enabled: on.kubeControllerManager },
    kubeScheduler: { enabled: on.kubeScheduler },
    kubeEtcd: { enabled: on.kubeEtcd },
    kubeProxy: { enabled: on.kubeProxy },
    defaultRules: { rules },
  };
}
