import { expect, it, vi } from "vitest";
import { buildGraph, readStackFile } from "../../scripts/graph/build";
import { GraphMocks } from "../../scripts/graph/mocks";

// The VPC CNI add-on asks EKS for the newest version compatible with the cluster's Kubernetes
// version (aws.eks.getAddonVersion with mostRecent), not EKS's default for it.
it("resolves the VPC CNI add-on version with mostRecent for the cluster's Kubernetes version", async () => {
  const call = vi.spyOn(GraphMocks.prototype, "call");
  const input = readStackFile("Pulumi.eks.yaml");
  const { nodes } = await buildGraph(input);
  const asks = call.mock.calls
    .map(([a]) => a)
    .filter((a) => a.token === "aws:eks/getAddonVersion:getAddonVersion" && a.inputs.addonName === "vpc-cni");
  expect(asks).toHaveLength(1);
  expect(asks[0].inputs).toMatchObject({ mostRecent: true, kubernetesVersion: "1.35" });
  const addon = nodes.find((n) => n.type === "aws:eks/addon:Addon" && n.inputs.addonName === "vpc-cni")!;
  expect(addon.inputs.addonVersion).toBe("v1.48.0-eksbuild.1");
});
