import { describe, expect, it } from "vitest";
import { benchPod, EKS, find, objectsFor } from "./fixtures";

// The rehearsal reads the vLLM pods from the Kubernetes API: a Role that can only read pods in the
// serving namespace, bound to the benchmark's ServiceAccount, and a projected token in its pod alone.
const withScenario = (scenario: string) => objectsFor({ ...structuredClone(EKS), benchmark: { scenario } });

describe("the rehearsal's pod reader", () => {
  const objs = withScenario("rehearsal");
  const role = find(objs, "Role", "vllm-bench-pod-reader");
  const binding = find(objs, "RoleBinding", "vllm-bench-pod-reader");

  it("may get, list and watch pods in the serving namespace, and nothing else", () => {
    expect(role.metadata.namespace).toBe("vllm");
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }]);
    expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "vllm-bench", namespace: "vllm" }]);
  });

  it("projects a short-lived token, the CA and the namespace where the client reads them; no automount", () => {
    const pod = benchPod(objs);
    expect(pod.automountServiceAccountToken).toBe(false);
    const vol = pod.volumes.find((v: any) => v.name === "kube-api-access");
    expect(vol.projected.sources[0].serviceAccountToken.expirationSeconds).toBeLessThanOrEqual(3600);
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: "kube-api-access",
      mountPath: "/var/run/secrets/kubernetes.io/serviceaccount",
      readOnly: true,
    });
    const sa = find(objs, "ServiceAccount", "vllm-bench");
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  it("other scenarios get no Role and no token", () => {
    const smoke = withScenario("smoke");
    expect(smoke.some((o) => o.kind === "Role" || o.kind === "RoleBinding")).toBe(false);
    expect(JSON.stringify(benchPod(smoke))).not.toMatch(/serviceAccountToken/);
  });
});
