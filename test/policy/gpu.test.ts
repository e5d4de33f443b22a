import { beforeAll, describe, expect, it } from "vitest";
import type { GraphNode } from "../../policy/model";
import { evaluate, rules } from "../../policy/rules";
import type { RuleContext } from "../../policy/types";
import { clone, CONFIG_GROUP, expectOnly, node, obj, release, stackGraph } from "./helpers";

let base: GraphNode[];
let ctx: RuleContext;
beforeAll(async () => {
  ({ nodes: base, ctx } = await stackGraph("Pulumi.eks.yaml"));
});

const GPU_GROUP = { type: "eks:index:ManagedNodeGroup", name: "vllm-gpu" };
const gpuGroup = (g: GraphNode[]) => node(g, GPU_GROUP.type, GPU_GROUP.name);
const vllmPod = (g: GraphNode[]) => obj(g, "Deployment", "vllm").spec.template.spec;

describe("gpu-node-group", () => {
  it("fires when the GPU group loses its taint", () => {
    const g = clone(base);
    gpuGroup(g).inputs.taints = [];
    expectOnly(g, ctx, "gpu-node-group", GPU_GROUP, /vllm-gpu lacks the taint nvidia\.com\/gpu=true:NoSchedule/);
  });

  it("fires when the GPU group uses a CPU AMI", () => {
    const g = clone(base);
    gpuGroup(g).inputs.amiType = "AL2023_x86_64_STANDARD";
    expectOnly(g, ctx, "gpu-node-group", GPU_GROUP, /vllm-gpu has amiType "AL2023_x86_64_STANDARD", not an NVIDIA AMI/);
  });

  it("fires on the cluster when there is no GPU group at all", () => {
    const g = clone(base).filter((n) => n.name !== "vllm-gpu" && !n.name.startsWith("vllm-gpu-template"));
    expectOnly(
      g,
      ctx,
      "gpu-node-group",
      { type: "eks:index:Cluster", name: "vllm" },
      /EKS cluster vllm has no GPU node group/,
    );
  });
});

describe("gpu-workload-scheduling", () => {
  it("fires when the vLLM pod stops tolerating the GPU taint", () => {
    const g = clone(base);
    vllmPod(g).tolerations = [];
    expectOnly(
      g,
      ctx,
      "gpu-workload-scheduling",
      CONFIG_GROUP,
      /Deployment vllm\/vllm \(in ConfigGroup workloads\) requests nvidia\.com\/gpu but does not tolerate/,
    );
  });

  it("fires when the vLLM pod stops selecting GPU nodes", () => {
    const g = clone(base);
    delete vllmPod(g).nodeSelector;
    expectOnly(
      g,
      ctx,
      "gpu-workload-scheduling",
      CONFIG_GROUP,
      /Deployment vllm\/vllm .*does not select the GPU nodes/,
    );
  });

  it("accepts a required node affinity on the GPU label instead of a nodeSelector", () => {
    const g = clone(base);
    const pod = vllmPod(g);
    delete pod.nodeSelector;
    pod.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: "vllm-k8s.io/node-pool", operator: "In", values: ["gpu"] }] },
          ],
        },
      },
    };
    expect(evaluate(g, ctx)).toEqual([]);
  });
});

describe("gpu-nodes-reserved", () => {
  it("fires when the CPU benchmark tolerates the GPU taint", () => {
    const g = clone(base);
    obj(g, "CronJob", "vllm-bench").spec.jobTemplate.spec.template.spec.tolerations = [{ operator: "Exists" }];
    expectOnly(
      g,
      ctx,
      "gpu-nodes-reserved",
      CONFIG_GROUP,
      /CronJob vllm\/vllm-bench .*requests no GPU but tolerates the GPU taint/,
    );
  });

  it("fires when a CPU add-on's Helm values select the GPU nodes", () => {
    const g = clone(base);
    release(g, "pushgateway").inputs.values.nodeSelector = { "vllm-k8s.io/node-pool": "gpu" };
    expectOnly(
      g,
      ctx,
      "gpu-nodes-reserved",
      { type: "kubernetes:helm.sh/v3:Release", name: "pushgateway" },
      /Helm release pushgateway .*selects the GPU nodes at values\.nodeSelector/,
    );
  });

  it("allows the device plugin and dcgm-exporter, which tolerate the taint in the default graph", () => {
    const tolerations = (name: string) => release(base, name).inputs.values.tolerations;
    expect(tolerations("nvidia-device-plugin")).toContainEqual(expect.objectContaining({ key: "nvidia.com/gpu" }));
    expect(tolerations("dcgm-exporter")).toContainEqual(expect.objectContaining({ key: "nvidia.com/gpu" }));
    expect(evaluate(base, ctx)).toEqual([]);
  });

  it("allows a GPU DaemonSet object by name but not another DaemonSet", () => {
    const ds = (name: string) => ({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name, namespace: "kube-system", labels: { "app.kubernetes.io/name": name } },
      spec: {
        template: {
          metadata: { labels: {} },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            nodeSelector: { "vllm-k8s.io/node-pool": "gpu" },
            tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
            containers: [
              {
                name: "c",
                image: "x/y:1.0",
                resources: { requests: { cpu: "1m", memory: "1Mi" }, limits: { memory: "1Mi" } },
              },
            ],
          },
        },
      },
    });
    const g = clone(base);
    node(g, CONFIG_GROUP.type, CONFIG_GROUP.name).inputs.objs.push(ds("dcgm-exporter"), ds("log-shipper"));
    const vs = expectOnly(g, ctx, "gpu-nodes-reserved", CONFIG_GROUP, /DaemonSet kube-system\/log-shipper/);
    expect(vs).toHaveLength(2);
  });
});

