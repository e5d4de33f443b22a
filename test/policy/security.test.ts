import { beforeAll, describe, expect, it } from "vitest";
import type { GraphNode } from "../../policy/model";
import { evaluate } from "../../policy/rules";
import { imageProblem } from "../../policy/rules/security";
import type { RuleContext } from "../../policy/types";
import { clone, CONFIG_GROUP, expectOnly, node, obj, release, stackGraph } from "./helpers";

let base: GraphNode[];
let ctx: RuleContext;
let existing: { nodes: GraphNode[]; ctx: RuleContext };
beforeAll(async () => {
  ({ nodes: base, ctx } = await stackGraph("Pulumi.eks.yaml"));
  existing = await stackGraph("Pulumi.existing.yaml");
});

const CLUSTER = { type: "eks:index:Cluster", name: "vllm" };
const cluster = (g: GraphNode[]) => node(g, CLUSTER.type, CLUSTER.name);
const SYSTEM_GROUP = { type: "eks:index:ManagedNodeGroup", name: "vllm-system" };
const KPS = { type: "kubernetes:helm.sh/v3:Release", name: "kube-prometheus-stack" };

describe("secrets-encryption", () => {
  it("fires when the cluster has no KMS key", () => {
    const g = clone(base);
    delete cluster(g).inputs.encryptionConfigKeyArn;
    expectOnly(g, ctx, "secrets-encryption", CLUSTER, /EKS cluster vllm has no KMS key ARN/);
  });
});

describe("imdsv2-required", () => {
  it("fires when a node group allows IMDSv1", () => {
    const g = clone(base);
    const lt = node(g, "aws:ec2/launchTemplate:LaunchTemplate", "vllm-system-lt");
    lt.inputs.metadataOptions.httpTokens = "optional";
    expectOnly(g, ctx, "imdsv2-required", SYSTEM_GROUP, /Node group vllm-system does not require IMDSv2/);
  });
});

describe("nodes-private-subnets", () => {
  it("fires when a node group uses a public subnet (resolved through the route table to the internet gateway)", () => {
    const g = clone(base);
    const publicId = node(g, "aws:ec2/subnet:Subnet", "vllm-public-0").id;
    node(g, SYSTEM_GROUP.type, SYSTEM_GROUP.name).inputs.subnetIds[0] = publicId;
    expectOnly(g, ctx, "nodes-private-subnets", SYSTEM_GROUP, new RegExp(`vllm-system uses public subnet ${publicId}`));
  });

  it("fires when a private subnet starts handing out public IPs", () => {
    const g = clone(base);
    node(g, "aws:ec2/subnet:Subnet", "vllm-private-1").inputs.mapPublicIpOnLaunch = true;
    const vs = evaluate(g, ctx);
    expect(new Set(vs.map((v) => v.ruleId))).toEqual(new Set(["nodes-private-subnets"]));
    expect(vs.map((v) => v.resource.name).sort()).toEqual(["vllm-gpu", "vllm-system"]);
  });

  it("fires on a subnet id the stack does not own", () => {
    const g = clone(base);
    node(g, SYSTEM_GROUP.type, SYSTEM_GROUP.name).inputs.subnetIds.push("subnet-0123456789abcdef0");
    expectOnly(
      g,
      ctx,
      "nodes-private-subnets",
      SYSTEM_GROUP,
      /subnet "subnet-0123456789abcdef0", which is not a subnet of this stack/,
    );
  });
});

describe("api-endpoint-restricted", () => {
  it("fires on 0.0.0.0/0 unless the config allows it", () => {
    const g = clone(base);
    cluster(g).inputs.publicAccessCidrs = ["0.0.0.0/0"];
    expectOnly(g, ctx, "api-endpoint-restricted", CLUSTER, /EKS cluster vllm exposes its public API endpoint/);
    expect(evaluate(g, { ...ctx, allowPublicApiFromAnywhere: true })).toEqual([]);
  });

  it("fires on a public endpoint with no CIDR list (AWS reads it as open)", () => {
    const g = clone(base);
    delete cluster(g).inputs.publicAccessCidrs;
    expectOnly(g, ctx, "api-endpoint-restricted", CLUSTER, /publicAccessCidrs null/);
    cluster(g).inputs.endpointPublicAccess = false;
    expect(evaluate(g, ctx)).toEqual([]);
  });
});

describe("autoscaler-iam-scoped", () => {
  const AUTOSCALER = { type: "aws:iam/rolePolicy:RolePolicy", name: "vllm-cluster-autoscaler" };
  it("fires when SetDesiredCapacity loses its tag condition", () => {
    const g = clone(base);
    const n = node(g, AUTOSCALER.type, AUTOSCALER.name);
    const doc = JSON.parse(n.inputs.policy);
    for (const s of doc.Statement) delete s.Condition;
    n.inputs.policy = JSON.stringify(doc);
    expectOnly(
      g,
      ctx,
      "autoscaler-iam-scoped",
      AUTOSCALER,
      /allows autoscaling:SetDesiredCapacity, autoscaling:TerminateInstanceInAutoScalingGroup on Resource "\*" without a resource-tag condition/,
    );
  });

  it("fires on an AutoScalingFullAccess attachment", () => {
    const g = clone(base);
    node(
      g,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "vllm-node-AmazonEKSWorkerNodePolicy",
    ).inputs.policyArn = "arn:aws:iam::aws:policy/AutoScalingFullAccess";
    expectOnly(
      g,
      ctx,
      "autoscaler-iam-scoped",
      { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "vllm-node-AmazonEKSWorkerNodePolicy" },
      /grants AutoScalingFullAccess/,
    );
  });
});

