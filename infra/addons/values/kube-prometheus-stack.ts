import type * as pulumi from "@pulumi/pulumi";
import { controlPlaneValues, type ControlPlaneComponent, type ControlPlaneValues } from "./control-plane";
import { GRAFANA_DASHBOARD_LABEL, GRAFANA_FOLDER_ANNOTATION } from "../../../charts/monitoring/labels";
import { alertmanagerRouting, type AlertmanagerRouting } from "../../../monitoring/alertmanager";

/** Our fullnameOverride: Services become `kps-prometheus`, `kps-alertmanager`, `kps-operator`. */
export const KPS_FULLNAME = "kps";
// Prometheus' port is one fact with the pods charts/ names as the scraper of our ServiceMonitors.
export { PROMETHEUS_PORT } from "../../../charts/netpol/pods";
export const ALERTMANAGER_PORT = 9093;

/** In-cluster URL of the Prometheus the stack runs (KEDA's trigger and workloads use it). */
export function prometheusUrl(namespace: string): string {
  return `http://${KPS_FULLNAME}-prometheus.${namespace}.svc`;
}

/**
 * Grafana's service account, named here so the serving namespace can grant it read access to our
 * dashboard ConfigMaps (infra/workloads/grafana-reader.ts) and nothing else.
 */
export const GRAFANA_SERVICE_ACCOUNT = "grafana";

/**
 * The in-tree AWS cloud provider (which handles Services of type LoadBalancer on EKS without the
 * AWS Load Balancer Controller) makes an internal load balancer for this annotation
 * (kubernetes/cloud-provider-aws pkg/providers/v1/aws.go, ServiceAnnotationLoadBalancerInternal);
 * the AWS Load Balancer Controller honours it too.
 */
const INTERNAL_LB_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-internal";

/** Where the Alertmanager operator mounts a Secret listed in `alertmanagerSpec.secrets`. */
function alertmanagerSecretFile(secretName: string, key: string): string {
  return `/etc/alertmanager/secrets/${secretName}/${key}`;
}

interface Selector {
  nodeSelector: Record<string, string>;
}

/** The kube-prometheus-stack values we set (chart keys: test/fixtures/helm-values/kube-prometheus-stack.yaml). */
export interface KubePrometheusStackValues extends ControlPlaneValues {
  fullnameOverride: string;
  crds: { enabled: boolean };
  prometheusOperator: Selector & { admissionWebhooks: { patch: Selector } };
  prometheus: {
    prometheusSpec: Selector & {
      retention: string;
      retentionSize: string;
      storageSpec: {
        volumeClaimTemplate: { spec: { accessModes: string[]; resources: { requests: { storage: string } } } };
      };
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete" | "Retain"; whenScaled: "Delete" | "Retain" };
      resources: { requests: { cpu: string; memory: string } };
      serviceMonitorSelectorNilUsesHelmValues: boolean;
      podMonitorSelectorNilUsesHelmValues: boolean;
      ruleSelectorNilUsesHelmValues: boolean;
      probeSelectorNilUsesHelmValues: boolean;
      scrapeConfigSelectorNilUsesHelmValues: boolean;
    };
  };
  alertmanager: {
    config: AlertmanagerRouting;
    alertmanagerSpec: Selector & { secrets: string[] };
  };
  grafana: Selector & {
    admin: { existingSecret: string; userKey: string; passwordKey: string };
    service: {
      type: "ClusterIP" | "LoadBalancer";
      annotations?: Record<string, string>;
      loadBalancerSourceRanges?: string[];
      externalTrafficPolicy?: "Local";
    };
    rbac: { namespaced: boolean };
    serviceAccount: { name: string };
    persistence: { enabled: boolean };
    sidecar: {
      dashboards: {
        enabled: boolean;
        label: string;
        labelValue: string;
        searchNamespace: string[];
        resource: "configmap";
        folderAnnotation: string;
        provider: { foldersFromFilesStructure: boolean };
      };
      datasources: { enabled: boolean; defaultDatasourceEnabled: boolean; uid: string };
    };
  };
  nodeExporter: { enabled: boolean };
  kubeStateMetrics: { enabled: boolean };
  "kube-state-metrics": Selector;
}

/** How Grafana is reached: `kubectl port-forward` (ClusterIP) or a load balancer limited to `allowedCidrs`. */
export type GrafanaExposure =
  { type: "ClusterIP" } | { type: "LoadBalancer"; scheme: "internal" | "internet-facing"; allowedCidrs: string[] };

/** kube-prometheus-stack's narrow args (ClusterAddonsArgs.kubePrometheusStack). */
export interface KubePrometheusStackSettings {
  /** Prometheus retention time, e.g. `15d`. Required. */
  retention: string;
  /** Prometheus volume size (GiB); a size-based retention keeps 15 % of it free. Required. */
  storageGiB: number;
  /** Grafana's Service. Required. */
  grafana: GrafanaExposure;
  /** Per control-plane component: scrape it and keep its default alerts (defaults: ./control-plane.ts). Required. */
  controlPlane: Record<ControlPlaneComponent, boolean>;
  /** Grafana admin password. Default: a generated 24-character RandomPassword. */
  grafanaAdminPassword?: pulumi.Input<string>;
  /** Alertmanager webhook URL (kept in a Secret, never a Helm value). Default: none (a `null` receiver). */
  alertmanagerWebhookUrl?: pulumi.Input<string>;
}

