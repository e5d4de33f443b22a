// Pod Security admission labels (Kubernetes docs, "Enforce Pod Security Standards with namespace
// labels": pod-security.kubernetes.io/<enforce|audit|warn>[-version]).
export type PssLevel = "privileged" | "baseline" | "restricted";

/**
 * `enforce` rejects pods below the level; `warn` and `audit` report against `report` (default the
 * same level), so a namespace held at baseline still shows what keeps it from restricted.
 */
export function psaLabels(enforce: PssLevel, report: PssLevel = enforce): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": enforce,
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": report,
    "pod-security.kubernetes.io/warn-version": "latest",
    "pod-security.kubernetes.io/audit": report,
    "pod-security.kubernetes.io/audit-version": "latest",
  };
}

/**
 * The serving namespace: vLLM's image runs as root, which restricted forbids, so with the vLLM
 * engine it is held at baseline (warnings name the restricted gaps); the simulator and benchmark
 * pods meet restricted, so with the simulator engine restricted is enforced.
 */
export const servingPsaLevel = (engine: "vllm" | "simulator"): PssLevel =>
  engine === "vllm" ? "baseline" : "restricted";

/**
 * The monitoring namespace holds node-exporter (hostNetwork, hostPID, hostPath) and dcgm-exporter
 * (hostPath to the kubelet pod-resources socket), which baseline forbids: the charts leave no
 * level above privileged to enforce; warnings and audit report against baseline.
 */
export const MONITORING_PSA = psaLabels("privileged", "baseline");
