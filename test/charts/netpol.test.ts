import { describe, expect, it } from "vitest";
import { MONITORING_PSA, namespacePolicies, psaLabels, servingFlows, type Flow } from "../../charts/netpol";
import { addonFlows, addonPods } from "../../infra/addons/connections";
import { parseStackConfig } from "../../infra/config-load";
import { addonSettings } from "../../infra/mapper";
import { EKS, objectsFor } from "./fixtures";

/** The add-ons' flows for a stack config: the registry's connections plus our workloads'. */
const monitoring = (raw: Record<string, any> = EKS) =>
  addonFlows(addonSettings(parseStackConfig(raw, ["grafanaAdminPassword"]))).filter(
    (f) => f.to.namespace === "monitoring",
  );
const dests = (flows: Flow[]) => [...new Set(flows.map((f) => f.to.pods.name))].sort();
const sources = (flows: Flow[]) =>
  [...new Set(flows.map((f) => (f.from.kind === "pods" ? f.from.pods.name : f.from.kind)))].sort();

describe("flow table", () => {
  it("opens nothing for an add-on that is off", () => {
    // On: every pod group an installed add-on runs in the monitoring namespace is reached by some flow.
    const settings = addonSettings(parseStackConfig(EKS, ["grafanaAdminPassword"]));
    const podsIn = addonPods(settings).filter((p) => p.namespace === "monitoring");
    expect(dests(monitoring())).toEqual([...new Set(podsIn.map((p) => p.pods.name))].sort());
    const noKps = monitoring({ ...EKS, addons: { kubePrometheusStack: false }, autoscaling: { enabled: false } });
    expect(dests(noKps)).toEqual(["keda-admission-webhooks", "keda-metrics-apiserver", "keda-operator", "pushgateway"]);
    // Without our Prometheus nobody scrapes: only the API server, KEDA's metrics server and the benchmark get in.
    expect(sources(noKps)).toEqual(["apiServer", "keda-metrics-apiserver", "vllm-bench"]);
    const noKeda = monitoring({ ...EKS, addons: { keda: false }, autoscaling: { enabled: false } });
    expect(dests(noKeda).filter((d) => d.startsWith("keda"))).toEqual([]);
    const noBench = monitoring({ ...EKS, benchmark: { enabled: false } });
    expect(sources(noBench)).not.toContain("vllm-bench");
  });

  it("admits the benchmark to Prometheus (PROMETHEUS_URL) and the plan to the Pushgateway", () => {
    const flows = monitoring({ ...EKS, benchmark: { plan: { enabled: true } } });
    const into = (to: string) =>
      flows.filter((f) => f.to.pods.name === to && f.from.kind === "pods").map((f) => (f.from as any).pods.name);
    expect(into("prometheus")).toContain("vllm-bench");
    expect(into("pushgateway")).toEqual(expect.arrayContaining(["vllm-bench", "vllm-bench-plan"]));
  });

  it("lets client namespaces reach vLLM's port only, and the benchmark and plan reach vLLM", () => {
    const objects = objectsFor({ ...EKS, benchmark: { plan: { enabled: true } } });
    const flows = servingFlows({
      namespace: "vllm",
      monitoringNamespace: "monitoring",
      allowedClientNamespaces: ["apps", "vllm"],
      objects,
    });
    expect(
      flows.map((f) => [
        f.from.kind === "pods"
          ? `${f.from.namespace}/${f.from.pods.name}`
          : f.from.kind === "namespace"
            ? f.from.namespace
            : f.from.kind,
        f.to.pods.name,
        f.ports,
      ]),
    ).toEqual([
      ["monitoring/prometheus", "vllm", [8000]],
      ["vllm/vllm-bench", "vllm", [8000]],
      ["vllm/vllm-bench-plan", "vllm", [8000]],
      ["apps", "vllm", [8000]],
    ]);
  });
});

describe("policies", () => {
  it("a default-deny first, then one allow per destination with one rule per flow", () => {
    const nps = namespacePolicies(
      "monitoring",
      monitoring({
        ...EKS,
        monitoring: { grafanaServiceType: "LoadBalancer", grafanaAllowedCidrs: ["10.1.0.0/16"] },
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
    const fromApiServer = nps.find((n) => n.metadata?.name === "allow-to-keda-metrics-apiserver")!.spec!.ingress!;
    expect(fromApiServer[0]).toEqual({ ports: [{ port: 6443, protocol: "TCP" }] });
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
