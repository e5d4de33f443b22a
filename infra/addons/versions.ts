// Every Helm chart the add-ons install, pinned once here: name, repository and exact version.
// Checked against public release notes and the charts' values.yaml in late 2026; the key paths
// our values use are recorded in test/fixtures/helm-values/ (see docs/addons.md).

export interface PinnedChart {
  /** Chart name inside the repository. */
  chart: string;
  /** Helm repository URL (`helm repo add`). */
  repo: string;
  /** Exact chart version: no ranges, never `latest`. */
  version: string;
  /** Where the pinned version was read (repository, path, commit). */
  source?: string;
}

export const CHARTS = {
  nvidiaDevicePlugin: {
    chart: "nvidia-device-plugin",
    repo: "https://nvidia.github.io/k8s-device-plugin",
    version: "0.20.1",
  },
  // 4.8.x: 4.9 renames the default DCGM fields and changes the Helm values format.
  dcgmExporter: {
    chart: "dcgm-exporter",
    repo: "https://nvidia.github.io/dcgm-exporter/helm-charts",
    version: "4.8.4",
  },
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    repo: "https://prometheus-community.github.io/helm-charts",
    version: "88.6.4",
  },
  keda: {
    chart: "keda",
    repo: "https://kedacore.github.io/charts",
    version: "2.20.2",
    source:
      "kedacore/charts keda/Chart.yaml (version 2.20.2, appVersion 2.20.2) at 1444d00d90d7668cf7f53f270777d039371d90d0",
  },
  clusterAutoscaler: {
    chart: "cluster-autoscaler",
    repo: "https://kubernetes.github.io/autoscaler",
    version: "9.59.0",
  },
  pushgateway: {
    chart: "prometheus-pushgateway",
    repo: "https://prometheus-community.github.io/helm-charts",
    version: "3.8.0",
  },
} as const satisfies Record<string, PinnedChart>;

/** EKS versions in standard support in late 2026 (DESIGN §4); the stack config accepts these. */
export const supportedKubernetesVersions = ["1.33", "1.34", "1.35"] as const;
export type KubernetesMinor = (typeof supportedKubernetesVersions)[number];

/**
 * cluster-autoscaler must run the minor version of the control plane it scales (its scheduler
 * simulation is built from that Kubernetes release), so the image tag follows the cluster.
 */
export const CLUSTER_AUTOSCALER_IMAGE = {
  repository: "registry.k8s.io/autoscaling/cluster-autoscaler",
  tagByKubernetesMinor: { "1.33": "v1.33.3", "1.34": "v1.34.5", "1.35": "v1.35.0" } satisfies Record<
    KubernetesMinor,
    string
  >,
} as const;
