import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import type { GraphNode } from "../../policy/model";
import { UNKNOWN } from "../../policy/graph";
import { plain } from "../../policy/pack/convert";
import { policies } from "../../policy/pack/policies";
import { ruleById, rules } from "../../policy/rules";
import { defaultContext } from "../../policy/types";
import { clone, node, stackGraph } from "./helpers";

// The pack's policies imported without the PolicyPack (whose constructor starts a server),
// fed resources the way @pulumi/policy's server hands them over (behind its unknown-checking proxy).
// A non-literal specifier: the package's proxy module has no type declarations for these helpers.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
const proxy = await import("@pulumi/policy/proxy" as string);
const wrap = (o: unknown) => proxy.unknownCheckingProxy(structuredClone(o));

let base: GraphNode[];
beforeAll(async () => {
  ({ nodes: base } = await stackGraph("Pulumi.eks.yaml"));
});

const policy = (id: string) => policies.find((p) => p.name === id)!;
const resourcePolicy = (id: string) => policy(id) as ResourceValidationPolicy;
const stackPolicy = (id: string) => policy(id) as StackValidationPolicy;

function runResource(id: string, n: GraphNode, config: object = {}): string[] {
  const messages: string[] = [];
  const validate = resourcePolicy(id).validateResource as (
    args: any,
    report: (m: string, urn?: string) => void,
  ) => void;
  validate(
    {
      type: n.type,
      name: n.name,
      urn: n.urn,
      props: wrap(n.inputs),
      opts: {},
      stackTags: new Map(),
      getConfig: () => config,
      isType: () => false,
      asType: () => undefined,
      notApplicable: () => {
        throw new Error("n/a");
      },
    },
    (m) => messages.push(m),
  );
  return messages;
}

/** PolicyResources with parents and dependencies as objects, like the server builds them. */
/** Stack-level props are outputs: our inputs plus the ARN AWS resources get (ending in their id). */
const outputs = (n: GraphNode) =>
  n.custom && n.type.startsWith("aws:ec2/") && !n.inputs.arn
    ? { ...n.inputs, arn: `arn:aws:ec2:us-west-2:123456789012:${n.type.split(":")[2].toLowerCase()}/${n.id}` }
    : n.inputs;