describe("grafana-password-secret", () => {
  it("fires when the password is a plain Helm value", () => {
    const g = clone(base);
    release(g, "kube-prometheus-stack").inputs.values.grafana.adminPassword = "hunter2";
    const vs = expectOnly(
      g,
      ctx,
      "grafana-password-secret",
      KPS,
      /kube-prometheus-stack .*(adminPassword|password at values\.grafana\.adminPassword)/,
    );
    expect(vs.some((v) => v.message.includes("plain-text password at values.grafana.adminPassword"))).toBe(true);
  });

  it("accepts a secret Helm value only where secrets are visible", () => {
    const g = clone(base);
    release(g, "kube-prometheus-stack").inputs.values.grafana.adminPassword = "[secret]";
    expect(evaluate(g, ctx)).toEqual([]);
    expectOnly(
      g,
      { ...ctx, secretsVisible: false },
      "grafana-password-secret",
      KPS,
      /sets grafana\.adminPassword in its values/,
    );
  });

  it("fires when the Grafana admin Secret's data is not a Pulumi secret", () => {
    const g = clone(base);
    const s = node(g, "kubernetes:core/v1:Secret", "grafana-admin");
    s.inputs.stringData = { "admin-user": "admin", "admin-password": "hunter2" };
    s.secretInputs = [];
    const vs = expectOnly(
      g,
      ctx,
      "grafana-password-secret",
      { type: "kubernetes:core/v1:Secret", name: "grafana-admin" },
      /grafana-admin/,
    );
    expect(vs.map((v) => v.message).join("\n")).toMatch(
      /Secret monitoring\/grafana-admin holds the Grafana password in plain stringData/,
    );
  });

  it("fires when the chart is not pointed at the existing Secret", () => {
    const g = clone(base);
    delete release(g, "kube-prometheus-stack").inputs.values.grafana.admin;
    expectOnly(g, ctx, "grafana-password-secret", KPS, /does not set grafana\.admin\.existingSecret/);
  });
});

describe("pinned-versions", () => {
  it("fires on a latest image in an object", () => {
    const g = clone(base);
    obj(g, "Deployment", "vllm").spec.template.spec.containers[0].image = "vllm/vllm-openai:latest";
    expectOnly(
      g,
      ctx,
      "pinned-versions",
      CONFIG_GROUP,
      /Deployment vllm\/vllm .*container vllm image "vllm\/vllm-openai:latest" uses the latest tag/,
    );
  });

  it("fires on an untagged image in Helm values and on an unpinned chart version", () => {
    const g = clone(base);
    const ca = release(g, "cluster-autoscaler");
    ca.inputs.values.image = { repository: "registry.k8s.io/autoscaling/cluster-autoscaler", tag: "latest" };
    ca.inputs.version = "^9.59.0";
    const vs = expectOnly(
      g,
      ctx,
      "pinned-versions",
      { type: "kubernetes:helm.sh/v3:Release", name: "cluster-autoscaler" },
      /Helm release cluster-autoscaler/,
    );
    expect(vs.map((v) => v.message).join("\n")).toMatch(/values\.image\.tag is "latest"/);
    expect(vs.map((v) => v.message).join("\n")).toMatch(/has version "\^9\.59\.0": pin an exact chart version/);
    expect(vs).toHaveLength(2);
  });

  it("reads image references like a registry does", () => {
    expect(imageProblem("localhost:5000/bench")).toMatch(/no tag/);
    expect(imageProblem("localhost:5000/bench:1.2")).toBeUndefined();
    expect(imageProblem(`bench@sha256:${"a".repeat(64)}`)).toBeUndefined();
    expect(imageProblem("busybox")).toMatch(/no tag/);
  });
});

describe("container-resources", () => {
  it("fires when the benchmark container has no memory limit", () => {
    const g = clone(base);
    delete obj(g, "CronJob", "vllm-bench").spec.jobTemplate.spec.template.spec.containers[0].resources.limits;
    expectOnly(
      g,
      ctx,
      "container-resources",
      CONFIG_GROUP,
      /CronJob vllm\/vllm-bench .*container bench has no resources\.limits\.memory/,
    );
  });
});

describe("bench-simulator-non-root", () => {
  it("fires when the benchmark may run as root", () => {
    const g = clone(base);
    const pod = obj(g, "CronJob", "vllm-bench").spec.jobTemplate.spec.template.spec;
    pod.securityContext.runAsUser = 0;
    expectOnly(
      g,
      ctx,
      "bench-simulator-non-root",
      CONFIG_GROUP,
      /CronJob vllm\/vllm-bench .*container bench may run as root/,
    );
  });

  it("fires when the simulator engine drops runAsNonRoot (existing stack)", () => {
    const g = clone(existing.nodes);
    const pod = obj(g, "Deployment", "vllm").spec.template.spec;
    delete pod.securityContext.runAsNonRoot;
    delete pod.containers[0].securityContext.runAsNonRoot;
    const vs = evaluate(g, existing.ctx);
    // The simulator's namespace enforces restricted, so admission would refuse it too.
    expect(new Set(vs.map((v) => v.ruleId))).toEqual(new Set(["bench-simulator-non-root", "workloads-meet-psa"]));
    expect(vs.find((v) => v.ruleId === "bench-simulator-non-root")!.message).toMatch(
      /Deployment vllm\/vllm .*container vllm may run as root/,
    );
    expect(vs.find((v) => v.ruleId === "workloads-meet-psa")!.message).toMatch(
      /breaks the restricted Pod Security Standard .*vllm: runAsNonRoot not true/,
    );
  });

  it("does not demand non-root of the vLLM image, which runs as root", () => {
    expect(obj(base, "Deployment", "vllm").spec.template.spec.securityContext.runAsNonRoot).toBeUndefined();
    expect(evaluate(base, ctx)).toEqual([]);
  });
});
