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
    const c = parseStackConfig(
      merge({ gpuNodes: { instanceTypes: ["g6.12xlarge"], gpusPerNode: 4 }, model: { tensorParallelSize: 4 } }),
    );
    expect(c.model.tensorParallelSize).toBe(4);
  });

  // Each bad config must be rejected with the offending key named (and, where useful, the fix).
  const bad: [string, Record<string, unknown>, string, RegExp?, string[]?][] = [
    ["unknown section (typo)", { ...eks, gpuNode: {} }, "vllm-k8s:gpuNode", /Did you mean 'gpuNodes'/],
    [
      "unknown nested key (typo)",
      merge({ gpuNodes: { minsize: 1 } }),
      "vllm-k8s:gpuNodes.minsize",
      /Did you mean 'minSize'/,
    ],
    [
      "unsupported AMI",
      merge({ gpuNodes: { amiType: "AL2_x86_64_GPU" } }),
      "vllm-k8s:gpuNodes.amiType",
      /AL2023_x86_64_NVIDIA/,
    ],
    ["negative GPU min size", merge({ gpuNodes: { minSize: -1 } }), "vllm-k8s:gpuNodes.minSize"],
    [
      "min above max",
      merge({ gpuNodes: { minSize: 3, desiredSize: 3, maxSize: 2 } }),
      "vllm-k8s:gpuNodes.minSize",
      /Lower minSize/,
    ],
    [
      "unsupported Kubernetes version",
      merge({ cluster: { kubernetesVersion: "1.27" } }),
      "vllm-k8s:cluster.kubernetesVersion",
    ],
    ["bad region", merge({ cluster: { region: "mars-1" } }), "vllm-k8s:cluster.region", /us-west-2/],
    ["public endpoint without CIDRs", { cluster: {} }, "vllm-k8s:cluster.publicAccessCidrs", /egress IP/],
    [
      "API open to the world",
      merge({ cluster: { publicAccessCidrs: ["0.0.0.0/0"] } }),
      "vllm-k8s:cluster.publicAccessCidrs",
      /allowPublicApiFromAnywhere/,
    ],
    ["bad CIDR", merge({ network: { vpcCidr: "10.0.0.0" } }), "vllm-k8s:network.vpcCidr", /IPv4 CIDR/],
    [
      "tensor parallel above GPUs per node",
      merge({ model: { tensorParallelSize: 2 } }),
      "vllm-k8s:model.tensorParallelSize",
      /cannot span nodes/,
    ],
    [
      "GPU count contradicts the instance type",
      merge({ gpuNodes: { instanceTypes: ["g6.12xlarge"], gpusPerNode: 1 } }),
      "vllm-k8s:gpuNodes.gpusPerNode",
      /gpusPerNode: 4/,
    ],
    [
      "GPU memory utilisation above 1",
      merge({ model: { gpuMemoryUtilization: 1.5 } }),
      "vllm-k8s:model.gpuMemoryUtilization",
    ],
    [
      "cluster-autoscaler in existing mode",
      { cluster: { mode: "existing" }, addons: { clusterAutoscaler: true } },
      "vllm-k8s:addons.clusterAutoscaler",
      /eks mode/,
    ],
    [
      "second device plugin on Bottlerocket",
      merge({ gpuNodes: { amiType: "BOTTLEROCKET_x86_64_NVIDIA" }, addons: { nvidiaDevicePlugin: true } }),
      "vllm-k8s:addons.nvidiaDevicePlugin",
    ],
    [
      "API key on without the secret",
      merge({ serving: { apiKeyEnabled: true } }),
      "vllm-k8s:serving.apiKeyEnabled",
      /pulumi config set --secret vllmApiKey/,
    ],
    ["secret set as plain config", { ...eks, hfToken: "hf_abc" }, "vllm-k8s:hfToken", /--secret/],
    ["autoscaling without KEDA", merge({ addons: { keda: false } }), "vllm-k8s:autoscaling.enabled", /addons\.keda/],
    [
      "the removed prometheus-adapter toggle",
      merge({ addons: { prometheusAdapter: true } }),
      "vllm-k8s:addons.prometheusAdapter",
      /replaced by KEDA/,
    ],
    [
      "minReplicas 0 without a wake-up rule",
      merge({ autoscaling: { minReplicas: 0 } }),
      "vllm-k8s:autoscaling.minReplicas",
      /autoscaling\.activeHours .*autoscaling\.idleToZero/,
    ],
    [
      "active hours in an unknown time zone",
      merge({
        autoscaling: {
          minReplicas: 0,
          activeHours: { timezone: "Mars/Olympus", start: "0 8 * * *", end: "0 18 * * *" },
        },
      }),
      "vllm-k8s:autoscaling.activeHours.timezone",
      /IANA time zone/,
    ],
    [
      "more replicas than GPU nodes hold",
      merge({ autoscaling: { maxReplicas: 10 } }),
      "vllm-k8s:autoscaling.maxReplicas",
      /gpuNodes.maxSize/,
    ],
    ["bad model id", merge({ model: { id: "not a model" } }), "vllm-k8s:model.id", /Hugging Face/],
    [
      "old GPU family",
      merge({ gpuNodes: { instanceTypes: ["g4dn.xlarge"] } }),
      "vllm-k8s:gpuNodes.instanceTypes",
      /too old/,
    ],
    [
      "bad alert threshold",
      merge({ monitoring: { alerts: { kvCacheUsageRatio: 5 } } }),
      "vllm-k8s:monitoring.alerts.kvCacheUsageRatio",
    ],
    [
      "GPU memory alert at vLLM's own reservation",
      merge({ monitoring: { alerts: { gpuMemoryUsageRatio: 0.9 } } }),
      "vllm-k8s:monitoring.alerts.gpuMemoryUsageRatio",
      /above 0\.9/,
    ],
    ["bad namespace name", merge({ serving: { namespace: "My_NS" } }), "vllm-k8s:serving.namespace", /DNS label/],
    [
      "benchmark rate and ramp together",
      merge({ benchmark: { overrides: { requestRate: 4, rampUp: { strategy: "linear", startRps: 1, endRps: 8 } } } }),
      "vllm-k8s:benchmark.overrides.rampUp",
      /Keep one of them/,
    ],
    [
      "zero benchmark request rate",
      merge({ benchmark: { overrides: { requestRate: 0 } } }),
      "vllm-k8s:benchmark.overrides.requestRate",
    ],
    [
      "unknown ramp strategy",
      merge({ benchmark: { overrides: { rampUp: { strategy: "step", startRps: 1, endRps: 8 } } } }),
      "vllm-k8s:benchmark.overrides.rampUp.strategy",
      /linear/,
    ],
    // Cron as Kubernetes takes it (robfig/cron ParseStandard): refused at config time, not after resources.
    [
      "prose schedule",
      merge({ benchmark: { schedule: "every day at 3" } }),
      "vllm-k8s:benchmark.schedule",
      /has 4 field\(s\); use five fields/,
    ],
    [
      "7-field schedule",
      merge({ benchmark: { schedule: "0 0 3 * * * *" } }),
      "vllm-k8s:benchmark.schedule",
      /has 7 field/,
    ],
    [
      "6-field (seconds) schedule",
      merge({ benchmark: { schedule: "0 0 3 * * *" } }),
      "vllm-k8s:benchmark.schedule",
      /has 6 field/,
    ],
    [
      "letters for a schedule",
      merge({ benchmark: { schedule: "a b c d e" } }),
      "vllm-k8s:benchmark.schedule",
      /'a' in the minute field/,
    ],
    [
      "out-of-range schedule",
      merge({ benchmark: { schedule: "99 99 99 99 99" } }),
      "vllm-k8s:benchmark.schedule",
      /expected range 0-59/,
    ],
    [
      "Quartz L in a schedule",
      merge({ benchmark: { schedule: "0 0 L * *" } }),
      "vllm-k8s:benchmark.schedule",
      /'L' in the day of month field/,
    ],
    ["day of week 7", merge({ benchmark: { schedule: "0 3 * * 7" } }), "vllm-k8s:benchmark.schedule", /0-6/],
    [
      "TZ in a schedule",
      merge({ benchmark: { schedule: "CRON_TZ=UTC 0 3 * * *" } }),
      "vllm-k8s:benchmark.schedule",
      /TZ=/,
    ],
    ["@every", merge({ benchmark: { schedule: "@every 1h" } }), "vllm-k8s:benchmark.schedule", /@hourly/],
    ["a date that never comes", merge({ benchmark: { schedule: "0 0 31 2 *" } }), "vllm-k8s:benchmark.schedule"],
    // IPv4 arithmetic (ipaddr.js).
    [
      "CIDR octet over 255",
      merge({ network: { vpcCidr: "10.300.0.0/16" } }),
      "vllm-k8s:network.vpcCidr",
      /10\.300\.0\.0 is not an IPv4 address/,
    ],
    [
      "CIDR prefix over 32",
      merge({ cluster: { publicAccessCidrs: ["203.0.113.10/40"] } }),
      "vllm-k8s:cluster.publicAccessCidrs.0",
      /over \/32/,
    ],
    [
      "VPC CIDR with host bits",
      merge({ network: { vpcCidr: "10.0.5.7/20" } }),
      "vllm-k8s:network.vpcCidr",
      /network 10\.0\.0\.0\/20/,
    ],
    [
      "public CIDR with host bits",
      merge({ cluster: { publicAccessCidrs: ["203.0.113.10/24"] } }),
      "vllm-k8s:cluster.publicAccessCidrs.0",
      /203\.0\.113\.0\/24 \(or 203\.0\.113\.10\/32/,
    ],
    [
      "VPC too small for the nodes",
      merge({ network: { vpcCidr: "10.0.0.0/23" } }),
      "vllm-k8s:network.vpcCidr",
      /too few for 2 node\(s\) per AZ.*Use a \/21 or larger/,
    ],
    [
      "VPC larger than AWS allows",
      merge({ network: { vpcCidr: "10.0.0.0/8" } }),
      "vllm-k8s:network.vpcCidr",
      /\/16 to \/28/,
    ],
    ["loopback VPC", merge({ network: { vpcCidr: "127.0.0.0/16" } }), "vllm-k8s:network.vpcCidr", /loopback/],
    // AWS names from the pinned @pulumi/aws enums.
    [
      "region that does not exist",
      merge({ cluster: { region: "us-west-9" } }),
      "vllm-k8s:cluster.region",
      /not an AWS region/,
    ],
    [
      "misspelt region",
      merge({ cluster: { region: "us-wset-2" } }),
      "vllm-k8s:cluster.region",
      /Did you mean us-west-2\?/,
    ],
    [
      "misspelt GPU instance type",
      merge({ gpuNodes: { instanceTypes: ["g6.xlarg"] } }),
      "vllm-k8s:gpuNodes.instanceTypes.0",
      /Did you mean g6\.xlarge\?/,
    ],
    [
      "made-up instance type",
      merge({ systemNodes: { instanceTypes: ["not-an-instance"] } }),
      "vllm-k8s:systemNodes.instanceTypes.0",
      /not an EC2 instance type/,
    ],
    // Namespaces, URLs, sizes.
    [
      "serving in kube-system",
      merge({ serving: { namespace: "kube-system" } }),
      "vllm-k8s:serving.namespace",
      /reserved/,
    ],
    ["monitoring in default", merge({ monitoring: { namespace: "default" } }), "vllm-k8s:monitoring.namespace", /CIS/],
    [
      "serving and monitoring share a namespace",
      merge({ serving: { namespace: "monitoring" } }),
      "vllm-k8s:serving.namespace",
      /different names/,
    ],
    [
      "runbook URL not http(s)",
      merge({ monitoring: { alerts: { runbookBaseUrl: "javascript:alert(1)" } } }),
      "vllm-k8s:monitoring.alerts.runbookBaseUrl",
      /http\(s\)/,
    ],
    ["absurd GPU root disk", merge({ gpuNodes: { diskSizeGiB: 1_000_000 } }), "vllm-k8s:gpuNodes.diskSizeGiB", /16384/],
    [
      "absurd system root disk",
      merge({ systemNodes: { diskSizeGiB: 5000 } }),
      "vllm-k8s:systemNodes.diskSizeGiB",
      /1024/,
    ],
    [
      "mistyped namespace kept by the file reader",
      { ...eks, "vllm-k8:gpuNodes": { minSize: 1 } },
      "vllm-k8:gpuNodes",
      /Did you mean vllm-k8s:gpuNodes\?/,
    ],
  ];

  it.each(bad)("rejects %s, naming the key", (_label, raw, key, fix) => {
    const err = rejection(raw);
    expect(err.message).toContain(`${key}:`);
    if (fix) expect(err.message).toMatch(fix);
  });

  it.each([
    "0 3 * * *",
    "*/15 * * * MON-FRI",
    "0 0 1,15 * ?",
    "30 2 * JAN-MAR 0",
    "@hourly",
    "@midnight",
    " 0 3 * * * ",
  ])("accepts the Kubernetes schedule %j", (schedule) => {
    expect(parseStackConfig(merge({ benchmark: { schedule } })).benchmark.schedule).toBe(schedule);
  });

  it("accepts a VPC just big enough, and refuses one address block smaller", () => {
    // Defaults: 2 + 4 system and GPU nodes at max size over 3 AZs = 2 per AZ x 32 addresses (+5 AWS reserves).
    expect(() => parseStackConfig(merge({ network: { vpcCidr: "10.0.0.0/21" } }))).not.toThrow();
    expect(rejection(merge({ network: { vpcCidr: "10.0.0.0/22" } })).message).toContain("vllm-k8s:network.vpcCidr:");
    expect(() =>
      parseStackConfig(merge({ network: { vpcCidr: "10.0.0.0/22", azCount: 4 }, systemNodes: { maxSize: 2 } })),
    ).not.toThrow();
  });

  it("accepts the API key when its secret is present", () => {
    expect(() => parseStackConfig(merge({ serving: { apiKeyEnabled: true } }), ["vllmApiKey"])).not.toThrow();
  });

  it("lists every problem at once", () => {
    const err = rejection(merge({ gpuNodes: { minSize: -1 }, model: { maxModelLen: 1 } }));
    expect(err.issues.map((i) => i.path).sort()).toEqual(["gpuNodes.minSize", "model.maxModelLen"]);
  });
});

describe("VPC sizing", () => {
  it("sizes the same subnets network.ts cuts", async () => {
    const { subnetCidr } = await import("../../infra/cluster/network");
    const { SUBNET_EXTRA_BITS, usableSubnetAddresses } = await import("../../infra/config-cidr");
    for (const vpc of ["10.0.0.0/16", "10.8.0.0/21", "192.168.0.0/24"]) {
      const prefix = Number(vpc.split("/")[1]);
      expect(subnetCidr(vpc, 8)).toMatch(new RegExp(`/${prefix + SUBNET_EXTRA_BITS}$`));
      expect(usableSubnetAddresses(vpc)).toBe(2 ** (32 - prefix - 4) - 5);
    }
  });
});
