import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ClusterAddons, type AddonDescriptor, type AddonSettings } from "../../../infra/addons";
import { addonFlows } from "../../../infra/addons/connections";
import { kubePrometheusStack } from "../../../infra/addons/kube-prometheus-stack";
import { ADDONS } from "../../../infra/addons/registry";
import { scrapedBy } from "../../../infra/addons/scrape";
import { addonsSchemaFor, PROJECT } from "../../../infra/config";
import { podsNamed, type PodGroup } from "../../../charts/netpol";
import { addonTable, chartPinsTable, flowTable } from "../../../scripts/docs/tables";
import type { GraphNode } from "../../../policy/model";
import { GraphMocks } from "../../../scripts/graph/mocks";
import { recordRegistrations } from "../../../scripts/graph/record";
import { valuesProblems, type ChartFixture } from "./helm-fixtures";
import { registryProblems } from "./registry-checks";

// Adding an add-on takes one module (its descriptor), its pin and its values fixture
// (docs/addons.md, "Adding an add-on"). This fake one, registered in a test-only registry beside the
// real kube-prometheus-stack, has all three here and shows what they buy without touching any other
// file: its config toggle, a Helm release, values checked against the fixture, NetworkPolicies
// admitting exactly Prometheus' scrape, its rows in the docs' tables, and its place in the destroy
// order (after the cluster and the operator, before the workloads).

/** Its pods as the (made-up) chart renders them: metrics on 9999. */
const FAKE_PODS: PodGroup = { name: "fake-exporter", labels: podsNamed("fake-exporter"), ports: [9999] };

const fakeExporter: AddonDescriptor = {
  key: "fakeExporter",
  toggle: { description: "A made-up exporter.", default: true },
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
  pods: [FAKE_PODS],
  // Its one flow: Prometheus scrapes it.
  connections: (s, installed) =>
    scrapedBy(s, installed, { namespace: s.monitoringNamespace, pods: FAKE_PODS }, "Prometheus scrapes fake-exporter"),
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

describe("a fake add-on: one module, its pin and its fixture", () => {
  it("its config toggle comes from its descriptor (description and default)", () => {
    const schema = addonsSchemaFor(registry);
    expect(schema.parse({})).toMatchObject({ kubePrometheusStack: true, fakeExporter: true });
    expect(schema.parse({ fakeExporter: false })).toMatchObject({ fakeExporter: false });
    expect(schema.safeParse({ fakeExporter: "yes" }).success).toBe(false);
    const shape: Record<string, { description?: string }> = schema.unwrap().shape;
    expect(shape.fakeExporter.description).toBe("A made-up exporter.");
  });

  it("passes the registry checks; without its flow, Prometheus cannot scrape it and the checks fail", () => {
    expect(registryProblems(registry, settings)).toEqual([]);
    const unreachable = { ...fakeExporter, connections: undefined };
    const want = [expect.stringMatching(/^fakeExporter brings a ServiceMonitor but no connection from Prometheus/)];
    expect(registryProblems([kubePrometheusStack, unreachable], settings)).toEqual(want);
    // The same check the real registry passes (registry.test.ts) fails with it added.
    expect(registryProblems([...ADDONS, unreachable], settings)).toEqual(want);
  });

  it("its NetworkPolicy admits exactly Prometheus' scrape on its metrics port", async () => {
    const g = await graphOf({ kubePrometheusStack: true, fakeExporter: true });
    const objs = g.get("monitoring-network-policies")!.inputs.objs as any[];
    const allow = objs.find((o) => o.metadata.name === "allow-to-fake-exporter");
    expect(allow.spec.podSelector.matchLabels).toEqual(FAKE_PODS.labels);
    expect(allow.spec.ingress).toHaveLength(1);
    expect(allow.spec.ingress[0].ports).toEqual([{ port: 9999, protocol: "TCP" }]);
    expect(JSON.stringify(allow.spec.ingress[0].from)).toContain('"app.kubernetes.io/name":"prometheus"');
  });

  it("the docs' tables list it: toggle, pin and flow", () => {
    expect(addonTable(registry, settings)).toContain(
      "| `addons.fakeExporter` | on | A made-up exporter. | `monitoring` | system nodes |",
    );
    expect(chartPinsTable(registry)).toContain("| `addons.fakeExporter` | `fake-exporter` | `fake-exporter` | 1.2.3 |");
    expect(flowTable(addonFlows(settings, registry))).toContain(
      "| monitoring/prometheus | monitoring/fake-exporter | 9999 | Prometheus scrapes fake-exporter |",
    );
  });

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
