import { describe, expect, it } from "vitest";
import {
  admissionObjects,
  approvedImagesCel,
  CONTAINERS_CEL,
  PINNED_IMAGES_CEL,
} from "../../charts/security/admission";
import { imageApproved, imagePinned, PINNED_IMAGE_REGISTRIES } from "../../charts/security/registries";
import { BENCH_IMAGE, VLLM_IMAGE } from "../../charts/versions";
import { find, objectsFor } from "./fixtures";
import { unknownFields, validateSchema } from "./schema";
import { evaluate } from "@marcbachmann/cel-js";

// The approved-image ValidatingAdmissionPolicy: valid against the Kubernetes schema, bound to our
// namespaces, and its CEL expressions evaluated against images it must admit and refuse.

const ECR = "123456789012.dkr.ecr.us-west-2.amazonaws.com/";
const registries = [...PINNED_IMAGE_REGISTRIES, ECR];
const [policy, binding] = admissionObjects({ namespaces: ["vllm"], registries });

/** [image, approved registry?, pinned?] */
const IMAGES: [string, boolean, boolean][] = [
  [VLLM_IMAGE, true, true],
  [`docker.io/${VLLM_IMAGE}`, true, true],
  [BENCH_IMAGE, true, true],
  [`${ECR}vllm-bench@sha256:${"a".repeat(64)}`, true, true],
  [`${ECR}vllm-bench:0.1.0`, true, true],
  [`${ECR}vllm-bench`, true, false],
  [`${ECR}vllm-bench:latest`, true, false],
  ["vllm/vllm-openai", true, false],
  ["vllm/vllm-openai:latest", true, false],
  ["someone/vllm-openai:v0.30.0", false, true],
  ["docker.io/someone/vllm:1", false, true],
  ["busybox:1.36", false, true],
  ["ghcr.io/vllm-k8s-evil/bench:1", false, true],
  ["ghcr.io/other/vllm-bench:0.1.0", false, true],
  ["999999999999.dkr.ecr.us-west-2.amazonaws.com/x:1", false, true],
  ["localhost:5000/vllm-bench", false, false],
  ["localhost:5000/vllm-bench:1", false, true],
];

const pod = (image: string, where: "containers" | "initContainers" | "ephemeralContainers" = "containers") => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "vllm" },
  spec: {
    containers: [{ name: "ok", image: VLLM_IMAGE }],
    ...(where === "containers" ? { containers: [{ name: "c", image }] } : { [where]: [{ name: "c", image }] }),
  },
});

describe("approved-image admission policy: objects", () => {
  it("validates against the Kubernetes schema, with no unknown field", async () => {
    for (const o of [policy, binding]) {
      await validateSchema(o);
      expect(unknownFields(o as any)).toEqual([]);
    }
  });

  it("binds the policy to our namespaces, denying, for pod creates and updates", () => {
    expect(binding.spec.policyName).toBe(policy.metadata!.name);
    expect(binding.spec.validationActions).toEqual(["Deny"]);
    expect(binding.spec.matchResources!.namespaceSelector!.matchExpressions![0].values).toEqual(["vllm"]);
    expect(policy.spec!.failurePolicy).toBe("Fail");
    expect(policy.spec!.matchConstraints!.resourceRules![0].resources).toEqual(["pods"]);
  });

  it("is part of what the stack deploys, with the pinned images' registries approved", () => {
    const objs = objectsFor();
    const p = find(objs, "ValidatingAdmissionPolicy");
    for (const r of PINNED_IMAGE_REGISTRIES) expect(p.spec.validations[0].expression).toContain(`'${r}'`);
    expect(find(objs, "ValidatingAdmissionPolicyBinding").spec.matchResources.namespaceSelector).toEqual({
      matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["vllm"] }],
    });
  });
});

describe("approved-image rules (TypeScript, shared with the stack config)", () => {
  it.each(IMAGES)("%s: approved %s, pinned %s", (image, approved, pinned) => {
    expect(imageApproved(image, registries)).toBe(approved);
    expect(imagePinned(image)).toBe(pinned);
  });
});

// The CEL expressions themselves, run by a real CEL evaluator (@marcbachmann/cel-js, a devDependency).

function admits(object: Record<string, unknown>): { approved: boolean; pinned: boolean } {
  const containers = evaluate(CONTAINERS_CEL, { object });
  const ctx = { variables: { containers } };
  return {
    approved: evaluate(approvedImagesCel(registries), ctx) === true,
    pinned: evaluate(PINNED_IMAGES_CEL, ctx) === true,
  };
}

describe("approved-image CEL expressions (@marcbachmann/cel-js)", () => {
  it("are the expressions the policy carries", () => {
    expect(policy.spec!.variables![0].expression).toBe(CONTAINERS_CEL);
    expect(policy.spec!.validations!.map((v) => v.expression)).toEqual([
      approvedImagesCel(registries),
      PINNED_IMAGES_CEL,
    ]);
  });

  it.each(IMAGES)("%s: approved %s, pinned %s", (image, approved, pinned) => {
    expect(admits(pod(image))).toEqual({ approved, pinned });
  });

  it("judges init and ephemeral containers too", () => {
    expect(admits(pod("someone/x:1", "initContainers")).approved).toBe(false);
    expect(admits(pod(`${ECR}x:latest`, "ephemeralContainers")).pinned).toBe(false);
    expect(admits(pod(`${ECR}x:1`, "initContainers"))).toEqual({ approved: true, pinned: true });
  });
});