export interface KpsInputs {
  settings: KubePrometheusStackSettings;
  /** The monitoring namespace (Grafana reads dashboards there and in `servingNamespace`). */
  namespace: string;
  servingNamespace: string;
  /** Where the stack's pods run (node-exporter excepted: every node). */
  nodeSelector: Record<string, string>;
  /** Secret holding Grafana's admin user and password. */
  grafanaSecret: { name: string; userKey: string; passwordKey: string };
  /** Secret holding the Alertmanager webhook URL, when one is configured. */
  webhookSecret?: { name: string; key: string };
}

const GRAFANA_DATASOURCE_UID = "prometheus";

/**
 * ClusterIP by default. As a LoadBalancer: internal unless the scheme says otherwise, only the
 * configured source ranges (the cloud provider writes them into the load balancer's security
 * group), and externalTrafficPolicy Local so pods see client addresses and the NetworkPolicy can
 * admit exactly those ranges.
 */
function grafanaService(g: GrafanaExposure): KubePrometheusStackValues["grafana"]["service"] {
  if (g.type !== "LoadBalancer") return { type: "ClusterIP" };
  return {
    type: "LoadBalancer",
    ...(g.scheme === "internal" ? { annotations: { [INTERNAL_LB_ANNOTATION]: "true" } } : {}),
    loadBalancerSourceRanges: [...g.allowedCidrs],
    externalTrafficPolicy: "Local",
  };
}

export function kubePrometheusStackValues(inputs: KpsInputs): KubePrometheusStackValues {
  const { settings: m, grafanaSecret, webhookSecret } = inputs;
  const onSystem = { nodeSelector: inputs.nodeSelector };
  // Keep ~15 % of the volume free so the TSDB deletes old blocks instead of filling the disk.
  const retentionSize = `${Math.max(1, Math.floor(m.storageGiB * 0.85))}GB`;

  return {
    fullnameOverride: KPS_FULLNAME,
    crds: { enabled: true },
    prometheusOperator: { ...onSystem, admissionWebhooks: { patch: onSystem } },
    prometheus: {
      prometheusSpec: {
        ...onSystem,
        retention: m.retention,
        retentionSize,
        storageSpec: {
          volumeClaimTemplate: {
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${m.storageGiB}Gi` } } },
          },
        },
        // The PVC goes with the StatefulSet, so `pulumi destroy` does not strand an EBS volume.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
        resources: { requests: { cpu: "250m", memory: "1Gi" } },
        // false: select ServiceMonitors/PodMonitors/rules/probes/scrape configs in every
        // namespace whatever their labels, not only those labelled `release: <this release>`.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        scrapeConfigSelectorNilUsesHelmValues: false,
      },
    },
    alertmanager: {
      // The same routing as the Compose bundle (monitoring/alertmanager.ts); its inhibit rules are
      // the chart's defaults written out, so the effective config is what the chart ran before.
      config: alertmanagerRouting(
        webhookSecret ? { urlFile: alertmanagerSecretFile(webhookSecret.name, webhookSecret.key) } : undefined,
      ),
      alertmanagerSpec: { ...onSystem, secrets: webhookSecret ? [webhookSecret.name] : [] },
    },
    grafana: {
      ...onSystem,
      admin: {
        existingSecret: grafanaSecret.name,
        userKey: grafanaSecret.userKey,
        passwordKey: grafanaSecret.passwordKey,
      },
      service: grafanaService(m.grafana),
      // A Role in the monitoring namespace instead of a ClusterRole that reads every Secret in the
      // cluster (grafana-community/helm-charts charts/grafana templates/clusterrole.yaml is only
      // rendered when rbac.namespaced is false; chart 12.11.1, commit 3386a11).
      rbac: { namespaced: true },
      serviceAccount: { name: GRAFANA_SERVICE_ACCOUNT },
      // Dashboards come from ConfigMaps and the password from a Secret: nothing to persist.
      persistence: { enabled: false },
      sidecar: {
        dashboards: {
          enabled: true,
          label: GRAFANA_DASHBOARD_LABEL.key,
          labelValue: GRAFANA_DASHBOARD_LABEL.value,
          // Only the namespaces we use (the chart joins the list into the sidecar's NAMESPACE,
          // templates/_pod.tpl), ConfigMaps only: the sidecar never lists Secrets.
          searchNamespace: [inputs.namespace, inputs.servingNamespace],
          resource: "configmap",
          // Our ConfigMaps name their folder in this annotation; the provider turns it into a Grafana folder.
          folderAnnotation: GRAFANA_FOLDER_ANNOTATION,
          provider: { foldersFromFilesStructure: true },
        },
        datasources: { enabled: true, defaultDatasourceEnabled: true, uid: GRAFANA_DATASOURCE_UID },
      },
    },
    nodeExporter: { enabled: true },
    kubeStateMetrics: { enabled: true },
    "kube-state-metrics": onSystem,
    // Only the control-plane components this cluster lets Prometheus reach (docs/addons.md).
    ...controlPlaneValues(m.controlPlane),
  };
}
