import type { z } from "zod";

// Namespaces our workloads may live in. Kubernetes creates `default`, `kube-system`, `kube-public`
// and `kube-node-lease` itself and reserves the `kube-` prefix for system namespaces (kubernetes.io
// docs, Concepts > Namespaces, "Initial namespaces"); CIS Kubernetes Benchmark 5.7.4 asks that
// `default` not be used. Deleting our stack would also delete a namespace we created, so none of
// these may be ours.

/** Why `ns` may not hold our workloads, or undefined. */
export function reservedNamespaceProblem(ns: string): string | undefined {
  if (ns.startsWith("kube-"))
    return `'${ns}' is reserved for Kubernetes system components (the kube- prefix). Use a namespace of your own (the defaults are vllm and monitoring)`;
  if (ns === "default")
    return "'default' is shared by everything without a namespace (CIS Kubernetes 5.7.4). Use a namespace of your own (the defaults are vllm and monitoring)";
  return undefined;
}

export function notReservedNamespace(ns: string, ctx: z.RefinementCtx): void {
  const problem = reservedNamespaceProblem(ns);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
}
