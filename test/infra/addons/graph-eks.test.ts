import { beforeAll, describe, expect, it } from "vitest";
import { GPU_NODE_LABEL, GPU_TAINT, SYSTEM_NODE_LABEL } from "../../../charts/node-pools";
import { CHARTS } from "../../../infra/addons/versions";
import type { Graph } from "../../../scripts/graph/build";
import { ADDON_SECRETS } from "../../graphs/examples";
import { exampleGraph } from "../../graphs/read";
import { SECRET, type GraphNode } from "../../../policy/model";

// The real program under Pulumi's mocks: the example eks stack with both add-on secrets set.
const INSTALLED = Object.values(CHARTS);
const { grafanaAdminPassword: PASSWORD, alertmanagerWebhookUrl: WEBHOOK } = ADDON_SECRETS;
let graph: Graph;
const releases = () => graph.nodes.filter((n) => n.type === "kubernetes:helm.sh/v3:Release");
const release = (name: string): GraphNode => {
  const found = releases().filter((n) => n.name === name);
  expect(found, name).toHaveLength(1);
  return found[0];
};

beforeAll(async () => {
  graph = await exampleGraph("eks-addon-secrets");
});

describe("add-ons on EKS", () => {
  it("installs every add-on as a Helm release of the pinned chart version", () => {
    const byChart = Object.fromEntries(releases().map((r) => [r.inputs.chart, r]));
    for (const c of INSTALLED) {
      const r = byChart[c.chart];
      expect(r, c.chart).toBeDefined();
      expect(r!.inputs.version).toBe(c.version);
      expect(r!.inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(r!.inputs.repositoryOpts).toEqual({ repo: c.repo });
      expect(r!.inputs.atomic).toBe(true);
      expect(r!.inputs.skipAwait).toBe(false);
      expect(r!.parent).toBe("addons");
    }
    expect(releases()).toHaveLength(INSTALLED.length);
  });

  it("every in-cluster object depends on the cluster and its node groups, so destroy removes it first", () => {
    // Cluster-level objects created by GpuCluster itself (the default StorageClass) are excluded.
    const inCluster = graph.nodes.filter(
      (n) =>
        n.type.startsWith("kubernetes:") &&
        n.custom &&
        n.type !== "pulumi:providers:kubernetes" &&
        n.parentType !== "vllm-k8s:cluster:GpuCluster",
    );
    expect(inCluster.length).toBeGreaterThanOrEqual(INSTALLED.length + 3);
    // Pulumi orders destroy along dependencies transitively (workload Secrets -> namespace -> add-ons -> cluster).
    const byName = new Map(graph.nodes.map((n) => [n.name, n]));
    const reach = (n: GraphNode, seen = new Set<string>()): Set<string> => {
      for (const d of n.dependencies)
        if (!seen.has(d)) {
          seen.add(d);
          const dn = byName.get(d);
          if (dn) reach(dn, seen);
        }
      return seen;
    };
    for (const n of inCluster)
      expect([...reach(n)], `${n.type} ${n.name}`).toEqual(expect.arrayContaining(["vllm", "vllm-system", "vllm-gpu"]));
  });

  it("installs ServiceMonitor users and the adapter after kube-prometheus-stack (its CRDs and Prometheus)", () => {
    for (const name of ["dcgm-exporter", "pushgateway", "cluster-autoscaler"])
      expect(release(name).dependencies, name).toContain("kube-prometheus-stack");
  });

  it("runs the device plugin and dcgm-exporter only on GPU nodes, tolerating the GPU taint", () => {
    for (const name of ["nvidia-device-plugin", "dcgm-exporter"]) {
      const v = release(name).inputs.values;
      expect(v.nodeSelector, name).toEqual({ [GPU_NODE_LABEL.key]: GPU_NODE_LABEL.value });
      expect(v.tolerations, name).toContainEqual({ key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect });
    }
    const dp = release("nvidia-device-plugin").inputs.values;
    expect(JSON.stringify(dp.affinity)).not.toMatch(/feature\.node\.kubernetes\.io|nvidia\.com\/gpu\.present/);
  });

  it("dcgm-exporter keeps pod labels (honorLabels) and reads our counters ConfigMap", () => {
    const v = release("dcgm-exporter").inputs.values;
    expect(v.serviceMonitor).toMatchObject({ enabled: true, honorLabels: true });
    const cm = graph.nodes.find(
      (n) => n.type === "kubernetes:core/v1:ConfigMap" && n.name === "dcgm-exporter-counters",
    );
    expect(cm?.inputs.data["counters.csv"]).toContain("DCGM_FI_DEV_GPU_UTIL");
    expect(v.extraConfigMapVolumes[0].configMap.name).toBe(cm?.inputs.metadata.name);
    expect(release("dcgm-exporter").dependencies).toContain("dcgm-exporter-counters");
  });

  it("Prometheus picks up monitors and rules from every namespace, keeps config'd retention on system nodes", () => {
    const spec = release("kube-prometheus-stack").inputs.values.prometheus.prometheusSpec;
    for (const kind of ["serviceMonitor", "podMonitor", "rule", "probe", "scrapeConfig"])
      expect(spec[`${kind}SelectorNilUsesHelmValues`], kind).toBe(false);
    for (const k of Object.keys(spec)) expect(k, "no namespace restriction").not.toMatch(/NamespaceSelector$/);
    expect(spec.retention).toBe("15d");
    expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe("50Gi");
    expect(spec.nodeSelector).toEqual({ [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value });
    expect(spec.persistentVolumeClaimRetentionPolicy.whenDeleted).toBe("Delete");
  });

  it("the Grafana password is a secret input only, never a plain value anywhere in the graph", () => {
    const secret = graph.nodes.find((n) => n.type === "kubernetes:core/v1:Secret" && n.name === "grafana-admin")!;
    expect(secret.secretInputs).toContain("stringData");
    expect(secret.inputs.stringData).toBe(SECRET);
    const grafana = release("kube-prometheus-stack").inputs.values.grafana;
    expect(grafana.admin.existingSecret).toBe(secret.inputs.metadata.name);
    // The sidecar reads ConfigMaps of our two namespaces only, under a namespaced Role (no ClusterRole).
    expect(grafana.sidecar.dashboards).toMatchObject({
      label: "grafana_dashboard",
      labelValue: "1",
      searchNamespace: ["monitoring", "vllm"],
      resource: "configmap",
    });
    expect(grafana.rbac).toEqual({ namespaced: true });
    const reader = graph.nodes.find(
      (n) => n.type === "kubernetes:rbac.authorization.k8s.io/v1:Role" && n.name === "grafana-dashboard-reader",
    )!;
    expect(reader.inputs.metadata.namespace).toBe("vllm");
    expect(reader.inputs.rules).toEqual([
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] },
    ]);
    const binding = graph.nodes.find((n) => n.type === "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")!;
    expect(binding.inputs.subjects).toEqual([
      { kind: "ServiceAccount", name: grafana.serviceAccount.name, namespace: "monitoring" },
    ]);
    expect(grafana.service.type).toBe("ClusterIP");
    for (const n of graph.nodes) expect(JSON.stringify(n.inputs), `${n.type} ${n.name}`).not.toContain(PASSWORD);
    expect(graph.outputs.grafanaAdminPassword).toBe(PASSWORD);
    expect(graph.nodes.some((n) => n.type.startsWith("random:"))).toBe(false);
  });

  it("the Alertmanager webhook URL reaches Alertmanager through a mounted Secret, not a Helm value", () => {
    const secret = graph.nodes.find(
      (n) => n.type === "kubernetes:core/v1:Secret" && n.name === "alertmanager-webhook",
    )!;
    expect(secret.secretInputs).toContain("stringData");
    const am = release("kube-prometheus-stack").inputs.values.alertmanager;
    expect(am.alertmanagerSpec.secrets).toEqual([secret.inputs.metadata.name]);
    const webhook = am.config.receivers.find((r: { name: string }) => r.name === am.config.route.receiver);
    expect(webhook.webhook_configs[0].url_file).toBe(`/etc/alertmanager/secrets/${secret.inputs.metadata.name}/url`);
    for (const n of graph.nodes) expect(JSON.stringify(n.inputs), `${n.type} ${n.name}`).not.toContain(WEBHOOK);
  });

  it("KEDA replaces prometheus-adapter, on the system nodes, its metrics scraped", () => {
    expect(graph.nodes.some((n) => JSON.stringify(n.inputs ?? {}).includes("prometheus-adapter"))).toBe(false);
    const v = release("keda").inputs.values;
    expect(v.prometheus.operator).toEqual({ enabled: true, serviceMonitor: { enabled: true } });
    expect(v.nodeSelector).not.toEqual({});
  });

  it("cluster-autoscaler uses the IRSA role ARN output, the cluster name and region, on system nodes", () => {
    const r = release("cluster-autoscaler");
    const v = r.inputs.values;
    const role = graph.nodes.find((n) => n.type === "aws:iam/role:Role" && n.name === "vllm-cluster-autoscaler")!;
    expect(v.rbac.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toBe(graph.outputs.autoscalerRoleArn);
    expect(v.rbac.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(r.dependencies).toContain(role.name);
    expect(v.rbac.serviceAccount.name).toBe("cluster-autoscaler");
    expect(r.inputs.namespace).toBe("kube-system");
    expect(v.autoDiscovery.clusterName).toBe("vllm");
    expect(v.awsRegion).toBe("us-west-2");
    expect(v.image.tag).toMatch(/^v1\.35\./);
    expect(v.extraArgs).toMatchObject({
      expander: "least-waste",
      "skip-nodes-with-local-storage": false,
      "balance-similar-node-groups": true,
    });
    expect(v.nodeSelector).toEqual({ [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value });
  });

  it("Pushgateway is scraped with honorLabels on system nodes", () => {
    const v = release("pushgateway").inputs.values;
    expect(v.serviceMonitor).toMatchObject({ enabled: true, honorLabels: true, namespace: "monitoring" });
    expect(v.nodeSelector).toEqual({ [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value });
  });

  it("creates no LoadBalancer Service anywhere by default", () => {
    for (const n of graph.nodes) expect(JSON.stringify(n.inputs), `${n.type} ${n.name}`).not.toContain("LoadBalancer");
  });
});