describe("gpu-scale-from-zero", () => {
  it("fires when the GPU group's minimum is above zero", () => {
    const g = clone(base);
    gpuGroup(g).inputs.scalingConfig.minSize = 1;
    expectOnly(g, ctx, "gpu-scale-from-zero", GPU_GROUP, /vllm-gpu has scalingConfig\.minSize 1/);
  });

  it("fires when the GPU group has no max", () => {
    const g = clone(base);
    delete gpuGroup(g).inputs.scalingConfig.maxSize;
    expectOnly(g, ctx, "gpu-scale-from-zero", GPU_GROUP, /vllm-gpu has no usable scalingConfig\.maxSize/);
  });

  it("fires when the ASG lacks the taint node-template tag", () => {
    const g = clone(base).filter(
      (n) => !(n.type === "aws:autoscaling/tag:Tag" && n.inputs.tag.key.includes("/taint/")),
    );
    expectOnly(
      g,
      ctx,
      "gpu-scale-from-zero",
      GPU_GROUP,
      /lacks the tag k8s\.io\/cluster-autoscaler\/node-template\/taint\/nvidia\.com\/gpu=true:NoSchedule/,
    );
  });

  it("fires when the GPU count tag is missing", () => {
    const g = clone(base).filter(
      (n) => !(n.type === "aws:autoscaling/tag:Tag" && n.inputs.tag.key.endsWith("resources/nvidia.com/gpu")),
    );
    expectOnly(g, ctx, "gpu-scale-from-zero", GPU_GROUP, /node-template\/resources\/nvidia\.com\/gpu/);
  });
});

describe("gpu-workload-scheduling follows the cluster mode", () => {
  // A cluster the user brings, serving with vLLM: the real use of `existing` mode.
  const input = { config: { cluster: { mode: "existing" }, serving: { engine: "vllm" } }, stack: "existing" };
  let existing: GraphNode[];
  let existingCtx: RuleContext;
  beforeAll(async () => {
    const { buildGraph } = await import("../../scripts/graph/build");
    const { parseStackConfig } = await import("../../infra/config-load");
    const { policyAllowances } = await import("../../infra/mapper");
    const { contextFor } = await import("../../policy/context");
    existing = (await buildGraph(input)).nodes;
    existingCtx = contextFor(policyAllowances(parseStackConfig(input.config)));
  });

  it("an existing-mode vLLM stack passes the whole pack (its GPU limit places it, no node label)", () => {
    expect(vllmPod(existing).nodeSelector).toBeUndefined();
    const mandatory = new Set(rules.filter((r) => r.enforcement === "mandatory").map((r) => r.id));
    expect(mandatory.has("gpu-workload-scheduling")).toBe(true);
    expect(evaluate(existing, existingCtx).filter((v) => mandatory.has(v.ruleId))).toEqual([]);
  });

  it("fires there, in that mode's words, when the vLLM pod pins a node label", () => {
    const g = clone(existing);
    vllmPod(g).nodeSelector = { "vllm-k8s.io/node-pool": "gpu" };
    const [v] = expectOnly(
      g,
      existingCtx,
      "gpu-workload-scheduling",
      CONFIG_GROUP,
      /pins nodes by vllm-k8s\.io\/node-pool=gpu: on an existing cluster .* its nvidia\.com\/gpu limit places it/,
    );
    expect(v.message).not.toMatch(/autoscaler/);
  });

  it("fires there when the GPU is requested without a limit", () => {
    const g = clone(existing);
    const c = vllmPod(g).containers[0];
    c.resources.requests = { ...c.resources.requests, "nvidia.com/gpu": c.resources.limits["nvidia.com/gpu"] };
    delete c.resources.limits["nvidia.com/gpu"];
    expectOnly(g, existingCtx, "gpu-workload-scheduling", CONFIG_GROUP, /without a limit\. On an existing cluster/);
  });
});
