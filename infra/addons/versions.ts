// Every Helm chart the add-ons install, pinned once here: name, repository and exact version, each
// beside the source it was read from. A pin is the newest version whose Chart.yaml we could read
// (a version nobody can read may not exist, and `pulumi up` then fails at its first fetch), and it
// was rendered with `helm template` and our values. The key paths our values use are recorded in
// test/fixtures/helm-values/ (see docs/addons.md).

/** Where a pinned version was read: the chart's Chart.yaml at a release commit. */
export interface ChartSource {
  /** GitHub `owner/name` of the chart's source. */
  repository: string;
  /** Path of the Chart.yaml read, inside the repository. */
  path: string;
  /** Commit (40 hex digits) the file was read at. */
  commit: string;
  /** The release tag naming that commit. */
  tag: string;
  /** The `version:` that Chart.yaml says; the pin must be exactly this. */
  version: string;
}

export interface PinnedChart {
  /** Chart name inside the repository. */
  chart: string;
  /** Helm repository URL (`helm repo add`). */
  repo: string;
  /** Exact chart version: no ranges, never `latest`. */
  version: string;
  /** Where that version was read. */
  source: ChartSource;
}

export const CHARTS = {
  // 0.20.0 is the newest in the repository's tags and in its Helm index (gh-pages commit
  // bf584288ed8c31d6b63b1ec5bdc9c8ef8f0ded7c, generated 2026-08-20).
  nvidiaDevicePlugin: {
    chart: "nvidia-device-plugin",
    repo: "https://nvidia.github.io/k8s-device-plugin",
    version: "0.20.0",
    source: {
      repository: "NVIDIA/k8s-device-plugin",
      path: "deployments/helm/nvidia-device-plugin/Chart.yaml",
      commit: "1b826acc6af3079d8923bac395c3124b8861a9a6",
      tag: "v0.20.0",
      version: "0.20.0",
    },
  },
  // 4.8.x: 4.9 renames the default DCGM fields and changes the Helm values format. 4.8.2 is the
  // newest in the tags and the Helm index (gh-pages commit ecd340dc2e9717757db9d1d662a621fe18e9514d).
  dcgmExporter: {
    chart: "dcgm-exporter",
    repo: "https://nvidia.github.io/dcgm-exporter/helm-charts",
    version: "4.8.2",
    source: {
      repository: "NVIDIA/dcgm-exporter",
      path: "deployment/Chart.yaml",
      commit: "691c92762eb551313c825f6efe4ceeee20982801",
      tag: "4.5.3-4.8.2",
      version: "4.8.2",
    },
  },
  // Its Grafana subchart (12.11.1) comes from grafana-community/helm-charts (tag grafana-12.11.1,
  // commit 864f7794683680e5100a38670e103c4fa6e37e29).
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    repo: "https://prometheus-community.github.io/helm-charts",
    version: "88.5.3",
    source: {
      repository: "prometheus-community/helm-charts",
      path: "charts/kube-prometheus-stack/Chart.yaml",
      commit: "ea930baeebeba39f56d6b44e351f23b2a072a600",
      tag: "kube-prometheus-stack-88.5.3",
      version: "88.5.3",
    },
  },
  // Read at its release tag; the fetched repository carried no gh-pages index to cross-check.
  keda: {
    chart: "keda",
    repo: "https://kedacore.github.io/charts",
    version: "2.20.2",
    source: {
      repository: "kedacore/charts",
      path: "keda/Chart.yaml",
      commit: "cbb9bb8ce0809dc9048f72302f7c09765d66ed56",
      tag: "v2.20.2",
      version: "2.20.2",
    },
  },
  // Also the newest in the Helm index (gh-pages commit be36214bc8a1bf19000bbc7aa480952a3f5cf9f7).
  clusterAutoscaler: {
    chart: "cluster-autoscaler",
    repo: "https://kubernetes.github.io/autoscaler",
    version: "9.59.0",
    source: {
      repository: "kubernetes/autoscaler",
      path: "cluster-autoscaler/charts/cluster-autoscaler/Chart.yaml",
      commit: "5a0b98e45f896e98132737240ac131a519d3b33d",
      tag: "cluster-autoscaler-chart-9.59.0",
      version: "9.59.0",
    },
  },
  pushgateway: {
    chart: "prometheus-pushgateway",
    repo: "https://prometheus-community.github.io/helm-charts",
    version: "3.8.0",
    source: {
      repository: "prometheus-community/helm-charts",
      path: "charts/prometheus-pushgateway/Chart.yaml",
      commit: "4fa56e1c264a2a7e8030af068dcccd4400dd620c",
      tag: "prometheus-pushgateway-3.8.0",
      version: "3.8.0",
    },
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
