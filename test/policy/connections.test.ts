import { beforeAll, describe, expect, it } from "vitest";
import { namespacePolicies } from "../../charts/netpol";
import type { AddonDescriptor, AddonSettings } from "../../infra/addons";
import { addonFlows } from "../../infra/addons/connections";
import { pushgateway } from "../../infra/addons/pushgateway";
import { ADDONS } from "../../infra/addons/registry";
import { scrapedBy } from "../../infra/addons/scrape";
import { parseStackConfig } from "../../infra/config-load";
import { addonSettings, policyAllowances } from "../../infra/mapper";
import { contextFor } from "../../policy/context";
import { evaluate } from "../../policy/rules";
import type { GraphNode } from "../../policy/model";
import { buildGraph, readStackFile, type StackInput } from "../../scripts/graph/build";
import { checkConnections } from "./connections";

// Every Service URL a pod is given, every ServiceMonitor target, every URL in an add-on's Helm values
// and every APIService/webhook call is a connection; the NetworkPolicies in the graph must admit each
// one and nothing else. The eks stack with the plan Job on: its pods get a vLLM and a Pushgateway URL,
// and the benchmark's get PROMETHEUS_URL.

const eks = readStackFile("Pulumi.eks.yaml");
const withPlan: StackInput = {
  ...eks,
  config: { ...eks.config, benchmark: { plan: { enabled: true } }, serving: { allowedClientNamespaces: ["apps"] } },
};

let graph: GraphNode[];
let settings: AddonSettings;
beforeAll(async () => {
  graph = (await buildGraph(withPlan)).nodes;
  settings = addonSettings(parseStackConfig(withPlan.config, Object.keys(withPlan.secrets ?? {}) as any));
});

describe("connections derived from the objects (eks, plan on)", () => {
  it("every URL a pod is given is admitted by the NetworkPolicies", () => {
    const c = checkConnections(graph, settings, ["apps"]);
    expect(c.unresolved).toEqual([]);
    expect(c.blocked.map((x) => `${x.from} -> ${x.to}:${x.port} (${x.why})`)).toEqual([]);
    const pairs = c.expected.map((x) => `${x.from} -> ${x.to}:${x.port}`);
    expect(pairs).toEqual(
      expect.arrayContaining([
        "vllm/vllm-bench-plan -> vllm/vllm:8000",
        "vllm/vllm-bench-plan -> monitoring/pushgateway:9091",
        "vllm/vllm-bench -> monitoring/prometheus:9090",
        "vllm/vllm-bench -> monitoring/pushgateway:9091",
        "monitoring/prometheus -> kube-system/cluster-autoscaler:8085",
        // KEDA: its trigger query (read from the ScaledObject), the API server's calls, its scrapes.
        "monitoring/keda-operator -> monitoring/prometheus:9090",
        "any source -> monitoring/keda-metrics-apiserver:6443",
        "any source -> monitoring/keda-admission-webhooks:9443",
        "monitoring/keda-metrics-apiserver -> monitoring/keda-operator:9666",
        "monitoring/prometheus -> monitoring/keda-operator:8080",
      ]),
    );
    const trigger = c.expected.find((x) => x.why.startsWith("ScaledObject vllm"));
    expect(trigger && `${trigger.from} -> ${trigger.to}:${trigger.port}`).toBe(
      "monitoring/keda-operator -> monitoring/prometheus:9090",
    );
  });

  it("fails when KEDA's declared trigger flow is missing (the ScaledObject still asks for it)", () => {
    const g = structuredClone(graph);
    const group = g.find(
      (n) => n.type === "kubernetes:yaml/v2:ConfigGroup" && n.name === "monitoring-network-policies",
    )!;
    const toPrometheus = group.inputs.objs.find((o: any) => o.metadata.name === "allow-to-prometheus");
    toPrometheus.spec.ingress = toPrometheus.spec.ingress.filter(
      (r: any) => !JSON.stringify(r.from ?? []).includes("keda-operator"),
    );
    const c = checkConnections(g, settings, ["apps"]);
    expect(c.blocked.map((x) => `${x.from} -> ${x.to}:${x.port}`)).toEqual(
      expect.arrayContaining(["monitoring/keda-operator -> monitoring/prometheus:9090"]),
    );
  });

  it("and nothing else is admitted", () => {
    const c = checkConnections(graph, settings, ["apps"]);
    expect(c.extra).toEqual([]);
  });

  it("fails when a pod is given a URL whose flow is not admitted (a new env var on the plan Job)", () => {
    const g = structuredClone(graph);
    const group = g.find((n) => n.type === "kubernetes:yaml/v2:ConfigGroup" && n.name === "workloads")!;
    const plan = group.inputs.objs.find((o: any) => o.kind === "Job" && o.metadata.name === "vllm-bench-plan");
    plan.spec.template.spec.containers[0].env.push({
      name: "EXTRA",
      value: "http://kps-alertmanager.monitoring.svc:9093",
    });
    const c = checkConnections(g, settings, ["apps"]);
    expect(c.blocked.map((x) => `${x.from} -> ${x.to}:${x.port}`)).toEqual([
      "vllm/vllm-bench-plan -> monitoring/alertmanager:9093",
    ]);
  });
});

