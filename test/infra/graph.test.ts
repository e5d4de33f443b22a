import { beforeAll, describe, expect, it } from "vitest";
import type { Graph } from "../../scripts/graph/build";
import { exampleGraph } from "../graphs/read";
import type { GraphNode } from "../../policy/model";

// The real program under Pulumi's mocks, fed the example eks stack file.
let graph: Graph;
const byType = (t: string) => graph.nodes.filter((n) => n.type === t);
const one = (t: string, name?: string): GraphNode => {
  const found = byType(t).filter((n) => name === undefined || n.name === name);
  expect(found, `${t} ${name ?? ""}`).toHaveLength(1);
  return found[0];
};

beforeAll(async () => {
  graph = await exampleGraph("eks");
});

describe("eks stack graph", () => {
  it("creates one EKS cluster with Secrets encryption, OIDC and restricted endpoint", () => {
    const cluster = one("eks:index:Cluster");
    const key = one("aws:kms/key:Key");
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(cluster.inputs.encryptionConfigKeyArn).toMatch(/^arn:aws:kms:us-west-2:\d{12}:key\//);
    expect(cluster.inputs.createOidcProvider).toBe(true);
    expect(cluster.inputs.authenticationMode).toBe("API");
    expect(cluster.inputs.publicAccessCidrs).toEqual(["203.0.113.10/32"]);
    expect(cluster.inputs.skipDefaultNodeGroup).toBe(true);
    expect(cluster.inputs.version).toBe("1.35");
  });

  it("puts nodes in private subnets only, across three AZs", () => {
    const subnets = byType("aws:ec2/subnet:Subnet");
    const priv = subnets.filter((s) => s.inputs.tags["vllm-k8s.io/subnet-tier"] === "private");
    const pub = subnets.filter((s) => s.inputs.tags["vllm-k8s.io/subnet-tier"] === "public");
    expect(priv).toHaveLength(3);
    expect(pub).toHaveLength(3);
    expect(new Set(priv.map((s) => s.inputs.availabilityZone)).size).toBe(3);
    expect(priv.every((s) => s.inputs.tags["kubernetes.io/role/internal-elb"] === "1")).toBe(true);
    expect(
      pub.every((s) => s.inputs.tags["kubernetes.io/role/elb"] === "1" && s.inputs.mapPublicIpOnLaunch === false),
    ).toBe(true);
    const cluster = one("eks:index:Cluster");
    expect(cluster.inputs.nodeAssociatePublicIpAddress).toBe(false);
    // Both node groups use exactly the private subnets.
    const privIds = priv.map((s) => s.id).sort();
    expect(privIds.every((id) => id.startsWith("subnet-"))).toBe(true);
    expect([...(cluster.inputs.privateSubnetIds as string[])].sort()).toEqual(privIds);
    for (const g of byType("eks:index:ManagedNodeGroup")) expect([...g.inputs.subnetIds].sort()).toEqual(privIds);
  });

  it("has a GPU node group with an NVIDIA AMI, the NoSchedule taint, its label, min 0 and our launch template", () => {
    const gpu = one("eks:index:ManagedNodeGroup", "vllm-gpu");
    expect(gpu.inputs.amiType).toBe("AL2023_x86_64_NVIDIA");
    expect(gpu.inputs.taints).toEqual([{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }]);
    expect(gpu.inputs.labels).toMatchObject({
      "vllm-k8s.io/node-pool": "gpu",
      "k8s.amazonaws.com/accelerator": "nvidia-l4",
    });
    expect(gpu.inputs.scalingConfig).toMatchObject({ minSize: 0, maxSize: 2 });
    expect(gpu.inputs.ignoreScalingChanges).toBe(true);
    const system = one("eks:index:ManagedNodeGroup", "vllm-system");
    expect(system.inputs.taints ?? []).toEqual([]);
    // IMDS and disks come from our launch templates; pulumi-eks rejects diskSize/enableIMDSv2 beside one.
    for (const [group, minDisk] of [
      [gpu, 100],
      [system, 20],
    ] as const) {
      expect(group.inputs.enableIMDSv2).toBeUndefined();
      expect(group.inputs.diskSize).toBeUndefined();
      const lt = byType("aws:ec2/launchTemplate:LaunchTemplate").find((t) => t.id === group.inputs.launchTemplate.id)!;
      expect(lt.inputs.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
      expect(lt.inputs.blockDeviceMappings).toEqual([
        { deviceName: "/dev/xvda", ebs: expect.objectContaining({ encrypted: "true", volumeType: "gp3" }) },
      ]);
      expect(lt.inputs.blockDeviceMappings[0].ebs.volumeSize).toBeGreaterThanOrEqual(minDisk);
      expect(lt.inputs.imageId).toBeUndefined();
      expect(lt.inputs.userData).toBeUndefined();
    }
  });

  it("hardens the control plane: five log types with retention, a least-privilege KMS key, the VPC CNI with network policy and IRSA", () => {
    const cluster = one("eks:index:Cluster");
    expect(cluster.inputs.enabledClusterLogTypes).toEqual([
      "api",
      "audit",
      "authenticator",
      "controllerManager",
      "scheduler",
    ]);
    const logs = one("aws:cloudwatch/logGroup:LogGroup");
    expect(logs.inputs).toMatchObject({ name: "/aws/eks/vllm/cluster", retentionInDays: 90 });
    expect(cluster.dependencies).toContain(logs.name);
    const key = one("aws:kms/key:Key");
    expect(key.inputs.deletionWindowInDays).toBe(30);
    const policy = JSON.parse(key.inputs.policy);
    const clusterRole = one("aws:iam/role:Role", "vllm-cluster");
    const users = policy.Statement.filter((s: any) => [s.Action].flat().includes("kms:Decrypt"));
    expect(users.map((s: any) => s.Principal.AWS)).toEqual([
      clusterRole.inputs.arn ?? expect.stringMatching(/role\/vllm-cluster/),
    ]);
    const cni = one("aws:eks/addon:Addon", "vllm-vpc-cni");
    expect(JSON.parse(cni.inputs.configurationValues)).toEqual({ enableNetworkPolicy: "true" });
    expect(cni.inputs.serviceAccountRoleArn).toMatch(/role\/vllm-vpc-cni/);
    expect(cluster.inputs.useDefaultVpcCni).toBe(true);
    const trust = JSON.parse(one("aws:iam/role:Role", "vllm-vpc-cni").inputs.assumeRolePolicy);
    expect(Object.values(trust.Statement[0].Condition.StringEquals)).toContain(
      "system:serviceaccount:kube-system:aws-node",
    );
    const attachments = byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    const cniPolicy = attachments.filter((a) => /AmazonEKS_CNI_Policy$/.test(a.inputs.policyArn));
    expect(cniPolicy.map((a) => a.name)).toEqual(["vllm-vpc-cni"]);
    for (const g of byType("eks:index:ManagedNodeGroup")) expect(g.dependencies).toContain("vllm-vpc-cni");
  });

  it("tags the GPU Auto Scaling group itself so cluster-autoscaler can scale it from zero", () => {
    const tags = byType("aws:autoscaling/tag:Tag");
    const asgs = new Set(tags.map((t) => t.inputs.autoscalingGroupName));
    expect(asgs.size).toBe(1);
    expect([...asgs][0]).toMatch(/^eks-vllm-gpu-/);
    const kv = Object.fromEntries(tags.map((t) => [t.inputs.tag.key, t.inputs.tag.value]));
    const p = "k8s.io/cluster-autoscaler/node-template";
    expect(kv).toEqual({
      [`${p}/label/vllm-k8s.io/node-pool`]: "gpu",
      [`${p}/label/k8s.amazonaws.com/accelerator`]: "nvidia-l4",
      [`${p}/taint/nvidia.com/gpu`]: "true:NoSchedule",
      [`${p}/resources/nvidia.com/gpu`]: "1",
    });
  });

  it("gives cluster-autoscaler an IRSA role whose mutating actions are scoped to this cluster's tag", () => {
    const role = one("aws:iam/role:Role", "vllm-cluster-autoscaler");
    const trust = JSON.parse(role.inputs.assumeRolePolicy);
    const stmt = trust.Statement[0];
    expect(stmt.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(stmt.Principal.Federated).toMatch(/:oidc-provider\/oidc\.eks\./);
    expect(Object.values(stmt.Condition.StringEquals)).toContain(
      "system:serviceaccount:kube-system:cluster-autoscaler",
    );

    const policy = JSON.parse(one("aws:iam/rolePolicy:RolePolicy", "vllm-cluster-autoscaler").inputs.policy);
    const mutating = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"];
    for (const s of policy.Statement) {
      const actions: string[] = [s.Action].flat();
      if (actions.some((a) => mutating.includes(a))) {
        expect(s.Condition.StringEquals).toEqual({ "aws:ResourceTag/k8s.io/cluster-autoscaler/vllm": "owned" });
      } else if (s.Resource === "*") {
        expect(actions.every((a) => /:(Describe|Get)/.test(a))).toBe(true);
      }
    }
    expect(policy.Statement.flatMap((s: any) => [s.Action].flat())).toEqual(expect.arrayContaining(mutating));
  });

  it("exports cluster name, region, a secret kubeconfig and the GPU node group", () => {
    expect(graph.outputs).toMatchObject({ clusterName: "vllm", region: "us-west-2", gpuNodeGroupName: "vllm-gpu" });
    expect(JSON.parse(graph.outputs.kubeconfig as string).clusters[0].cluster.server).toMatch(/eks\.amazonaws\.com/);
    expect(graph.outputs.autoscalerRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
  });

  it("records parents so the tree can be printed", () => {
    expect(one("eks:index:Cluster").parent).toBe("vllm");
    expect(one("eks:index:Cluster").parentType).toBe("vllm-k8s:cluster:GpuCluster");
  });
});

describe("eks storage", () => {
  it("installs the EBS CSI driver with its own IRSA role and makes an encrypted gp3 class the default", () => {
    const addon = one("aws:eks/addon:Addon", "vllm-ebs-csi");
    expect(addon.inputs).toMatchObject({ addonName: "aws-ebs-csi-driver", clusterName: "vllm" });
    expect(addon.inputs.addonVersion).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    expect(addon.inputs.serviceAccountRoleArn).toMatch(/:role\//);
    const trust = JSON.parse(one("aws:iam/role:Role", "vllm-ebs-csi").inputs.assumeRolePolicy);
    expect(Object.values(trust.Statement[0].Condition.StringEquals)).toContain(
      "system:serviceaccount:kube-system:ebs-csi-controller-sa",
    );
    const sc = one("kubernetes:storage.k8s.io/v1:StorageClass");
    expect(sc.inputs).toMatchObject({
      provisioner: "ebs.csi.aws.com",
      reclaimPolicy: "Delete",
      parameters: { type: "gp3", encrypted: "true" },
    });
    expect(sc.inputs.metadata.annotations["storageclass.kubernetes.io/is-default-class"]).toBe("true");
    expect(sc.dependencies).toContain("vllm-ebs-csi");
  });
});
