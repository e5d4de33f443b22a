// cdk8s-plus-28 builds the Service, the NetworkPolicies and the dashboard ConfigMaps, and
// each of its defaults that differs from ours is overridden (charts/vllm/service.ts,
// charts/netpol/policies.ts, charts/monitoring/dashboards-chart.ts). The autoscaler is KEDA's
// ScaledObject, a typed object (charts/vllm/autoscaler.ts).
import { ApiObject, App, Chart } from "cdk8s";
import * as kplus from "cdk8s-plus-28";
import type { IConstruct } from "constructs";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../charts/app";
import { addNamespacePolicies, namespacePolicies } from "../../charts/netpol";
import { addonFlows } from "../../infra/addons/connections";
import { parseStackConfig } from "../../infra/config-load";
import { addonSettings } from "../../infra/mapper";
import { EKS, find, objectsFor, propsFor } from "./fixtures";

const stack = {
  ...EKS,
  serving: { allowedClientNamespaces: ["apps"] },
  autoscaling: { targetRequestsPerSecond: 2.5 },
};
/** The monitoring namespace's flows (the add-on registry's) for a stack config. */
const monitoringFlows = (raw: Record<string, any> = EKS) =>
  addonFlows(addonSettings(parseStackConfig(raw, ["grafanaAdminPassword"]))).filter(
    (f) => f.to.namespace === "monitoring",
  );

/** Every ApiObject of one chart with the construct that made it (its scope). */
function owners(chart: Chart): Array<{ kind: string; name: string; owner: IConstruct }> {
  return chart.node
    .findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c))
    .map((o) => ({ kind: o.kind, name: o.name, owner: o.node.scope! }));
}

describe("which library builds each object", () => {
  const app = buildApp(propsFor(stack));
  const chart = (id: string) => app.charts.find((c) => c.node.id === id)!;

  it("the vLLM chart: cdk8s-plus for the Service and NetworkPolicies; typed objects for the rest", () => {
    const objs = owners(chart("10-vllm"));
    const plus: Record<string, new (...args: never[]) => IConstruct> = {
      Service: kplus.Service,
      NetworkPolicy: kplus.NetworkPolicy,
    };
    for (const [kind, cls] of Object.entries(plus)) {
      const ofKind = objs.filter((o) => o.kind === kind);
      expect(ofKind.length, kind).toBeGreaterThan(0);
      for (const o of ofKind) expect(o.owner, `${kind}/${o.name}`).toBeInstanceOf(cls);
    }
    const policies = objs.filter((o) => o.kind === "NetworkPolicy").map((o) => o.name);
    expect(policies).toEqual(["default-deny-ingress", "allow-to-vllm"]);
    // Typed kubernetes-models objects sit directly in the chart.
    for (const kind of ["Namespace", "Deployment", "ServiceMonitor", "PodDisruptionBudget", "ScaledObject"])
      expect(objs.find((o) => o.kind === kind)!.owner, kind).toBe(chart("10-vllm"));
  });

  it("the dashboards chart: a cdk8s-plus ConfigMap per dashboard", () => {
    const cms = owners(chart("30-dashboards")).filter((o) => o.kind === "ConfigMap");
    expect(cms.length).toBeGreaterThan(0);
    for (const o of cms) expect(o.owner, o.name).toBeInstanceOf(kplus.ConfigMap);
  });

  it("the monitoring namespace's policies (deployed by infra/addons) come from the same constructs", () => {
    const scope = new Chart(new App(), "t");
    const flows = monitoringFlows();
    const policies = addNamespacePolicies(scope, "monitoring", flows);
    expect(policies.length).toBeGreaterThan(5);
    for (const p of policies) expect(p).toBeInstanceOf(kplus.NetworkPolicy);
  });
});

describe("cdk8s-plus defaults that differ from ours are overridden", () => {
  const objs = objectsFor(stack);

  it("Service: a named targetPort and no empty externalIPs", () => {
    const spec = find(objs, "Service", "vllm").spec;
    expect(spec.ports).toEqual([{ name: "http", port: 8000, protocol: "TCP", targetPort: "http" }]);
    expect(spec).not.toHaveProperty("externalIPs");
  });

  it("ScaledObject: the per-pod target is the decimal string KEDA's threshold parses", () => {
    const trigger = find(objs, "ScaledObject").spec.triggers[0];
    expect([trigger.metricType, trigger.metadata.threshold]).toEqual(["AverageValue", "2.5"]);
  });

  it("ConfigMap: no immutable field", () => {
    const dashboards = objs.filter((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("dashboard-"));
    expect(dashboards.length).toBeGreaterThan(0);
    for (const cm of dashboards) expect(cm).not.toHaveProperty("immutable");
  });

  it("NetworkPolicy: several CIDRs in one rule, and the API server's rule without `from`", () => {
    const grafanaAllowedCidrs = ["10.1.0.0/16", "10.2.0.0/16"];
    const flows = monitoringFlows({ ...EKS, monitoring: { grafanaServiceType: "LoadBalancer", grafanaAllowedCidrs } });
    const nps = namespacePolicies("monitoring", flows);
    const grafana = nps.find((n) => n.metadata?.name === "allow-to-grafana")!.spec!.ingress!;
    expect(grafana[1]).toEqual({
      from: [{ ipBlock: { cidr: "10.1.0.0/16" } }, { ipBlock: { cidr: "10.2.0.0/16" } }],
      ports: [{ port: 3000, protocol: "TCP" }],
    });
    const operator = nps.find((n) => n.metadata?.name === "allow-to-prometheus-operator")!.spec!.ingress!;
    expect(operator.at(-1)).toEqual({ ports: [{ port: 10250, protocol: "TCP" }] });
  });
});
