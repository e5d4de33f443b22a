import { beforeAll, describe, expect, it } from "vitest";
import { appObjects } from "../../charts/app";
import { readStackFile, type Graph } from "../../scripts/graph/build";
import { parseStackConfig } from "../../infra/config-load";
import { pushgatewayUrl as pushgatewayServiceUrl } from "../../infra/addons/values/pushgateway";
import { chartPropsFromConfig } from "../../infra/mapper";
import { WORKLOAD_SECRETS } from "../graphs/examples";
import { exampleGraph } from "../graphs/read";
import { benchPod } from "./fixtures";
import { ecrRegistry } from "../../charts/security/registries";
import { MOCK_ACCOUNT } from "../../scripts/graph/mocks";

// The real program under Pulumi's mocks: VllmWorkloads deploys exactly the synthesised objects.
const HF = WORKLOAD_SECRETS.hfToken;
let graph: Graph;
beforeAll(async () => {
  graph = await exampleGraph("eks-api-key");
});

describe("VllmWorkloads under Pulumi mocks", () => {
  it("deploys the same objects as npm run synth (minus the namespace Pulumi owns) in one ConfigGroup", () => {
    const group = graph.nodes.find((n) => n.type === "kubernetes:yaml/v2:ConfigGroup" && n.name === "workloads")!;
    const input = readStackFile("Pulumi.eks.yaml");
    const cfg = parseStackConfig({ ...input.config, serving: { apiKeyEnabled: true } }, ["hfToken", "vllmApiKey"]);
    expect(cfg.addons.pushgateway).toBe(true);
    const expected = appObjects(
      chartPropsFromConfig(cfg, {
        includeNamespace: false,
        pushgatewayUrl: pushgatewayServiceUrl(cfg.monitoring.namespace),
        // The program approves this account's ECR (the mocks' account); synth cannot know it.
        ecrRegistry: ecrRegistry(MOCK_ACCOUNT, cfg.cluster.region),
      }),
    );
    expect(group.inputs.objs).toEqual(expected);
    expect(group.inputs.objs.some((o: any) => o.kind === "Namespace")).toBe(false);
  });

  it("creates the namespace and the HF token and API key Secrets from secret config, as secrets", () => {
    const ns = graph.nodes.find((n) => n.type === "kubernetes:core/v1:Namespace" && n.name === "serving-namespace")!;
    expect(ns.inputs.metadata.name).toBe("vllm");
    const secrets = graph.nodes.filter(
      (n) => n.type === "kubernetes:core/v1:Secret" && n.inputs.metadata?.namespace === "vllm",
    );
    expect(secrets.map((s) => s.inputs.metadata.name).sort()).toEqual(["vllm-api-key", "vllm-hf-token"]);
    for (const s of secrets) expect(s.secretInputs).toContain("stringData");
    const group = graph.nodes.find((n) => n.type === "kubernetes:yaml/v2:ConfigGroup" && n.name === "workloads")!;
    expect(JSON.stringify(group.inputs)).not.toContain(HF);
  });

  it("waits for the add-ons (CRDs, KEDA), the namespace and the Secrets", () => {
    const group = graph.nodes.find((n) => n.type === "kubernetes:yaml/v2:ConfigGroup" && n.name === "workloads")!;
    expect(group.dependencies).toEqual(
      expect.arrayContaining(["kube-prometheus-stack", "keda", "serving-namespace", "hf-token", "vllm-api-key"]),
    );
    expect(graph.outputs.serviceUrl).toBe("http://vllm.vllm.svc:8000");
  });
});

describe("VllmWorkloads with benchmark.buildImage", () => {
  it("runs the simulator and the benchmark from the pushed ECR digest, not the default tag", async () => {
    const g = await exampleGraph("eks-simulator-built-image");
    const objs = g.nodes.find((n) => n.type === "kubernetes:yaml/v2:ConfigGroup" && n.name === "workloads")!.inputs
      .objs as Array<Record<string, any>>;
    const deployment = objs.find((o) => o.kind === "Deployment")!.spec.template.spec.containers[0].image;
    const cronJob = benchPod(objs).containers[0].image;
    expect(deployment).toMatch(/vllm-bench@sha256:[0-9a-f]{64}$/);
    expect(cronJob).toBe(deployment);
    expect(g.outputs.benchImage).toBe(deployment);
  }, 60_000);
});