function asStack(nodes: GraphNode[], propsOf: (n: GraphNode) => object = outputs): PolicyResource[] {
  const byName = new Map<string, any>();
  const out = nodes.map((n) => {
    const r: any = {
      type: n.type,
      name: n.name,
      urn: n.urn,
      props: wrap(propsOf(n)),
      opts: {},
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    byName.set(n.name, r);
    return r;
  });
  nodes.forEach((n, i) => {
    if (n.parent) out[i].parent = byName.get(n.parent);
    out[i].dependencies = n.dependencies.map((d) => byName.get(d)).filter(Boolean);
  });
  return out;
}

function runStack(id: string, resources: PolicyResource[], config: object = {}): { message: string; urn?: string }[] {
  const out: { message: string; urn?: string }[] = [];
  // The rules are synchronous: `out` is complete when validateStack returns.
  void stackPolicy(id).validateStack(
    {
      resources,
      stackTags: new Map(),
      getConfig: <T>() => config as T,
      notApplicable: () => {
        throw new Error("n/a");
      },
    },
    (message, urn) => out.push({ message, urn }),
  );
  return out;
}

describe("policy pack", () => {
  it("has one policy per rule with the rule's id, description, severity and enforcement", () => {
    expect(policies.map((p) => p.name)).toEqual(rules.map((r) => r.id));
    for (const r of rules) {
      const p = policy(r.id);
      expect([p.description, p.severity, p.enforcementLevel]).toEqual([r.description, r.severity, r.enforcement]);
      expect("validateResource" in p).toBe(r.scope === "resource");
    }
  });

  it("validateResource reports exactly what the rule function reports", () => {
    const cluster = clone(node(base, "eks:index:Cluster", "vllm"));
    delete cluster.inputs.encryptionConfigKeyArn;
    const expected = ruleById("secrets-encryption")
      .check([cluster], defaultContext)
      .map((v) => v.message);
    expect(expected).toHaveLength(1);
    expect(runResource("secrets-encryption", cluster)).toEqual(expected);
    expect(runResource("secrets-encryption", node(base, "eks:index:Cluster", "vllm"))).toEqual([]);
  });

  it("reads the allowances from policy config", () => {
    const cluster = clone(node(base, "eks:index:Cluster", "vllm"));
    cluster.inputs.publicAccessCidrs = ["0.0.0.0/0"];
    expect(runResource("api-endpoint-restricted", cluster)[0]).toMatch(
      /EKS cluster vllm exposes its public API endpoint/,
    );
    expect(runResource("api-endpoint-restricted", cluster, { allowPublicApiFromAnywhere: true })).toEqual([]);
    expect(resourcePolicy("api-endpoint-restricted").configSchema?.properties.allowPublicApiFromAnywhere).toMatchObject(
      { type: "boolean", default: false },
    );
  });

  it("validateStack reports on the resource's URN", () => {
    const g = clone(base);
    const group = node(g, "kubernetes:yaml/v2:ConfigGroup", "workloads");
    group.inputs.objs = group.inputs.objs.filter((o: any) => o.kind !== "PodDisruptionBudget");
    const got = runStack("vllm-pdb", asStack(g));
    expect(got).toEqual([
      {
        message: expect.stringMatching(/Deployment vllm\/vllm \(in ConfigGroup workloads\) has no PodDisruptionBudget/),
        urn: group.urn,
      },
    ]);
    expect(runStack("vllm-pdb", asStack(base))).toEqual([]);
  });

  it("validateStack also checks ConfigGroup children, as the real engine shows them", () => {
    // Real engine: the ConfigGroup's outputs hold no objs; each object is a child custom resource.
    const g = clone(base);
    const group = node(g, "kubernetes:yaml/v2:ConfigGroup", "workloads");
    const children: GraphNode[] = group.inputs.objs
      .filter((o: any) => o.kind !== "PodDisruptionBudget")
      .map((o: any) => {
        const [grp, ver] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["core", o.apiVersion];
        const type = `kubernetes:${grp}/${ver}:${o.kind}`;
        return {
          urn: `urn:pulumi:eks::vllm-k8s::${type}::${o.metadata.namespace}/${o.metadata.name}`,
          id: "",
          type,
          name: `${o.metadata.namespace}/${o.metadata.name}`,
          parent: "workloads",
          parentType: group.type,
          custom: true,
          inputs: { ...o, status: {} },
          secretInputs: [],
          dependencies: [],
        };
      });
    const stack = asStack([...g, ...children], (n) => (n === group ? { resources: [] } : outputs(n)));
    const got = runStack("vllm-pdb", stack);
    expect(got).toEqual([
      {
        message: expect.stringMatching(/^Deployment vllm\/vllm has no PodDisruptionBudget/),
        urn: children.find((c) => c.type === "kubernetes:apps/v1:Deployment")!.urn,
      },
    ]);
  });

  it("validateStack reads the aws:eks children when the @pulumi/eks components only show outputs", () => {
    // Real engine: component props are outputs; the node groups and cluster are aws:eks children;
    // IMDS and disks live in our own launch templates, which the children name.
    const g = clone(base);
    const extra: GraphNode[] = [];
    const child = (type: string, name: string, parent: GraphNode, inputs: Record<string, any>): GraphNode => {
      const n: GraphNode = {
        urn: `urn:pulumi:eks::vllm-k8s::${parent.type}$${type}::${name}`,
        id: "",
        type,
        name,
        parent: parent.name,
        parentType: parent.type,
        custom: true,
        inputs,
        secretInputs: [],
        dependencies: [],
      };
      extra.push(n);
      return n;
    };
    for (const group of g.filter((n) => n.type === "eks:index:ManagedNodeGroup")) {
      const i = group.inputs;
      child("aws:eks/nodeGroup:NodeGroup", group.name, group, {
        amiType: i.amiType,
        labels: i.labels,
        taints: i.taints,
        scalingConfig: i.scalingConfig,
        subnetIds: i.subnetIds,
        launchTemplate: i.launchTemplate,
      });
      group.inputs = { nodeGroup: { nodeGroupName: group.name } };
    }
    const cluster = node(g, "eks:index:Cluster", "vllm");
    child("aws:eks/cluster:Cluster", "vllm-eksCluster", cluster, {
      name: "vllm",
      encryptionConfig: { provider: { keyArn: cluster.inputs.encryptionConfigKeyArn }, resources: ["secrets"] },
      enabledClusterLogTypes: cluster.inputs.enabledClusterLogTypes,
      vpcConfig: {
        endpointPrivateAccess: true,
        endpointPublicAccess: true,
        publicAccessCidrs: cluster.inputs.publicAccessCidrs,
        subnetIds: cluster.inputs.privateSubnetIds,
      },
    });
    cluster.inputs = { eksCluster: { name: "vllm" }, kubeconfigJson: "{}" };
    const all = [...g, ...extra];
    const stackPolicies = policies.filter((p): p is StackValidationPolicy => "validateStack" in p);
    for (const p of stackPolicies) expect(runStack(p.name, asStack(all)), p.name).toEqual([]);

    const gpuChild = extra.find((n) => n.type === "aws:eks/nodeGroup:NodeGroup" && n.name === "vllm-gpu")!;
    gpuChild.inputs.taints = [];
    g.find((n) => n.name === "vllm-system-lt")!.inputs.metadataOptions.httpTokens = "optional";
    g.find((n) => n.name === "vllm-gpu-lt")!.inputs.metadataOptions.httpPutResponseHopLimit = 2;
    expect(runStack("gpu-node-group", asStack(all))).toEqual([
      { message: expect.stringMatching(/GPU node group vllm-gpu lacks the taint/), urn: gpuChild.urn },
    ]);
    expect(runStack("imdsv2-required", asStack(all))).toEqual([
      {
        message: expect.stringMatching(/Node group vllm-system does not require IMDSv2/),
        urn: expect.stringContaining("aws:eks/nodeGroup:NodeGroup::vllm-system"),
      },
    ]);
    expect(runStack("imds-hop-limit", asStack(all))).toEqual([
      {
        message: expect.stringMatching(/Node group vllm-gpu has IMDS hop limit 2/),
        urn: expect.stringContaining("aws:eks/nodeGroup:NodeGroup::vllm-gpu"),
      },
    ]);
  });

  it("passes the default eks stack through every policy", () => {
    const stack = asStack(base);
    for (const p of policies) {
      if ("validateStack" in p) expect(runStack(p.name, stack), p.name).toEqual([]);
      else for (const n of base) expect(runResource(p.name, n), `${p.name} on ${n.type} ${n.name}`).toEqual([]);
    }
  });

  it("turns values unknown during preview into a marker instead of throwing", () => {
    const props = proxy.unknownCheckingProxy({ encryptionConfigKeyArn: proxy.unknownStringValue, tags: { a: "b" } });
    expect(() => props.encryptionConfigKeyArn).toThrow(/can't be known during preview/);
    expect(plain(props)).toEqual({ encryptionConfigKeyArn: UNKNOWN, tags: { a: "b" } });
    const cluster = {
      ...node(base, "eks:index:Cluster", "vllm"),
      inputs: { encryptionConfigKeyArn: proxy.unknownStringValue },
    };
    expect(runResource("secrets-encryption", cluster as any)).toEqual([]);
  });
});
