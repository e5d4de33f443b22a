// The resource graphs the suites read, built once per test run by test/graphs/global-setup.ts (the
// real program under Pulumi's mocks, as `npm run graph` runs it) rather than once per suite. Each
// entry is the program's input: one of the example stack files, or a variant a suite checks. A
// variant read by one suite still pays: that suite then imports neither Pulumi nor the program.
import type { StackInput } from "../../scripts/graph/build";

/** Add-on secrets set on the eks example, so a suite can look for their plain values. */
export const ADDON_SECRETS = {
  grafanaAdminPassword: "graph-test-grafana-pw-7Q2x",
  alertmanagerWebhookUrl: "https://hooks.example.test/T000/B000/graph-test-webhook",
};
/** Workload secrets set on the eks example with the API key switched on. */
export const WORKLOAD_SECRETS = { hfToken: "hf_graphtest_token_value_123", vllmApiKey: "key-graphtest-456" };

type Read = (file: string) => StackInput;
const eks = (read: Read, config: Record<string, unknown> = {}, secrets: Record<string, string> = {}): StackInput => {
  const input = read("Pulumi.eks.yaml");
  return { ...input, config: { ...input.config, ...config }, secrets: { ...input.secrets, ...secrets } };
};

export const EXAMPLES = {
  /** Pulumi.eks.yaml as it is. */
  eks: (read: Read) => read("Pulumi.eks.yaml"),
  /** Pulumi.existing.yaml as it is. */
  existing: (read: Read) => read("Pulumi.existing.yaml"),
  "eks-addon-secrets": (read: Read) => eks(read, {}, ADDON_SECRETS),
  "eks-api-key": (read: Read) => eks(read, { serving: { apiKeyEnabled: true } }, WORKLOAD_SECRETS),
  "eks-simulator-built-image": (read: Read) =>
    eks(read, { serving: { engine: "simulator" }, benchmark: { buildImage: true } }),
  "eks-grafana-loadbalancer": (read: Read) =>
    eks(read, { monitoring: { grafanaServiceType: "LoadBalancer", grafanaAllowedCidrs: ["10.20.0.0/16"] } }),
  /** One ReadWriteMany model cache for every replica: EFS and its driver built. */
  "eks-shared-cache": (read: Read) => eks(read, { serving: { modelCache: { type: "shared" } } }),
  /** No stack file: the defaults plus the one required key, and the benchmark image built. */
  "defaults-built-image": (): StackInput => ({
    config: { cluster: { publicAccessCidrs: ["203.0.113.10/32"] }, benchmark: { buildImage: true } },
  }),
  "existing-kind": (): StackInput => ({
    config: { cluster: { mode: "existing", kubeconfigContext: "kind-vllm" } },
    stack: "existing",
  }),
} satisfies Record<string, (read: Read) => StackInput>;

export type ExampleName = keyof typeof EXAMPLES;
