import { beforeAll, describe, expect, it } from "vitest";
import { ADDONS } from "../../../infra/addons/registry";
import type { Graph } from "../../../scripts/graph/build";
import { exampleGraph } from "../../graphs/read";

// An existing cluster: the same in-cluster add-ons minus cluster-autoscaler and anything AWS,
// with the Grafana password generated (no secret set).
let graph: Graph;
const releaseCharts = () =>
  graph.nodes
    .filter((n) => n.type === "kubernetes:helm.sh/v3:Release")
    .map((n) => n.inputs.chart)
    .sort();

beforeAll(async () => {
  graph = await exampleGraph("existing-kind");
});

describe("add-ons on an existing cluster", () => {
  it("installs the in-cluster add-ons but no cluster-autoscaler and no aws:/eks: resource", () => {
    const inCluster = ADDONS.filter((d) => d.key !== "clusterAutoscaler").map((d) => d.chart.chart);
    expect(releaseCharts()).toEqual([...inCluster].sort());
    expect(releaseCharts()).not.toContain("cluster-autoscaler");
    expect(graph.nodes.filter((n) => /^(aws|eks):/.test(n.type) || n.type === "pulumi:providers:aws")).toEqual([]);
  });

  it("deploys through the configured kubeconfig context's provider", () => {
    const provider = graph.nodes.find((n) => n.type === "pulumi:providers:kubernetes")!;
    expect(provider.inputs.context).toBe("kind-vllm");
    const urnOf = provider.urn;
    for (const n of graph.nodes.filter((x) => x.type === "kubernetes:helm.sh/v3:Release"))
      expect(n.parent).toBe("addons");
    expect(urnOf).toMatch(/existing-cluster$/);
  });

  it("generates the Grafana password with RandomPassword and keeps it secret", () => {
    const pw = graph.nodes.find((n) => n.type === "random:index/randomPassword:RandomPassword")!;
    expect(pw.inputs.length).toBeGreaterThanOrEqual(20);
    const value = graph.outputs.grafanaAdminPassword as string;
    expect(value).toMatch(/^mock-/);
    const secret = graph.nodes.find((n) => n.type === "kubernetes:core/v1:Secret" && n.name === "grafana-admin")!;
    expect(secret.secretInputs).toContain("stringData");
    expect(secret.dependencies).toContain(pw.name);
    for (const n of graph.nodes) expect(JSON.stringify(n.inputs), `${n.type} ${n.name}`).not.toContain(value);
  });

  it("uses a null Alertmanager receiver when no webhook secret is set", () => {
    const am = graph.nodes.find((n) => n.name === "kube-prometheus-stack")!.inputs.values.alertmanager;
    expect(am.config.route.receiver).toBe("null");
    expect(am.config.receivers).toEqual([{ name: "null" }]);
    expect(am.alertmanagerSpec.secrets).toEqual([]);
    expect(graph.nodes.some((n) => n.name === "alertmanager-webhook")).toBe(false);
  });

  it("does not pin CPU add-ons to a node label the cluster does not have", () => {
    const kps = graph.nodes.find((n) => n.name === "kube-prometheus-stack")!.inputs.values;
    expect(kps.prometheus.prometheusSpec.nodeSelector).toEqual({});
    expect(kps.grafana.nodeSelector).toEqual({});
    const ns = graph.nodes.find((n) => n.type === "kubernetes:core/v1:Namespace")!;
    expect(ns.inputs.metadata.name).toBe("monitoring");
  });
});
