import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ClusterAddons, type AddonDescriptor, type AddonSettings } from "../../../infra/addons";
import { kubePrometheusStack } from "../../../infra/addons/kube-prometheus-stack";
import { PROJECT } from "../../../infra/config";
import type { GraphNode } from "../../../policy/model";
import { GraphMocks } from "../../../scripts/graph/mocks";
import { recordRegistrations } from "../../../scripts/graph/record";
import { valuesProblems, type ChartFixture } from "./helm-fixtures";

// Adding an add-on takes one descriptor (docs/addons.md, "Adding an add-on"). This fake one,
// registered in a test-only registry beside the real kube-prometheus-stack, shows what that one
// descriptor buys: a Helm release switched by its toggle, values checked against a chart fixture,
// and its place in the destroy order (after the cluster and the operator, before the workloads).

const fakeExporter: AddonDescriptor = {
  key: "fakeExporter",
  release: "fake-exporter",
  chart: {
    chart: "fake-exporter",
    repo: "https://charts.example.test",
    version: "1.2.3",
    source: { repository: "example/fake", path: "Chart.yaml", commit: "0".repeat(40), tag: "v1.2.3", version: "1.2.3" },
  },
  namespace: (s) => s.monitoringNamespace,
  serviceMonitor: true,
  ready: true,
  values: (s, serviceMonitor) => ({
    nodeSelector: s.systemNodeSelector ?? {},
    serviceMonitor: { enabled: serviceMonitor },
  }),
};
/** Its fixture: the key paths of the chart's values.yaml (test/fixtures/helm-values/ for a real chart). */
const fixture: ChartFixture = {
  chart: "fake-exporter",
  pinned: "1.2.3",
  sources: [
    {
      prefix: "",
      file: "values.yaml",
      commit: "0".repeat(40),
      paths: ["nodeSelector", "serviceMonitor.enabled"],
      freeform: ["nodeSelector"],
    },
  ],
};
const registry = [kubePrometheusStack, fakeExporter];

// Literal args: no stack config needed.
const settings: AddonSettings = {
  enabled: { kubePrometheusStack: true, fakeExporter: true },
  monitoringNamespace: "monitoring",
  servingNamespace: "vllm",
  systemNodeSelector: { pool: "system" },
  kubePrometheusStack: {
    retention: "1d",
    storageGiB: 10,
    grafana: { type: "ClusterIP" },
    controlPlane: { kubeControllerManager: false, kubeScheduler: false, kubeEtcd: false, kubeProxy: false },
    grafanaAdminPassword: "fake-test-password",
  },
};

/** A resource of a made-up type (the mocks accept any). */
class StandIn extends pulumi.CustomResource {
  constructor(type: string, name: string) {
    super(type, name, {});
  }
}

/** The graph of a stand-in cluster, the add-ons and a stand-in workload waiting for `ready`, under Pulumi's mocks. */
async function graphOf(
  enabled: Record<string, boolean>,
  reg: readonly AddonDescriptor[] = registry,
): Promise<Map<string, GraphNode>> {
  await pulumi.runtime.setMocks(new GraphMocks("us-west-2"), PROJECT, "fake-addon", false);
  const recorder = recordRegistrations();
  const cluster = new StandIn("test:index:Cluster", "cluster");
  const provider = new k8s.Provider("k8s", {}, { dependsOn: [cluster] });
  const addons = new ClusterAddons("addons", { ...settings, enabled, provider, dependsOn: [cluster], registry: reg });
  new k8s.core.v1.ConfigMap("workload", { metadata: { namespace: "vllm" } }, { provider, dependsOn: addons.ready });
  await recorder.settle();
  return new Map((await recorder.nodes()).map((n) => [n.name, n]));
}

describe("a fake add-on: one descriptor in a registry", () => {
  it("appears in the graph as a Helm release of its pinned chart, in the monitoring namespace", async () => {
    const g = await graphOf({ kubePrometheusStack: true, fakeExporter: true });
    const r = g.get("fake-exporter")!;
    expect(r.type).toBe("kubernetes:helm.sh/v3:Release");
    expect(r.parent).toBe("addons");
    expect(r.inputs).toMatchObject({
      chart: "fake-exporter",
      version: "1.2.3",
      repositoryOpts: { repo: "https://charts.example.test" },
      namespace: "monitoring",
    });
    expect(r.inputs.values).toEqual({ nodeSelector: { pool: "system" }, serviceMonitor: { enabled: true } });
  });

  it("its toggle off (or absent) leaves it out; a toggle that names no add-on is an error", async () => {
    const toggles: Record<string, boolean>[] = [
      { kubePrometheusStack: true, fakeExporter: false },
      { kubePrometheusStack: true },
    ];
    for (const enabled of toggles) {
      const g = await graphOf(enabled);
      expect(g.has("kube-prometheus-stack")).toBe(true);
      expect(g.has("fake-exporter")).toBe(false);
      expect(g.get("workload")!.dependencies).not.toContain("fake-exporter");
    }
    await expect(graphOf({ fakeExporterr: true })).rejects.toThrow("vllm-k8s:addons.fakeExporterr: no such add-on");
  });

  it("destroy order: it depends on the cluster, its namespace and the operator; the workload on it", async () => {
    const g = await graphOf({ kubePrometheusStack: true, fakeExporter: true });
    expect(g.get("fake-exporter")!.dependencies).toEqual(
      expect.arrayContaining(["cluster", "monitoring", "monitoring-network-policies", "kube-prometheus-stack"]),
    );
    expect(g.get("workload")!.dependencies).toEqual(expect.arrayContaining(["fake-exporter", "kube-prometheus-stack"]));
  });

  it("without the operator: ServiceMonitor off, it waits for the cluster and its namespace only", async () => {
    const g = await graphOf({ fakeExporter: true });
    const r = g.get("fake-exporter")!;
    expect(r.inputs.values.serviceMonitor).toEqual({ enabled: false });
    expect([...r.dependencies].sort()).toEqual(["cluster", "monitoring", "monitoring-network-policies"]);
  });

  it("not ready-relevant: the workload does not wait for it", async () => {
    const g = await graphOf({ fakeExporter: true }, [kubePrometheusStack, { ...fakeExporter, ready: false }]);
    expect(g.has("fake-exporter")).toBe(true);
    expect(g.get("workload")!.dependencies).not.toContain("fake-exporter");
  });

  it("its values pass the values-key check against its fixture, and an unknown key is rejected", () => {
    expect(valuesProblems(fakeExporter, fakeExporter.values(settings, true), fixture)).toEqual([]);
    const typo = { ...fakeExporter, values: () => ({ serviceMonitor: { enabeld: true } }) };
    expect(valuesProblems(typo, typo.values(), fixture)).toEqual(["unknown key serviceMonitor.enabeld"]);
  });
});
