import { describe, expect, it } from "vitest";
import { vllmArgs, simulatorArgs } from "../../charts/vllm/args";
import { ConfigError, parseStackConfig } from "../../infra/config-load";
import { ipv4AddressCount, publicAddressCount, tooBroad } from "../../charts/security/cidr";
import { MANAGED_VLLM_FLAGS } from "../../infra/config-security";
import { VLLM_SERVE_OPTIONS } from "../../charts/security/vllm-serve-flags";
import { buildGraph } from "../../scripts/graph/build";
import { chartPropsFromConfig } from "../../infra/mapper";

// The security checks of the stack config (infra/config-security.ts): each mistake refused with
// one line naming the key and the fix, before any resource exists.

const eks = { cluster: { publicAccessCidrs: ["203.0.113.10/32"] } };
const withCfg = (extra: Record<string, Record<string, unknown>>) => {
  const out: Record<string, any> = structuredClone(eks);
  for (const [k, v] of Object.entries(extra)) out[k] = { ...(out[k] ?? {}), ...v };
  return out;
};

function refusal(raw: Record<string, unknown>): string {
  try {
    parseStackConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error(`accepted: ${JSON.stringify(raw)}`);
}

describe("public API endpoint CIDRs", () => {
  it("counts addresses once, merging overlapping and adjacent ranges, and leaves private ranges out", () => {
    expect(ipv4AddressCount(["0.0.0.0/0"])).toBe(2 ** 32);
    expect(ipv4AddressCount(["0.0.0.0/1", "128.0.0.0/1"])).toBe(2 ** 32);
    expect(ipv4AddressCount(["10.0.0.0/8", "10.1.0.0/16"])).toBe(2 ** 24);
    // The same /16 written 100 times, and a /16 split into 256 /24s, are one /16.
    expect(publicAddressCount(Array(100).fill("198.51.0.0/16"))).toBe(2 ** 16);
    expect(publicAddressCount([...Array(256).keys()].map((i) => `198.51.${i}.0/24`))).toBe(2 ** 16);
    expect(publicAddressCount(["10.0.0.0/8", "192.168.0.0/16", "203.0.113.0/24"])).toBe(256);
    expect(tooBroad(["203.0.113.10/32", "198.51.100.0/24"])).toBe(false);
    expect(tooBroad(["198.51.0.0/16"])).toBe(false);
    expect(tooBroad(["198.51.0.0/16", "198.52.0.0/24"])).toBe(true);
  });

  it.each([
    [["0.0.0.0/1", "128.0.0.0/1"]],
    [["0.0.0.0/2"]],
    // Seven ranges covering just under half the IPv4 space.
    [["0.0.0.0/3", "32.0.0.0/4", "48.0.0.0/5", "64.0.0.0/3", "96.0.0.0/4", "112.0.0.0/5", "120.0.0.0/6"]],
    [["198.0.0.0/15"]],
    // 300 adjacent /24s: each is small, together they are more than a /16.
    [[...Array(300).keys()].map((i) => `198.${50 + Math.floor(i / 256)}.${i % 256}.0/24`)],
  ])("refuses %j, which admits more than a /16 of public addresses", (cidrs) => {
    const msg = refusal(withCfg({ cluster: { publicAccessCidrs: cidrs } }));
    expect(msg).toMatch(
      /vllm-k8s:cluster\.publicAccessCidrs: .* admit [\d,]+ public addresses \(the limit is 65,536, a \/16\): the public API endpoint should admit only your known egress addresses/,
    );
    expect(msg.split("\n")).toHaveLength(2);
    expect(
      parseStackConfig(withCfg({ cluster: { publicAccessCidrs: cidrs, allowPublicApiFromAnywhere: true } })).cluster
        .publicAccessCidrs,
    ).toEqual(cidrs);
  });

  it("refuses a dotted quad with leading zeros, which parsers read as octal or decimal", () => {
    expect(refusal(withCfg({ cluster: { publicAccessCidrs: ["010.000.000.000/8"] } }))).toMatch(
      /vllm-k8s:cluster\.publicAccessCidrs\.0: 010\.000\.000\.000 has leading zeros, .* write 10\.0\.0\.0\/8/,
    );
  });
});

describe("model.extraArgs", () => {
  it.each([
    [
      "--api-key=sk-test-3f9a8b7c6d5e",
      /--api-key carries a secret .* use serving\.apiKeyEnabled with the secret config vllmApiKey/,
    ],
    ["--hf-token", /--hf-token carries a secret/],
    ["--api_key=abc", /reads it as --api-key\) carries a secret/],
    ["--port=9000", /--port is set by the chart from the stack config/],
    ["--tensor-parallel-size=2", /--tensor-parallel-size is set by the chart/],
    ["--model=meta-llama/Llama-3.1-8B", /--model is set by the chart/],
    ["hf_abcdefghijklmnopqrstuvwxyz", /looks like a credential/],
  ])("refuses %s naming the key", (arg, why) => {
    const msg = refusal(withCfg({ model: { extraArgs: ["--enable-prefix-caching", arg] } }));
    expect(msg).toContain("vllm-k8s:model.extraArgs:");
    expect(msg).toMatch(why);
    expect(msg).not.toContain("test-3f9a8b7c6d5e");
  });

  // vLLM's parser is Python argparse with allow_abbrev on, plus `_` read as `-`: every spelling that
  // reaches a secret or managed flag is refused, naming the flag it reaches.
  it.each([
    ["--api-ke=sk-test-3f9a8b7c6d5e", /--api-ke \(vLLM's parser reads it as --api-key\) carries a secret/],
    ["--api_ke=plainvalue", /--api_ke \(vLLM's parser reads it as --api-key\) carries a secret/],
    ["--hf-tok=plainvalue", /--hf-tok \(vLLM's parser reads it as --hf-token\) carries a secret/],
    ["--ssl-keyfile-pass=plainvalue", /reads it as --ssl-keyfile-password\) carries a secret/],
    ["--hf-token.x=1", /--hf-token\.x \(vLLM's parser reads it as --hf-token\) carries a secret/],
    ["--api=plainvalue", /--api \(an abbreviation of --api-key, among others\) carries a secret/],
    ["--por=9000", /--por \(vLLM's parser reads it as --port\) is set by the chart/],
    ["--ho", /--ho \(vLLM's parser reads it as --host\) is set by the chart/],
    ["-t", /-t \(vLLM's parser reads it as -tp\) is set by the chart/],
    ["--max-model=4096", /reads it as --max-model-len\) is set by the chart/],
    ["--no-enable-lora", /--no-enable-lora is set by the chart/],
    ["--config=/models/serve.yaml", /--config is set by the chart/],
    ["--enable-p", /--enable-p is an ambiguous abbreviation \(--enable-p.*\), which vLLM refuses at start/],
  ])("refuses the abbreviation or spelling %s, naming the flag it reaches", (arg, why) => {
    const msg = refusal(withCfg({ model: { extraArgs: [arg, "plainvalue"] } }));
    expect(msg).toContain("vllm-k8s:model.extraArgs:");
    expect(msg).toMatch(why);
    expect(msg).not.toContain("plainvalue");
    expect(msg).not.toContain("3f9a8b7c6d5e");
  });

  it("accepts flags the chart does not manage", () => {
    const c = parseStackConfig(
      withCfg({
        model: {
          extraArgs: [
            "--enable-prefix-caching",
            "--max-num-batched-tokens=8192",
            "--dtype",
            "bfloat16",
            "--enable-chunked-prefill",
            "--max-num-batched=4096",
            "--ssl-keyfile=/certs/tls.key",
          ],
        },
      }),
    );
    expect(c.model.extraArgs).toHaveLength(7);
  });

  it("knows every flag the chart sets for either engine (charts/vllm/args.ts)", () => {
    const props = chartPropsFromConfig(
      parseStackConfig(withCfg({ model: { loraAdapters: [{ name: "a", path: "org/a" }] } })),
      { includeNamespace: false },
    ).vllm;
    const names = (args: string[]) => args.filter((a) => a.startsWith("--")).map((a) => a.split("=")[0]);
    const vllm = names(vllmArgs(props));
    // model.extraArgs reach vLLM only: the simulator's own flags (its model load, not vLLM options)
    // cannot collide with them; the ones vLLM shares must be managed.
    const simulator = names(simulatorArgs({ ...props, engine: "simulator" }));
    const simulatorOnly = simulator.filter((f) => !(VLLM_SERVE_OPTIONS as readonly string[]).includes(f));
    expect(simulatorOnly).toEqual(["--model-cache-dir", "--startup-delay-ms", "--warm-startup-delay-ms"]);
    const flags = [...vllm, ...simulator.filter((f) => !simulatorOnly.includes(f))];
    expect(flags.length).toBeGreaterThan(8);
    for (const f of new Set(flags)) expect(MANAGED_VLLM_FLAGS, f).toContain(f);
  });

  it("is refused by the program before any resource is registered", async () => {
    await expect(
      buildGraph({ config: withCfg({ model: { extraArgs: ["--api-key=sk-test-abcdefgh"] } }) }),
    ).rejects.toThrow(/vllm-k8s:model\.extraArgs: --api-key carries a secret/);
  });
});

describe("Grafana exposure", () => {
  const lb = (extra: Record<string, unknown>) =>
    withCfg({ monitoring: { grafanaServiceType: "LoadBalancer", ...extra } });
  it("needs source ranges for a LoadBalancer", () => {
    expect(refusal(lb({}))).toMatch(
      /vllm-k8s:monitoring\.grafanaAllowedCidrs: Grafana as a LoadBalancer needs the source CIDRs/,
    );
  });
  it("refuses ranges that cover the internet, split or not", () => {
    expect(
      refusal(lb({ grafanaAllowedCidrs: ["0.0.0.0/1", "128.0.0.0/1"], grafanaLoadBalancerScheme: "internet-facing" })),
    ).toMatch(/grafanaAllowedCidrs: .* admit [\d,]+ public addresses/);
  });
  it("refuses an internet-facing allow-list wider than a /16, split or not", () => {
    expect(refusal(lb({ grafanaAllowedCidrs: ["0.0.0.0/2"], grafanaLoadBalancerScheme: "internet-facing" }))).toMatch(
      /vllm-k8s:monitoring\.grafanaAllowedCidrs: \["0\.0\.0\.0\/2"\] admit [\d,]+ public addresses \(the limit is 65,536/,
    );
    expect(
      refusal(lb({ grafanaAllowedCidrs: ["0010.0.0.0/8"], grafanaLoadBalancerScheme: "internet-facing" })),
    ).toMatch(/grafanaAllowedCidrs\.0: /);
  });
  it("refuses public ranges on an internal load balancer, accepts them internet-facing", () => {
    expect(refusal(lb({ grafanaAllowedCidrs: ["203.0.113.0/24"] }))).toMatch(
      /203\.0\.113\.0\/24 are public addresses, which an internal load balancer never sees/,
    );
    expect(
      parseStackConfig(lb({ grafanaAllowedCidrs: ["203.0.113.0/24"], grafanaLoadBalancerScheme: "internet-facing" }))
        .monitoring.grafanaAllowedCidrs,
    ).toEqual(["203.0.113.0/24"]);
    expect(parseStackConfig(lb({ grafanaAllowedCidrs: ["10.0.0.0/8"] })).monitoring.grafanaLoadBalancerScheme).toBe(
      "internal",
    );
  });
  it("refuses source ranges without a LoadBalancer, and bad CIDRs", () => {
    expect(refusal(withCfg({ monitoring: { grafanaAllowedCidrs: ["10.0.0.0/8"] } }))).toMatch(
      /grafanaAllowedCidrs: only applies with grafanaServiceType: LoadBalancer/,
    );
    expect(refusal(lb({ grafanaAllowedCidrs: ["10.0.0.0/33"] }))).toMatch(
      /grafanaAllowedCidrs\.0: prefix \/33 is over \/32/,
    );
  });
});

describe("control-plane log retention", () => {
  it("takes only values CloudWatch accepts", () => {
    expect(parseStackConfig(eks).cluster.logRetentionDays).toBe(90);
    expect(parseStackConfig(withCfg({ cluster: { logRetentionDays: 365 } })).cluster.logRetentionDays).toBe(365);
    expect(refusal(withCfg({ cluster: { logRetentionDays: 45 } }))).toMatch(
      /vllm-k8s:cluster\.logRetentionDays: must be a CloudWatch Logs retention: one of 1, 3, 5/,
    );
  });
});

describe("benchmark.image registry", () => {
  it("accepts the pinned images' registries, this region's ECR and listed registries; refuses others", () => {
    const image = (i: string, extra: Record<string, unknown> = {}) =>
      withCfg({ benchmark: { image: i }, cluster: { publicAccessCidrs: ["203.0.113.10/32"], ...extra } });
    expect(parseStackConfig(image("ghcr.io/vllm-k8s/vllm-bench:0.2.0")).benchmark.image).toBeDefined();
    expect(
      parseStackConfig(image("123456789012.dkr.ecr.us-west-2.amazonaws.com/vllm-bench:0.1.0")).benchmark.image,
    ).toBeDefined();
    expect(
      parseStackConfig(image("registry.example.com/ml/bench:1", { approvedRegistries: ["registry.example.com/ml/"] }))
        .benchmark.image,
    ).toBeDefined();
    expect(refusal(image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/vllm-bench:0.1.0"))).toMatch(
      /vllm-k8s:benchmark\.image: 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/ is not an approved registry/,
    );
    expect(refusal(image("someone/vllm-bench:0.1.0"))).toMatch(/docker\.io\/someone\/ is not an approved registry/);
    expect(refusal(image("ghcr.io/vllm-k8s/vllm-bench:1", { approvedRegistries: ["ghcr.io"] }))).toMatch(
      /vllm-k8s:cluster\.approvedRegistries\.0: must be a registry prefix ending in \//,
    );
  });
});

describe("API private endpoint and log retention minimum", () => {
  it("refuses endpointPrivateAccess: false in eks mode", () => {
    expect(refusal(withCfg({ cluster: { endpointPrivateAccess: false } }))).toMatch(
      /vllm-k8s:cluster\.endpointPrivateAccess: false sends the nodes' and pods' API traffic over the internet/,
    );
  });
  it("refuses a retention under 90 days", () => {
    expect(refusal(withCfg({ cluster: { logRetentionDays: 30 } }))).toMatch(
      /vllm-k8s:cluster\.logRetentionDays: must be at least 90 days \(the CIS Controls v8 minimum/,
    );
  });
});
