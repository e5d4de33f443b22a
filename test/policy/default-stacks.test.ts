import { describe, expect, it } from "vitest";
import { evaluate, rules } from "../../policy/rules";
import { vllmDeployments } from "../../policy/rules/workload-ids";
import { stackGraph } from "./helpers";

// Our example stacks must satisfy every rule, advisory ones included.
describe.each(["Pulumi.eks.yaml", "Pulumi.existing.yaml"])("%s", (file) => {
  it("passes every rule", async () => {
    const { nodes, ctx } = await stackGraph(file);
    expect(evaluate(nodes, ctx)).toEqual([]);
    // Guard against rules passing on an empty graph.
    expect(nodes.length).toBeGreaterThan(10);
  });

  // MARKED: the vLLM rules (probes, PDB, HPA, ServiceMonitor, simulator non-root) only fire
  // when a vLLM Deployment exists. This fails if the default graph loses it, so those rules
  // cannot pass vacuously.
  it("has the vLLM Deployment the vLLM rules check (guard against vacuous passes)", async () => {
    const { nodes } = await stackGraph(file);
    expect(vllmDeployments(nodes).map((d) => `${d.namespace}/${d.name}`)).toEqual(["vllm/vllm"]);
  });
});

describe("rule registry", () => {
  it("has unique ids and complete metadata", () => {
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.id).toMatch(/^[a-z0-9-]+$/);
      expect(r.description.length).toBeGreaterThan(20);
      expect(["low", "medium", "high", "critical"]).toContain(r.severity);
      expect(["advisory", "mandatory"]).toContain(r.enforcement);
    }
  });
});
