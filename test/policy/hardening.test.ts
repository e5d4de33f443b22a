import { beforeAll, describe, expect, it } from "vitest";
import type { GraphNode } from "../../policy/model";
import type { RuleContext } from "../../policy/types";
import { clone, CONFIG_GROUP, expectOnly, node, obj, release, stackGraph } from "./helpers";

// One breaking mutation per CIS EKS / EKS Best Practices / PSS rule (policy/rules/cluster-hardening.ts
// and kubernetes-security.ts); the default stacks pass them all (default-stacks.test.ts).

let base: GraphNode[];
let ctx: RuleContext;
let existing: { nodes: GraphNode[]; ctx: RuleContext };
beforeAll(async () => {
  ({ nodes: base, ctx } = await stackGraph("Pulumi.eks.yaml"));
  existing = await stackGraph("Pulumi.existing.yaml");
});

const CLUSTER = { type: "eks:index:Cluster", name: "vllm" };
const cluster = (g: GraphNode[]) => node(g, CLUSTER.type, CLUSTER.name);
const SYSTEM = { type: "eks:index:ManagedNodeGroup", name: "vllm-system" };
const GPU = { type: "eks:index:ManagedNodeGroup", name: "vllm-gpu" };
const KEY = { type: "aws:kms/key:Key", name: "vllm-secrets" };
const KPS = { type: "kubernetes:helm.sh/v3:Release", name: "kube-prometheus-stack" };
const MONITORING_POLICIES = { type: "kubernetes:yaml/v2:ConfigGroup", name: "monitoring-network-policies" };
const lt = (g: GraphNode[], name: string) => node(g, "aws:ec2/launchTemplate:LaunchTemplate", name);
const vllmContainer = (g: GraphNode[]) => obj(g, "Deployment", "vllm").spec.template.spec.containers[0];

describe("vpc-cni-network-policy", () => {
  it("fires when the add-on leaves network policy off", () => {
    const g = clone(base);
    node(g, "aws:eks/addon:Addon", "vllm-vpc-cni").inputs.configurationValues = JSON.stringify({
      enableNetworkPolicy: "false",
    });
    expectOnly(g, ctx, "vpc-cni-network-policy", CLUSTER, /no vpc-cni add-on with enableNetworkPolicy "true"/);
  });
});

describe("imds-hop-limit", () => {
  it("fires on hop limit 2 (pulumi-eks's enableIMDSv2)", () => {
    const g = clone(base);
    lt(g, "vllm-gpu-lt").inputs.metadataOptions.httpPutResponseHopLimit = 2;
    expectOnly(g, ctx, "imds-hop-limit", GPU, /Node group vllm-gpu has IMDS hop limit 2/);
  });
});

describe("node-volumes-encrypted", () => {
  it("fires on an unencrypted root volume", () => {
    const g = clone(base);
    lt(g, "vllm-system-lt").inputs.blockDeviceMappings[0].ebs.encrypted = "false";
    expectOnly(g, ctx, "node-volumes-encrypted", SYSTEM, /vllm-system leaves \/dev\/xvda unencrypted/);
  });
});

describe("control-plane-logs", () => {
  it("fires when a log type is missing", () => {
    const g = clone(base);
    cluster(g).inputs.enabledClusterLogTypes = ["api", "audit", "authenticator"];
    expectOnly(g, ctx, "control-plane-logs", CLUSTER, /does not log controllerManager, scheduler/);
  });
});

describe("control-plane-log-retention", () => {
  it("fires when the log group never expires", () => {
    const g = clone(base);
    delete node(g, "aws:cloudwatch/logGroup:LogGroup", "vllm-control-plane").inputs.retentionInDays;
    expectOnly(
      g,
      ctx,
      "control-plane-log-retention",
      { type: "aws:cloudwatch/logGroup:LogGroup", name: "vllm-control-plane" },
      /retentionInDays null/,
    );
  });
});

