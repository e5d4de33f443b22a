import { describe, expect, it } from "vitest";
import { exampleGraph } from "../graphs/read";

describe("existing-cluster stack graph", () => {
  it("registers no aws: or eks: resource", async () => {
    const graph = await exampleGraph("existing-kind");
    expect(graph.nodes.length).toBeGreaterThan(0);
    expect(graph.nodes.filter((n) => /^(aws|eks):/.test(n.type) || n.type === "pulumi:providers:aws")).toEqual([]);
    const provider = graph.nodes.find((n) => n.type === "pulumi:providers:kubernetes");
    expect(provider?.inputs.context).toBe("kind-vllm");
  });
});
