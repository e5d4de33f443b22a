import { describe, expect, it } from "vitest";
import { buildGraph } from "../../infra/graph/build";

describe("bad config in the program", () => {
  it("fails before any resource is registered, naming the key", async () => {
    await expect(buildGraph({ config: { cluster: { publicAccessCidrs: ["203.0.113.10/32"] }, gpuNodes: { minSize: -2 } } })).rejects.toThrow(
      /vllm-k8s:gpuNodes\.minSize/,
    );
  });
});