describe("kms-key-policy", () => {
  it("fires without an explicit key policy", () => {
    const g = clone(base);
    delete node(g, KEY.type, KEY.name).inputs.policy;
    expectOnly(g, ctx, "kms-key-policy", KEY, /has no explicit key policy/);
  });

  it("fires when the whole account may decrypt", () => {
    const g = clone(base);
    const k = node(g, KEY.type, KEY.name);
    const doc = JSON.parse(k.inputs.policy);
    doc.Statement[0].Action = "kms:*";
    k.inputs.policy = JSON.stringify(doc);
    expectOnly(g, ctx, "kms-key-policy", KEY, /statement KeyAdministration lets the whole account .* kms:\*/);
  });
});

describe("kms-deletion-window", () => {
  it("fires on the 7-day minimum", () => {
    const g = clone(base);
    node(g, KEY.type, KEY.name).inputs.deletionWindowInDays = 7;
    expectOnly(g, ctx, "kms-deletion-window", KEY, /deletionWindowInDays 7/);
  });
});

describe("cni-irsa", () => {
  it("fires when AmazonEKS_CNI_Policy goes back on the node role", () => {
    const g = clone(base);
    const a = node(g, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "vllm-node-AmazonEKSWorkerNodePolicy");
    a.inputs.policyArn = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy";
    expectOnly(
      g,
      ctx,
      "cni-irsa",
      { type: a.type, name: a.name },
      /attaches AmazonEKS_CNI_Policy to node role vllm-node/,
    );
  });
});

describe("irsa-trust-scoped", () => {
  it("fires on a wildcard service account", () => {
    const g = clone(base);
    const r = node(g, "aws:iam/role:Role", "vllm-ebs-csi");
    const doc = JSON.parse(r.inputs.assumeRolePolicy);
    const cond = doc.Statement[0].Condition;
    cond.StringLike = { [Object.keys(cond.StringEquals)[0]]: "system:serviceaccount:kube-system:*" };
    delete cond.StringEquals[Object.keys(cond.StringEquals).find((k) => k.endsWith(":sub"))!];
    r.inputs.assumeRolePolicy = JSON.stringify(doc);
    expectOnly(
      g,
      ctx,
      "irsa-trust-scoped",
      { type: r.type, name: r.name },
      /vllm-ebs-csi can be assumed .* by any service account/,
    );
  });
});

describe("access-entries-api", () => {
  it("fires on the aws-auth ConfigMap mode", () => {
    const g = clone(base);
    cluster(g).inputs.authenticationMode = "API_AND_CONFIG_MAP";
    expectOnly(g, ctx, "access-entries-api", CLUSTER, /authenticationMode "API_AND_CONFIG_MAP"/);
  });
});

describe("node-no-remote-access", () => {
  it("fires on SSH access", () => {
    const g = clone(base);
    node(g, GPU.type, GPU.name).inputs.remoteAccess = { ec2SshKey: "ops" };
    expectOnly(g, ctx, "node-no-remote-access", GPU, /vllm-gpu sets remoteAccess/);
  });
});

describe("private-endpoint", () => {
  it("fires when the private endpoint is off", () => {
    const g = clone(base);
    cluster(g).inputs.endpointPrivateAccess = false;
    expectOnly(g, ctx, "private-endpoint", CLUSTER, /endpointPrivateAccess false/);
  });
});

describe("api-endpoint-restricted (split CIDRs)", () => {
  it("fires on two /1s covering the internet", () => {
    const g = clone(base);
    cluster(g).inputs.publicAccessCidrs = ["0.0.0.0/1", "128.0.0.0/1"];
    expectOnly(g, ctx, "api-endpoint-restricted", CLUSTER, /exposes its public API endpoint beyond known addresses/);
  });

  it("fires on a quarter of the internet, and on seven ranges covering half of it", () => {
    for (const cidrs of [
      ["0.0.0.0/2"],
      ["0.0.0.0/3", "32.0.0.0/4", "48.0.0.0/5", "64.0.0.0/3", "96.0.0.0/4", "112.0.0.0/5", "120.0.0.0/6"],
    ]) {
      const g = clone(base);
      cluster(g).inputs.publicAccessCidrs = cidrs;
      expectOnly(g, ctx, "api-endpoint-restricted", CLUSTER, /public addresses \(the limit is 65,536, a \/16\)/);
    }
  });
});

