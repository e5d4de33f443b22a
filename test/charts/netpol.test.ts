import { describe, expect, it } from "vitest";
import { MONITORING_PSA, monitoringFlows, namespacePolicies, psaLabels, servingFlows } from "../../charts/netpol";

const all = {
  kubePrometheusStack: true,
  prometheusAdapter: true,
  pushgateway: true,
  dcgmExporter: true,
  benchmark: true,
};
const dests = (flows: ReturnType<typeof monitoringFlows>) => [...new Set(flows.map((f) => f.to.pods.name))].sort();

describe("flow table", () => {
  it("opens nothing for an add-on that is off", () => {
    expect(dests(monitoringFlows({ namespace: "monitoring", servingNamespace: "vllm", addons: all }))).toEqual([
      "alertmanager",
      "dcgm-exporter",
      "grafana",
      "kube-state-metrics",
      "prometheus",
      "prometheus-adapter",
      "prometheus-operator",
      "pushgateway",
    ]);
    const noKps = monitoringFlows({
      namespace: "monitoring",
      servingNamespace: "vllm",
      addons: { ...all, kubePrometheusStack: false },
    });
    expect(dests(noKps)).toEqual(["prometheus-adapter", "pushgateway"]);
    // Without our Prometheus nobody scrapes: only the API server and the benchmark get in.
    expect(noKps.map((f) => (f.from.kind === "pods" ? f.from.pods.name : f.from.kind)).sort()).toEqual([
      "apiServer",
      "vllm-bench",
    ]);
    const noBench = monitoringFlows({
      namespace: "monitoring",
      servingNamespace: "vllm",
      addons: { ...all, benchmark: false },
    });
    expect(noBench.some((f) => f.from.kind === "pods" && f.from.pods.name === "vllm-bench")).toBe(false);
  });

  it("lets client namespaces reach vLLM's port only", () => {
    const flows = servingFlows({
      namespace: "vllm",
      monitoringNamespace: "monitoring",
      allowedClientNamespaces: ["apps", "vllm"],
    });
    expect(
      flows.map((f) => [
        f.from.kind === "pods"
          ? `${f.from.namespace}/${f.from.pods.name}`
          : f.from.kind === "namespace"
            ? f.from.namespace
            : f.from.kind,
        f.ports,
      ]),
    ).toEqual([
      ["monitoring/prometheus", [8000]],
      ["vllm/vllm-bench", [8000]],
      ["apps", [8000]],
    ]);
  });
});

describe("policies", () => {
  it("a default-deny first, then one allow per destination with one rule per flow", () => {
    const nps = namespacePolicies(
      "monitoring",
      monitoringFlows({
        namespace: "monitoring",
        servingNamespace: "vllm",
        addons: all,
        grafanaClientCidrs: ["10.1.0.0/16"],
      }),
    );
    expect(nps[0]).toMatchObject({
      metadata: { name: "default-deny-ingress", namespace: "monitoring" },
      spec: { podSelector: {}, policyTypes: ["Ingress"] },
    });
    expect(nps[0].spec!.ingress).toBeUndefined();
    const grafana = nps.find((n) => n.metadata?.name === "allow-to-grafana")!;
    expect(grafana.spec!.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "grafana" } });
    expect(grafana.spec!.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
            podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
          },
        ],
        ports: [{ port: 3000, protocol: "TCP" }],
      },
      { from: [{ ipBlock: { cidr: "10.1.0.0/16" } }], ports: [{ port: 3000, protocol: "TCP" }] },
    ]);
    // The API-server flows: any source, their port only.
    expect(nps.find((n) => n.metadata?.name === "allow-to-prometheus-adapter")!.spec!.ingress).toEqual([
      { ports: [{ port: 6443, protocol: "TCP" }] },
    ]);
  });
});

describe("Pod Security admission labels", () => {
  it("enforce one level and report against another", () => {
    expect(psaLabels("baseline", "restricted")).toMatchObject({
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
    });
    expect(MONITORING_PSA["pod-security.kubernetes.io/enforce"]).toBe("privileged");
  });
});
