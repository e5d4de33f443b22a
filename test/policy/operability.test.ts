import { beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../infra/config-load";
import type { GraphNode } from "../../policy/model";
import { policyAllowances } from "../../infra/mapper";
import { contextFor } from "../../policy/context";
import { evaluate } from "../../policy/rules";
import { defaultContext, type RuleContext } from "../../policy/types";
import { exampleGraph } from "../graphs/read";
import { clone, CONFIG_GROUP, expectOnly, node, obj, release, stackGraph } from "./helpers";

let base: GraphNode[];
let ctx: RuleContext;
beforeAll(async () => {
  ({ nodes: base, ctx } = await stackGraph("Pulumi.eks.yaml"));
});

const objs = (g: GraphNode[]) => node(g, CONFIG_GROUP.type, CONFIG_GROUP.name).inputs.objs as any[];
const drop = (g: GraphNode[], kind: string) => {
  const group = node(g, CONFIG_GROUP.type, CONFIG_GROUP.name);
  group.inputs.objs = objs(g).filter((o) => o.kind !== kind);
  return g;
};

describe("vllm-probes", () => {
  it.each(["startupProbe", "readinessProbe", "livenessProbe"])("fires without %s", (probe) => {
    const g = clone(base);
    delete obj(g, "Deployment", "vllm").spec.template.spec.containers[0][probe];
    expectOnly(
      g,
      ctx,
      "vllm-probes",
      CONFIG_GROUP,
      new RegExp(`Deployment vllm/vllm .*container vllm has no ${probe}`),
    );
  });
});

describe("vllm-pdb", () => {
  it("fires when the PDB is gone", () => {
    expectOnly(
      drop(clone(base), "PodDisruptionBudget"),
      ctx,
      "vllm-pdb",
      CONFIG_GROUP,
      /Deployment vllm\/vllm .*has no PodDisruptionBudget/,
    );
  });

  it("fires when the PDB selects other pods", () => {
    const g = clone(base);
    obj(g, "PodDisruptionBudget", "vllm").spec.selector.matchLabels = { "app.kubernetes.io/name": "other" };
    expectOnly(g, ctx, "vllm-pdb", CONFIG_GROUP, /has no PodDisruptionBudget selecting its pods/);
  });
});

describe("vllm-hpa-behavior", () => {
  it("fires when the ScaledObject (KEDA's HPA) is gone while autoscaling is on, not when it is off", () => {
    const g = drop(clone(base), "ScaledObject");
    expectOnly(g, ctx, "vllm-hpa-behavior", CONFIG_GROUP, /Deployment vllm\/vllm .*has no HorizontalPodAutoscaler/);
    expect(evaluate(g, { ...ctx, expectHpa: false })).toEqual([]);
  });

  it("fires when the ScaledObject's HPA config has no scale-down behaviour", () => {
    const g = clone(base);
    delete obj(g, "ScaledObject", "vllm").spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown;
    expectOnly(g, ctx, "vllm-hpa-behavior", CONFIG_GROUP, /ScaledObject vllm\/vllm .*has no behavior\.scaleDown/);
  });
});

describe("vllm-servicemonitor", () => {
  it("fires when the ServiceMonitor is gone", () => {
    expectOnly(
      drop(clone(base), "ServiceMonitor"),
      ctx,
      "vllm-servicemonitor",
      CONFIG_GROUP,
      /Deployment vllm\/vllm .*no ServiceMonitor selects Service vllm/,
    );
  });

  it("fires when the ServiceMonitor scrapes a port the Service does not name", () => {
    const g = clone(base);
    obj(g, "ServiceMonitor", "vllm").spec.endpoints[0].port = "metrics";
    expectOnly(g, ctx, "vllm-servicemonitor", CONFIG_GROUP, /is not scraped/);
  });

  it("fires when no Service selects the pods", () => {
    expectOnly(drop(clone(base), "Service"), ctx, "vllm-servicemonitor", CONFIG_GROUP, /no Service selects its pods/);
  });
});

describe("alerts-severity-runbook", () => {
  it("fires on an alert without severity and runbook_url", () => {
    const g = clone(base);
    const rule = obj(g, "PrometheusRule", "vllm-alert-rules").spec.groups[0].rules.find((r: any) => r.alert);
    delete rule.labels.severity;
    delete rule.annotations.runbook_url;
    expectOnly(
      g,
      ctx,
      "alerts-severity-runbook",
      CONFIG_GROUP,
      new RegExp(
        `PrometheusRule vllm/vllm-alert-rules .*alert ${rule.alert} .*has no labels\\.severity and no annotations\\.runbook_url`,
      ),
    );
  });

  it("ignores recording rules", () => {
    const rec = obj(base, "PrometheusRule", "vllm-recording-rules").spec.groups.flatMap((g: any) => g.rules);
    expect(rec.length).toBeGreaterThan(0);
    expect(rec.every((r: any) => r.record && !r.labels?.severity)).toBe(true);
  });
});

describe("prometheus-retention", () => {
  it("fires when kube-prometheus-stack sets no retention", () => {
    const g = clone(base);
    delete release(g, "kube-prometheus-stack").inputs.values.prometheus.prometheusSpec.retention;
    expectOnly(
      g,
      ctx,
      "prometheus-retention",
      { type: "kubernetes:helm.sh/v3:Release", name: "kube-prometheus-stack" },
      /sets no prometheus\.prometheusSpec\.retention/,
    );
  });
});

describe("no-unplanned-loadbalancer", () => {
  it("fires on a LoadBalancer Service object", () => {
    const g = clone(base);
    obj(g, "Service", "vllm").spec.type = "LoadBalancer";
    expectOnly(g, ctx, "no-unplanned-loadbalancer", CONFIG_GROUP, /Service vllm\/vllm .*is type LoadBalancer/);
    expect(evaluate(g, { ...ctx, allowLoadBalancers: ["vllm/vllm"] })).toEqual([]);
  });

  it("follows monitoring.grafanaServiceType: a LoadBalancer Grafana passes with the config's context, fails without it", async () => {
    const { nodes, input } = await exampleGraph("eks-grafana-loadbalancer");
    expect(release(nodes, "kube-prometheus-stack").inputs.values.grafana.service.type).toBe("LoadBalancer");
    expect(evaluate(nodes, contextFor(policyAllowances(parseStackConfig(input.config))))).toEqual([]);
    expectOnly(
      nodes,
      defaultContext,
      "no-unplanned-loadbalancer",
      { type: "kubernetes:helm.sh/v3:Release", name: "kube-prometheus-stack" },
      /values\.grafana\.service\.type is LoadBalancer/,
    );
  });
});
