import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluate, rules } from "../../policy/rules";
import { vllmDeployments } from "../../policy/rules/workload-ids";
import { stackGraph } from "./helpers";

// Our example stacks must satisfy every rule, advisory ones included. One build per stack file.
const built = new Map<string, ReturnType<typeof stackGraph>>();
const graphOf = (file: string) => built.get(file) ?? built.set(file, stackGraph(file)).get(file)!;

describe.each(["Pulumi.eks.yaml", "Pulumi.existing.yaml"])("%s", (file) => {
  it("passes every rule", async () => {
    const { nodes, ctx } = await graphOf(file);
    expect(evaluate(nodes, ctx)).toEqual([]);
    // Guard against rules passing on an empty graph.
    expect(nodes.length).toBeGreaterThan(10);
  });

  // MARKED: the vLLM rules (probes, PDB, HPA, ServiceMonitor, simulator non-root) only fire
  // when a vLLM Deployment exists. This fails if the default graph loses it, so those rules
  // cannot pass vacuously.
  it("has the vLLM Deployment the vLLM rules check (guard against vacuous passes)", async () => {
    const { nodes } = await graphOf(file);
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

  it("has a breaking test for every rule (its id passed to expectOnly in test/policy)", () => {
    const dir = import.meta.dirname;
    const sources = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => fs.readFileSync(path.join(dir, f), "utf8"))
      .join("\n");
    const tested = new Set([...sources.matchAll(/expectOnly\([^;]*?"([a-z0-9-]+)"/g)].map((m) => m[1]));
    expect(rules.map((r) => r.id).filter((id) => !tested.has(id))).toEqual([]);
  });
});
