import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ADAPTER_PODS,
  ALERTMANAGER_PODS,
  DCGM_PODS,
  GRAFANA_PODS,
  KSM_PODS,
  OPERATOR_PODS,
  PROMETHEUS_PODS,
  PUSHGATEWAY_PODS,
} from "../../charts/netpol";
import { exampleGraph } from "../graphs/read";
import type { GraphNode } from "../../policy/model";
import { kubeObjects, workloads } from "../../policy/graph";
import { reachability, reachRows, type CataloguePod } from "../../policy/netpol";
import { clone } from "./helpers";

// The flow test: from the NetworkPolicies in the default eks graph, compute which pod may reach
// which port, and check it equals docs/security.md's flow table, nothing more and nothing less.

const DOC = new URL("../../docs/security.md", import.meta.url);
const BEGIN = "<!-- flows:begin -->";
const END = "<!-- flows:end -->";

/** The table rows between the markers, as `from | to | ports`. */
function docRows(): string[] {
  const text = fs.readFileSync(DOC, "utf8");
  const body = text.slice(text.indexOf(BEGIN) + BEGIN.length, text.indexOf(END));
  return body
    .split("\n")
    .filter((l) => l.startsWith("|") && !/^\|\s*-/.test(l) && !/^\|\s*from\s*\|/.test(l))
    .map((l) =>
      l
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim().replace(/`/g, ""))
        .slice(0, 3)
        .join(" | "),
    )
    .sort();
}

/** Our pods as the graph declares them, the add-ons' by their charts' labels, and a stranger. */
function catalogue(graph: readonly GraphNode[]): CataloguePod[] {
  const ours = workloads(graph).map((w) => ({
    namespace: w.object.namespace,
    name: w.object.name,
    labels: w.podLabels,
    ports: w.containers.flatMap((c) => (c.ports ?? []).map((p: any) => p.containerPort)),
  }));
  const addons = [
    PROMETHEUS_PODS,
    ALERTMANAGER_PODS,
    GRAFANA_PODS,
    KSM_PODS,
    OPERATOR_PODS,
    ADAPTER_PODS,
    PUSHGATEWAY_PODS,
    DCGM_PODS,
  ].map((p) => ({
    namespace: "monitoring",
    name: p.name,
    labels: { ...p.labels, "app.kubernetes.io/instance": "release" },
    ports: p.ports,
  }));
  const stranger = {
    namespace: "default",
    name: "stranger",
    labels: { "app.kubernetes.io/name": "prometheus" },
    ports: [8080],
  };
  return [...ours, ...addons, stranger];
}

let graph: GraphNode[];
beforeAll(async () => {
  graph = (await exampleGraph("eks")).nodes;
});

/** Flows into our namespaces (the stranger is only ever a source). */
const rows = (g: readonly GraphNode[]) =>
  reachRows(reachability(kubeObjects(g), catalogue(g)).filter((r) => !r.to.startsWith("default/")));

describe("NetworkPolicy flows (eks stack)", () => {
  it("equal the flow table in docs/security.md, nothing more and nothing less", () => {
    expect(rows(graph)).toEqual(docRows());
  });

  it("every namespace we create has a default-deny ingress policy", () => {
    const namespaces = kubeObjects(graph)
      .filter((o) => o.kind === "Namespace")
      .map((o) => o.name);
    expect(namespaces.sort()).toEqual(["monitoring", "vllm"]);
    for (const ns of namespaces) {
      const deny = kubeObjects(graph).filter(
        (o) => o.kind === "NetworkPolicy" && o.namespace === ns && o.name === "default-deny-ingress",
      );
      expect(deny, ns).toHaveLength(1);
      expect(deny[0].body.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
    }
  });

  it("would show a pod the default-deny no longer covers (the test can fail)", () => {
    const g = clone(graph);
    const group = g.find((n) => n.type === "kubernetes:yaml/v2:ConfigGroup" && n.name === "workloads")!;
    group.inputs.objs = group.inputs.objs.filter(
      (o: any) => !(o.kind === "NetworkPolicy" && o.metadata.name === "default-deny-ingress"),
    );
    expect(rows(g)).toContain("any source | vllm/vllm-bench | any");
  });

  it("would show a stranger reaching Prometheus through a too-wide selector", () => {
    const g = clone(graph);
    const group = g.find((n) => n.name === "monitoring-network-policies")!;
    const np = group.inputs.objs.find((o: any) => o.metadata.name === "allow-to-prometheus");
    delete np.spec.ingress[0].from[0].namespaceSelector;
    np.spec.ingress[0].from[0].namespaceSelector = {};
    expect(rows(g)).toContain("default/stranger | monitoring/prometheus | 8080, 9090");
  });
});

describe("docs/security.md", () => {
  it("names every policy rule", async () => {
    const { rules } = await import("../../policy/rules");
    const doc = fs.readFileSync(DOC, "utf8");
    expect(rules.length).toBeGreaterThanOrEqual(35);
    expect(rules.map((r) => r.id).filter((id) => !doc.includes(`\`${id}\``))).toEqual([]);
  });
});