describe("namespace-psa-labels", () => {
  it("fires when a namespace loses its enforce label", () => {
    const g = clone(base);
    delete node(g, "kubernetes:core/v1:Namespace", "monitoring").inputs.metadata.labels[
      "pod-security.kubernetes.io/enforce"
    ];
    expectOnly(
      g,
      ctx,
      "namespace-psa-labels",
      { type: "kubernetes:core/v1:Namespace", name: "monitoring" },
      /no valid pod-security\.kubernetes\.io\/enforce label/,
    );
  });
});

describe("workloads-meet-psa", () => {
  it("fires when vLLM asks for host networking in a baseline namespace", () => {
    const g = clone(base);
    obj(g, "Deployment", "vllm").spec.template.spec.hostNetwork = true;
    expectOnly(
      g,
      ctx,
      "workloads-meet-psa",
      CONFIG_GROUP,
      /Deployment vllm\/vllm .*breaks the baseline Pod Security Standard .*hostNetwork/,
    );
  });

  it("fires when the benchmark adds a capability in a restricted namespace (existing stack, simulator)", () => {
    const g = clone(existing.nodes);
    obj(g, "CronJob", "vllm-bench").spec.jobTemplate.spec.template.spec.containers[0].securityContext.capabilities.add =
      ["NET_RAW"];
    expectOnly(
      g,
      existing.ctx,
      "workloads-meet-psa",
      CONFIG_GROUP,
      /CronJob vllm\/vllm-bench .*restricted .*bench: adds NET_RAW/,
    );
  });
});

describe("default-deny-ingress", () => {
  it("fires when the monitoring namespace loses its default-deny", () => {
    const g = clone(base);
    const group = node(g, MONITORING_POLICIES.type, MONITORING_POLICIES.name);
    group.inputs.objs = group.inputs.objs.filter((o: any) => o.metadata.name !== "default-deny-ingress");
    expectOnly(
      g,
      ctx,
      "default-deny-ingress",
      { type: "kubernetes:core/v1:Namespace", name: "monitoring" },
      /Namespace monitoring has no default-deny ingress NetworkPolicy/,
    );
  });
});

describe("netpol-no-open-ingress", () => {
  it("fires on an ipBlock of 0.0.0.0/0 and on a rule with neither sources nor ports", () => {
    const g = clone(base);
    const group = node(g, MONITORING_POLICIES.type, MONITORING_POLICIES.name);
    const np = group.inputs.objs.find((o: any) => o.metadata.name === "allow-to-grafana");
    np.spec.ingress.push({ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 3000, protocol: "TCP" }] }, {});
    const vs = expectOnly(
      g,
      ctx,
      "netpol-no-open-ingress",
      MONITORING_POLICIES,
      /NetworkPolicy monitoring\/allow-to-grafana .*ingress (rule \d|ipBlocks)/,
    );
    expect(
      vs.map((v) => v.message.match(/(admit \S+ public addresses|admits every source on every port)/)![1]),
    ).toEqual(["admit 4,256,038,912 public addresses", "admits every source on every port"]);
  });

  it("fires on an internet ipBlock split into many small peers", () => {
    const g = clone(base);
    const group = node(g, MONITORING_POLICIES.type, MONITORING_POLICIES.name);
    const np = group.inputs.objs.find((o: any) => o.metadata.name === "allow-to-grafana");
    // 300 peers of a /24 each: none is large, together they are more than a /16.
    const from = [...Array(300).keys()].map((i) => ({ ipBlock: { cidr: `198.${50 + (i >> 8)}.${i % 256}.0/24` } }));
    np.spec.ingress.push(
      { from: from.slice(0, 150), ports: [{ port: 3000 }] },
      { from: from.slice(150), ports: [{ port: 3000 }] },
    );
    expectOnly(
      g,
      ctx,
      "netpol-no-open-ingress",
      MONITORING_POLICIES,
      /allow-to-grafana .*ingress ipBlocks .* admit 76,800 public addresses \(the limit is 65,536/,
    );
  });
});

describe("grafana-exposure", () => {
  it("fires on a LoadBalancer without source ranges", () => {
    const g = clone(base);
    release(g, "kube-prometheus-stack").inputs.values.grafana.service = { type: "LoadBalancer" };
    expectOnly(
      g,
      { ...ctx, allowLoadBalancers: ["release/kube-prometheus-stack"] },
      "grafana-exposure",
      KPS,
      /exposes Grafana as a LoadBalancer to every address/,
    );
  });
});

