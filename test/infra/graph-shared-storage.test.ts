import { beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig } from "../../infra/config-load";
import { policyAllowances } from "../../infra/mapper";
import type { GraphNode } from "../../policy/model";
import { contextFor } from "../../policy/context";
import { evaluate } from "../../policy/rules";
import type { RuleContext } from "../../policy/types";
import { exampleGraph, type ExampleGraph } from "../graphs/read";
import { clone, expectOnly, obj } from "../policy/helpers";

// The eks stack with `serving.modelCache.type: shared`: ReadWriteMany storage on EFS, built because
// the cache uses it; the default eks stack (nothing shared) builds none of it.
let shared: ExampleGraph;
let plain: ExampleGraph;
let ctx: RuleContext;

const all = (g: { nodes: GraphNode[] }, type: string) => g.nodes.filter((n) => n.type === type);
const one = (g: { nodes: GraphNode[] }, type: string, name: string): GraphNode => {
  const found = all(g, type).filter((n) => n.name === name);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0];
};
const EFS_TYPES = [
  "aws:efs/fileSystem:FileSystem",
  "aws:efs/mountTarget:MountTarget",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
];

beforeAll(async () => {
  [shared, plain] = await Promise.all([exampleGraph("eks-shared-cache"), exampleGraph("eks")]);
  ctx = contextFor(
    policyAllowances(parseStackConfig(shared.input.config, Object.keys(shared.input.secrets ?? {}) as any)),
  );
});

describe("shared model cache on eks", () => {
  it("builds an encrypted EFS file system with a mount target in each private subnet", () => {
    const fs = one(shared, "aws:efs/fileSystem:FileSystem", "vllm-shared");
    expect(fs.inputs.encrypted).toBe(true);
    const privateSubnets = all(shared, "aws:ec2/subnet:Subnet")
      .filter((s) => s.inputs.tags["vllm-k8s.io/subnet-tier"] === "private")
      .map((s) => s.id);
    const targets = all(shared, "aws:efs/mountTarget:MountTarget");
    expect(targets.map((t) => t.inputs.subnetId).sort()).toEqual([...privateSubnets].sort());
    expect(targets.every((t) => t.inputs.fileSystemId === fs.id)).toBe(true);
  });

  it("admits NFS (TCP 2049) to the mount targets from the nodes' security group only", () => {
    const sg = one(shared, "aws:ec2/securityGroup:SecurityGroup", "vllm-efs");
    expect(sg.inputs.ingress ?? []).toEqual([]);
    const rules = all(shared, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(rules).toHaveLength(1);
    expect(rules[0].inputs).toMatchObject({ ipProtocol: "tcp", fromPort: 2049, toPort: 2049 });
    expect(rules[0].inputs.referencedSecurityGroupId).toMatch(/^sg-/);
    expect(rules[0].inputs.cidrIpv4).toBeUndefined();
    for (const t of all(shared, "aws:efs/mountTarget:MountTarget"))
      expect(t.inputs.securityGroups).toEqual([sg.id === "" ? expect.any(String) : sg.id]);
  });

  it("installs the EFS CSI driver add-on with a role only its controller's service account can assume", () => {
    const addon = one(shared, "aws:eks/addon:Addon", "vllm-efs-csi");
    expect(addon.inputs).toMatchObject({ addonName: "aws-efs-csi-driver", clusterName: "vllm" });
    expect(addon.inputs.serviceAccountRoleArn).toMatch(/:role\//);
    const role = one(shared, "aws:iam/role:Role", "vllm-efs-csi");
    const trust = JSON.parse(role.inputs.assumeRolePolicy);
    expect(trust.Statement).toHaveLength(1);
    expect(Object.values(trust.Statement[0].Condition.StringEquals)).toEqual([
      "system:serviceaccount:kube-system:efs-csi-controller-sa",
      "sts.amazonaws.com",
    ]);
    const policy = one(shared, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "vllm-efs-csi");
    expect(policy.inputs.policyArn).toMatch(/:iam::aws:policy\/service-role\/AmazonEFSCSIDriverPolicy$/);
    // The node ServiceAccount (efs-csi-node-sa) is left out because no mount needs its credentials:
    // that holds only while the class mounts without efs-utils' `iam` option (shared-storage.ts).
    const sc = one(shared, "kubernetes:storage.k8s.io/v1:StorageClass", "efs");
    expect(sc.inputs.mountOptions ?? []).not.toContain("iam");
  });

  it("makes an RWX StorageClass on the file system, deleted before the mount targets and the driver", () => {
    const sc = one(shared, "kubernetes:storage.k8s.io/v1:StorageClass", "efs");
    const fs = one(shared, "aws:efs/fileSystem:FileSystem", "vllm-shared");
    expect(sc.inputs).toMatchObject({
      provisioner: "efs.csi.aws.com",
      reclaimPolicy: "Delete",
      parameters: { provisioningMode: "efs-ap", fileSystemId: fs.id, directoryPerms: "700" },
    });
    // Pulumi deletes dependents first: the class (and the claims after it) before these.
    expect(sc.dependencies).toEqual(expect.arrayContaining(["vllm-efs-csi", "vllm-shared-0", "vllm-shared-1"]));
    // The workloads wait for the class, so their claims are deleted before it.
    const workloads = one(shared, "kubernetes:yaml/v2:ConfigGroup", "workloads");
    expect(workloads.dependencies).toContain("efs");
  });

  it("mounts one ReadWriteMany claim on that class in every vLLM replica", () => {
    const claim = obj(shared.nodes, "PersistentVolumeClaim", "vllm-model-cache");
    expect(claim.spec).toMatchObject({ accessModes: ["ReadWriteMany"], storageClassName: "efs" });
    const deployment = obj(shared.nodes, "Deployment", "vllm");
    expect(deployment.spec.template.spec.volumes).toContainEqual({
      name: "model-cache",
      persistentVolumeClaim: { claimName: "vllm-model-cache" },
    });
  });

  it("passes every policy rule", () => {
    expect(evaluate(shared.nodes, ctx)).toEqual([]);
  });

  it("storage-class-encrypted fires when the class's file system is not encrypted", () => {
    const g = clone(shared.nodes);
    g.find((n) => n.type === "aws:efs/fileSystem:FileSystem")!.inputs.encrypted = false;
    expectOnly(
      g,
      ctx,
      "storage-class-encrypted",
      { type: "kubernetes:storage.k8s.io/v1:StorageClass", name: "efs" },
      /StorageClass efs stores on EFS file system vllm-shared, which is not encrypted/,
    );
  });

  it("the default eks stack, which shares nothing, builds no EFS", () => {
    for (const t of EFS_TYPES) expect(all(plain, t), t).toEqual([]);
    expect(all(plain, "aws:eks/addon:Addon").map((a) => a.name)).not.toContain("vllm-efs-csi");
  });
});