describe("an add-on's flows come from its descriptor", () => {
  it("every add-on of the registry declares its pods, so each gets NetworkPolicies", () => {
    expect(ADDONS.filter((d) => !d.pods?.length).map((d) => d.key)).toEqual([]);
  });

  it("a new add-on's pods and connections become flows and an allow policy by construction", () => {
    const pods = { name: "fake-exporter", labels: { "app.kubernetes.io/name": "fake-exporter" }, ports: [7000] };
    const fake: AddonDescriptor = {
      ...pushgateway,
      key: "fakeExporter",
      release: "fake-exporter",
      pods: [pods],
      routes: undefined,
      connections: (s, installed) =>
        scrapedBy(s, installed, { namespace: s.monitoringNamespace, pods }, "Prometheus scrapes the fake exporter"),
    };
    const s = { ...settings, enabled: { ...settings.enabled, fakeExporter: true } };
    const flows = addonFlows(s, [...ADDONS, fake]);
    expect(flows.filter((f) => f.to.pods.name === "fake-exporter").map((f) => f.ports)).toEqual([[7000]]);
    const policy = namespacePolicies("monitoring", flows).find((p) => p.metadata?.name === "allow-to-fake-exporter");
    expect(policy?.spec?.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "fake-exporter" } });
  });
});

describe("back to zero (eks, minReplicas 0 with active hours and idle-to-zero)", () => {
  const zero: StackInput = {
    ...eks,
    config: {
      ...eks.config,
      autoscaling: {
        minReplicas: 0,
        idleToZero: true,
        activeHours: { timezone: "Europe/Paris", start: "0 8 * * 1-5", end: "0 19 * * 1-5" },
      },
    },
  };
  it("builds, passes every policy rule, and admits exactly its connections", async () => {
    const { nodes } = await buildGraph(zero);
    const cfg = parseStackConfig(zero.config, Object.keys(zero.secrets ?? {}) as any);
    expect(evaluate(nodes, contextFor(policyAllowances(cfg)))).toEqual([]);
    const group = nodes.find((n) => n.type === "kubernetes:yaml/v2:ConfigGroup" && n.name === "workloads")!;
    const so = group.inputs.objs.find((o: any) => o.kind === "ScaledObject");
    expect([so.spec.minReplicaCount, so.spec.triggers.map((t: any) => t.type)]).toEqual([0, ["prometheus", "cron"]]);
    // The HPA KEDA creates carries our behaviour; no prometheus-adapter anywhere in the graph.
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior).toMatchObject({
      scaleUp: { stabilizationWindowSeconds: 60 },
      scaleDown: { stabilizationWindowSeconds: 900 },
    });
    expect(JSON.stringify(nodes.map((n) => [n.name, n.inputs]))).not.toContain("prometheus-adapter");
    const c = checkConnections(nodes, addonSettings(cfg));
    expect([c.unresolved, c.blocked, c.extra]).toEqual([[], [], []]);
  });
});
