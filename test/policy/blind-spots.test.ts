import { beforeAll, describe, expect, it } from "vitest";
import type { GraphNode } from "../../policy/model";
import { evaluate } from "../../policy/rules";
import type { RuleContext } from "../../policy/types";
import { clone, CONFIG_GROUP, expectOnly, node, obj, stackGraph } from "./helpers";

// What the pack could not see before: each mutation below is a code change that weakens a control
// the way a rule exists to catch, and the rule now fires on it (the default stacks pass every rule:
// default-stacks.test.ts).

let base: GraphNode[];
let ctx: RuleContext;
beforeAll(async () => {
  ({ nodes: base, ctx } = await stackGraph("Pulumi.eks.yaml"));
});

const GPU = { type: "eks:index:ManagedNodeGroup", name: "vllm-gpu" };
const KEY = { type: "aws:kms/key:Key", name: "vllm-secrets" };
const roles = (g: GraphNode[]) => g.filter((n) => n.type === "aws:iam/role:Role");
const trusts = (r: GraphNode, what: string) => JSON.stringify(r.inputs.assumeRolePolicy).includes(what);
const editPolicy = (n: GraphNode, key: string, edit: (doc: any) => void) => {
  const doc = typeof n.inputs[key] === "string" ? JSON.parse(n.inputs[key]) : clone(n.inputs[key]);
  edit(doc);
  n.inputs[key] = JSON.stringify(doc);
};
const vllmPod = (g: GraphNode[]) => obj(g, "Deployment", "vllm").spec.template.spec;

describe("launch templates from outside the stack", () => {
  it("fail the launch-template rules instead of being skipped", () => {
    const g = clone(base);
    node(g, GPU.type, GPU.name).inputs.launchTemplate = { id: "lt-0abc1234def567890", version: "3" };
    const vs = evaluate(g, ctx);
    expect([...new Set(vs.map((v) => v.ruleId))].sort()).toEqual([
      "imds-hop-limit",
      "imdsv2-required",
      "node-volumes-encrypted",
    ]);
    for (const v of vs.filter((x) => x.ruleId !== "imdsv2-required")) {
      expect(v.resource).toEqual(GPU);
      expect(v.message).toMatch(/uses a launch template from outside the stack/);
    }
  });
});

describe("kms-key-policy", () => {
  it('fires on Principal "*" narrowed only to the caller account', () => {
    const g = clone(base);
    editPolicy(node(g, KEY.type, KEY.name), "policy", (d) =>
      d.Statement.push({
        Sid: "AnyoneInAccount",
        Effect: "Allow",
        Principal: "*",
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringEquals: { "kms:CallerAccount": "123456789012" } },
      }),
    );
    expectOnly(
      g,
      ctx,
      "kms-key-policy",
      KEY,
      /statement AnyoneInAccount allows Principal "\*" with only an account condition/,
    );
  });

  it("fires when the administrators may create grants (kms:Create*)", () => {
    const g = clone(base);
    editPolicy(node(g, KEY.type, KEY.name), "policy", (d) => d.Statement[0].Action.push("kms:Create*"));
    expectOnly(g, ctx, "kms-key-policy", KEY, /statement KeyAdministration lets the whole account .* kms:Create\*/);
  });
});

describe("irsa-trust-scoped", () => {
  it("fires on an IRSA trust that allows sts:* without the service-account condition", () => {
    const g = clone(base);
    const r = roles(g).find((x) => trusts(x, "AssumeRoleWithWebIdentity"))!;
    editPolicy(r, "assumeRolePolicy", (d) => {
      d.Statement[0].Action = "sts:*";
      delete d.Statement[0].Condition;
    });
    expectOnly(g, ctx, "irsa-trust-scoped", { type: r.type, name: r.name }, /any service account/);
  });
});

describe("cni-irsa", () => {
  it("fires on AmazonEKS_CNI_Policy in the node role's managedPolicyArns", () => {
    const g = clone(base);
    const r = roles(g).find((x) => trusts(x, "ec2.amazonaws.com"))!;
    r.inputs.managedPolicyArns = ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"];
    expectOnly(g, ctx, "cni-irsa", { type: r.type, name: r.name }, /lists AmazonEKS_CNI_Policy in managedPolicyArns/);
  });
});

describe("workloads-meet-psa (baseline fields the pack did not read)", () => {
  it.each([
    ["procMount Unmasked", (p: any) => (p.containers[0].securityContext.procMount = "Unmasked"), /procMount Unmasked/],
    [
      "an unsafe sysctl",
      (p: any) => (p.securityContext.sysctls = [{ name: "kernel.msgmax", value: "65536" }]),
      /unsafe sysctl kernel\.msgmax/,
    ],
    [
      "AppArmor Unconfined",
      (p: any) => (p.containers[0].securityContext.appArmorProfile = { type: "Unconfined" }),
      /AppArmor Unconfined/,
    ],
  ])("fires on %s in the vLLM pod", (_what, mutate, why) => {
    const g = clone(base);
    mutate(vllmPod(g));
    expectOnly(g, ctx, "workloads-meet-psa", CONFIG_GROUP, why);
  });
});

describe("rbac-least-privilege", () => {
  it("fires on a cluster-admin binding and a wildcard Role", () => {
    const g = clone(base);
    node(g, CONFIG_GROUP.type, CONFIG_GROUP.name).inputs.objs.push(
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "vllm-admin" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
        subjects: [{ kind: "ServiceAccount", name: "vllm", namespace: "vllm" }],
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "everything", namespace: "vllm" },
        rules: [{ apiGroups: [""], resources: ["*"], verbs: ["*"] }],
      },
    );
    const vs = expectOnly(
      g,
      ctx,
      "rbac-least-privilege",
      CONFIG_GROUP,
      /ClusterRoleBinding vllm-admin|Role vllm\/everything/,
    );
    expect(vs.map((v) => v.message)).toEqual([
      expect.stringMatching(/binds cluster-admin/),
      expect.stringMatching(/rule 0 has a wildcard in verbs, resources/),
    ]);
  });

  it("fires on the Grafana reader Role widened to every verb", () => {
    const g = clone(base);
    const role = g.find((n) => n.type === "kubernetes:rbac.authorization.k8s.io/v1:Role")!;
    role.inputs.rules[0].verbs = ["*"];
    expectOnly(g, ctx, "rbac-least-privilege", { type: role.type, name: role.name }, /wildcard in verbs/);
  });
});

describe("workload-service-account", () => {
  it("fires when the vLLM pod falls back to the default ServiceAccount", () => {
    const g = clone(base);
    delete vllmPod(g).serviceAccountName;
    expectOnly(g, ctx, "workload-service-account", CONFIG_GROUP, /Deployment vllm\/vllm .* default ServiceAccount/);
  });

  it("fires on a ServiceAccount of ours that mounts its token", () => {
    const g = clone(base);
    obj(g, "ServiceAccount", "vllm-bench").automountServiceAccountToken = true;
    expectOnly(g, ctx, "workload-service-account", CONFIG_GROUP, /ServiceAccount vllm\/vllm-bench .* mounts its token/);
  });
});