describe("grafana-sidecar-scoped", () => {
  it("fires on searchNamespace ALL with a ClusterRole", () => {
    const g = clone(base);
    const grafana = release(g, "kube-prometheus-stack").inputs.values.grafana;
    grafana.sidecar.dashboards.searchNamespace = "ALL";
    delete grafana.rbac;
    expectOnly(g, ctx, "grafana-sidecar-scoped", KPS, /searches ALL namespaces and rbac\.namespaced is not true/);
  });
});

describe("no-plain-secret-args", () => {
  it("fires on an API key in the vLLM arguments", () => {
    const g = clone(base);
    vllmContainer(g).args.push("--api-key=sk-test-0123456789");
    expectOnly(
      g,
      ctx,
      "no-plain-secret-args",
      CONFIG_GROUP,
      /container vllm has a credential in its arguments \(--api-key\)/,
    );
  });

  it("fires on an abbreviation of a secret flag, which vLLM's parser expands", () => {
    const g = clone(base);
    vllmContainer(g).args.push("--hf-tok=plainvalue");
    expectOnly(g, ctx, "no-plain-secret-args", CONFIG_GROUP, /container vllm has a credential in its arguments/);
  });

  it("fires on a plain AWS_SECRET_ACCESS_KEY", () => {
    const g = clone(base);
    vllmContainer(g).env.push({ name: "AWS_SECRET_ACCESS_KEY", value: "x" });
    expectOnly(g, ctx, "no-plain-secret-args", CONFIG_GROUP, /sets env AWS_SECRET_ACCESS_KEY as a plain value/);
  });

  it("fires on a plain token env var", () => {
    const g = clone(base);
    vllmContainer(g).env.push({ name: "HF_TOKEN", value: "x" });
    expectOnly(g, ctx, "no-plain-secret-args", CONFIG_GROUP, /sets env HF_TOKEN as a plain value/);
  });
});

describe("vllm-managed-flags", () => {
  it("fires when extra arguments repeat --port", () => {
    const g = clone(base);
    vllmContainer(g).args.push("--port=9000");
    expectOnly(g, ctx, "vllm-managed-flags", CONFIG_GROUP, /repeats --port in the vLLM arguments/);
  });

  it("fires when an abbreviation repeats --tensor-parallel-size", () => {
    const g = clone(base);
    vllmContainer(g).args.push("--tensor-para=2");
    expectOnly(g, ctx, "vllm-managed-flags", CONFIG_GROUP, /repeats --tensor-parallel-size in the vLLM arguments/);
  });
});

describe("no-sa-token-automount", () => {
  it("fires when the benchmark mounts a token", () => {
    const g = clone(base);
    obj(g, "CronJob", "vllm-bench").spec.jobTemplate.spec.template.spec.automountServiceAccountToken = true;
    expectOnly(
      g,
      ctx,
      "no-sa-token-automount",
      CONFIG_GROUP,
      /CronJob vllm\/vllm-bench .*mounts a service account token/,
    );
  });
});

describe("no-default-namespace", () => {
  it("fires on an object in default", () => {
    const g = clone(base);
    obj(g, "PrometheusRule", "vllm-alert-rules").metadata.namespace = "default";
    const vs = expectOnly(
      g,
      ctx,
      "no-default-namespace",
      CONFIG_GROUP,
      /PrometheusRule default\/vllm-alert-rules .*is in the default namespace/,
    );
    expect(vs).toHaveLength(1);
  });
});

describe("storage-class-encrypted", () => {
  it("fires on an unencrypted gp3 class", () => {
    const g = clone(base);
    node(g, "kubernetes:storage.k8s.io/v1:StorageClass", "gp3").inputs.parameters.encrypted = "false";
    expectOnly(
      g,
      ctx,
      "storage-class-encrypted",
      { type: "kubernetes:storage.k8s.io/v1:StorageClass", name: "gp3" },
      /StorageClass gp3 provisions unencrypted EBS volumes/,
    );
  });
});
