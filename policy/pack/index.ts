import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// `pulumi preview --policy-pack policy`: the same rules as `npm run policy`, run by the engine.
// Constructing the pack starts the analyzer's gRPC server, so only the engine imports this file.
new PolicyPack("vllm-k8s", {
  description: "vLLM on Kubernetes: GPU scheduling, security and operability rules (docs/policy.md).",
  enforcementLevel: "mandatory",
  policies,
});
