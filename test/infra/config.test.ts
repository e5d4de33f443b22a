import { describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig } from "../../infra/config-load";

const eks = { cluster: { publicAccessCidrs: ["203.0.113.10/32"] } };
const merge = (extra: Record<string, any>) => {
  const out: Record<string, any> = structuredClone(eks);
  for (const [k, v] of Object.entries(extra)) out[k] = { ...(out[k] ?? {}), ...v };
  return out;
};

function rejection(raw: Record<string, unknown>, secrets: string[] = []): ConfigError {
  try {
    parseStackConfig(raw, secrets as never);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`config was accepted: ${JSON.stringify(raw)}`);
}

describe("stack config", () => {
  it("fills every default for a minimal eks stack", () => {
    const c = parseStackConfig(eks);
    expect(c.cluster.mode).toBe("eks");
    expect(c.gpuNodes).toMatchObject({ amiType: "AL2023_x86_64_NVIDIA", minSize: 0, gpusPerNode: 1 });
    expect(c.model.servedName).toBe(c.model.id);
    expect(c.addons).toMatchObject({ nvidiaDevicePlugin: true, clusterAutoscaler: true });
    expect(c.monitoring.alerts.e2eLatencyP95Seconds).toBe(2);
  });

  it("resolves mode-dependent defaults", () => {
    const existing = parseStackConfig({ cluster: { mode: "existing" } });
    expect(existing.addons.clusterAutoscaler).toBe(false);
    const bottlerocket = parseStackConfig(merge({ gpuNodes: { amiType: "BOTTLEROCKET_x86_64_NVIDIA" } }));
    expect(bottlerocket.addons.nvidiaDevicePlugin).toBe(false);
  });

  it("accepts a multi-GPU stack with tensor parallelism", () => {
    const c = parseStackConfig(merge({ gpuNodes: { instanceTypes: ["g6.12xlarge"], gpusPerNode: 4 }, model: { tensorParallelSize: 4 } }));
    expect(c.model.tensorParallelSize).toBe(4);
  });

  // Each bad config must be rejected with the offending key named (and, where useful, the fix).
  const bad: [string, Record<string, unknown>, string, RegExp?, string[]?][] = [
    ["unknown section (typo)", { ...eks, gpuNode: {} }, "vllm-k8s:gpuNode", /Did you mean 'gpuNodes'/],
    ["unknown nested key (typo)", merge({ gpuNodes: { minsize: 1 } }), "vllm-k8s:gpuNodes.minsize", /Did you mean 'minSize'/],
    ["unsupported AMI", merge({ gpuNodes: { amiType: "AL2_x86_64_GPU" } }), "vllm-k8s:gpuNodes.amiType", /AL2023_x86_64_NVIDIA/],
    ["negative GPU min size", merge({ gpuNodes: { minSize: -1 } }), "vllm-k8s:gpuNodes.minSize"],
    ["min above max", merge({ gpuNodes: { minSize: 3, desiredSize: 3, maxSize: 2 } }), "vllm-k8s:gpuNodes.minSize", /Lower minSize/],
    ["unsupported Kubernetes version", merge({ cluster: { kubernetesVersion: "1.27" } }), "vllm-k8s:cluster.kubernetesVersion"],
    ["bad region", merge({ cluster: { region: "mars-1" } }), "vllm-k8s:cluster.region", /us-west-2/],
    ["public endpoint without CIDRs", { cluster: {} }, "vllm-k8s:cluster.publicAccessCidrs", /egress IP/],
    ["API open to the world", merge({ cluster: { publicAccessCidrs: ["0.0.0.0/0"] } }), "vllm-k8s:cluster.publicAccessCidrs", /allowPublicApiFromAnywhere/],
    ["bad CIDR", merge({ network: { vpcCidr: "10.0.0.0" } }), "vllm-k8s:network.vpcCidr", /IPv4 CIDR/],
    ["tensor parallel above GPUs per node", merge({ model: { tensorParallelSize: 2 } }), "vllm-k8s:model.tensorParallelSize", /cannot span nodes/],
    ["GPU count contradicts the instance type", merge({ gpuNodes: { instanceTypes: ["g6.12xlarge"], gpusPerNode: 1 } }), "vllm-k8s:gpuNodes.gpusPerNode", /gpusPerNode: 4/],
    ["GPU memory utilisation above 1", merge({ model: { gpuMemoryUtilization: 1.5 } }), "vllm-k8s:model.gpuMemoryUtilization"],
    ["cluster-autoscaler in existing mode", { cluster: { mode: "existing" }, addons: { clusterAutoscaler: true } }, "vllm-k8s:addons.clusterAutoscaler", /eks mode/],
    ["second device plugin on Bottlerocket", merge({ gpuNodes: { amiType: "BOTTLEROCKET_x86_64_NVIDIA" }, addons: { nvidiaDevicePlugin: true } }), "vllm-k8s:addons.nvidiaDevicePlugin"],
    ["API key on without the secret", merge({ serving: { apiKeyEnabled: true } }), "vllm-k8s:serving.apiKeyEnabled", /pulumi config set --secret vllmApiKey/],
    ["secret set as plain config", { ...eks, hfToken: "hf_abc" }, "vllm-k8s:hfToken", /--secret/],
    ["HPA without prometheus-adapter", merge({ addons: { prometheusAdapter: false } }), "vllm-k8s:autoscaling.enabled", /prometheusAdapter/],
    ["more replicas than GPU nodes hold", merge({ autoscaling: { maxReplicas: 10 } }), "vllm-k8s:autoscaling.maxReplicas", /gpuNodes.maxSize/],
    ["bad model id", merge({ model: { id: "not a model" } }), "vllm-k8s:model.id", /Hugging Face/],
    ["old GPU family", merge({ gpuNodes: { instanceTypes: ["g4dn.xlarge"] } }), "vllm-k8s:gpuNodes.instanceTypes", /too old/],
    ["bad alert threshold", merge({ monitoring: { alerts: { kvCacheUsageRatio: 5 } } }), "vllm-k8s:monitoring.alerts.kvCacheUsageRatio"],
    ["GPU memory alert at vLLM's own reservation", merge({ monitoring: { alerts: { gpuMemoryUsageRatio: 0.9 } } }), "vllm-k8s:monitoring.alerts.gpuMemoryUsageRatio", /above 0\.9/],
    ["bad namespace name", merge({ serving: { namespace: "My_NS" } }), "vllm-k8s:serving.namespace", /DNS label/],
    ["benchmark rate and ramp together", merge({ benchmark: { overrides: { requestRate: 4, rampUp: { strategy: "linear", startRps: 1, endRps: 8 } } } }), "vllm-k8s:benchmark.overrides.rampUp", /Keep one of them/],
    ["zero benchmark request rate", merge({ benchmark: { overrides: { requestRate: 0 } } }), "vllm-k8s:benchmark.overrides.requestRate"],
    ["unknown ramp strategy", merge({ benchmark: { overrides: { rampUp: { strategy: "step", startRps: 1, endRps: 8 } } } }), "vllm-k8s:benchmark.overrides.rampUp.strategy", /linear/],
  ];

  it.each(bad)("rejects %s, naming the key", (_label, raw, key, fix) => {
    const err = rejection(raw);
    expect(err.message).toContain(`${key}:`);
    if (fix) expect(err.message).toMatch(fix);
  });

  it("accepts the API key when its secret is present", () => {
    expect(() => parseStackConfig(merge({ serving: { apiKeyEnabled: true } }), ["vllmApiKey"])).not.toThrow();
  });

  it("lists every problem at once", () => {
    const err = rejection(merge({ gpuNodes: { minSize: -1 }, model: { maxModelLen: 1 } }));
    expect(err.issues.map((i) => i.path).sort()).toEqual(["gpuNodes.minSize", "model.maxModelLen"]);
  });
});
