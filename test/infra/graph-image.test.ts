import { describe, expect, it } from "vitest";
import { exampleGraph } from "../graphs/read";

describe("benchmark image build (benchmark.buildImage)", () => {
  it("creates an ECR repository that destroy can remove and pushes bench/Dockerfile, exporting its digest", async () => {
    const graph = await exampleGraph("defaults-built-image");
    const repo = graph.nodes.find((n) => n.type === "aws:ecr/repository:Repository");
    expect(repo?.inputs).toMatchObject({
      name: "vllm/vllm-bench",
      forceDelete: true,
      imageScanningConfiguration: { scanOnPush: true },
    });
    const image = graph.nodes.find((n) => n.type === "docker-build:index:Image");
    expect(image?.inputs.dockerfile.location).toMatch(/bench\/Dockerfile$/);
    expect(image?.inputs.push).toBe(true);
    expect(image?.inputs.tags[0]).toMatch(/vllm-bench:\d+\.\d+\.\d+$/);
    // The registry password comes from ECR and stays a secret.
    expect(image?.secretInputs.some((p) => p.startsWith("registries"))).toBe(true);
    expect(graph.outputs.benchImage).toMatch(/vllm-bench@sha256:[0-9a-f]{64}$/);
  });
});
