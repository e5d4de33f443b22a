import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";

/** Which cluster `existing` mode deploys to. */
export interface ExistingClusterArgs {
  /** Kubeconfig file, read at program time. `cluster.kubeconfigPath`, default: $KUBECONFIG or ~/.kube/config. */
  kubeconfigPath?: string;
  /** Kubeconfig context. `cluster.kubeconfigContext`, default: the current context. */
  context?: string;
}

/**
 * `existing` mode: a Kubernetes provider for a cluster someone else runs (kind, k3s, minikube,
 * an EKS already there). No AWS call is made. The kubeconfig file is read here, at program
 * time, so a missing file fails before any resource is registered. A function rather than a
 * component: the provider is a top-level resource of the stack, and a parent would change its URN.
 */
export function existingClusterProvider(args: ExistingClusterArgs): k8s.Provider {
  let kubeconfig: string | undefined;
  if (args.kubeconfigPath) {
    if (!fs.existsSync(args.kubeconfigPath))
      throw new Error(
        `vllm-k8s:cluster.kubeconfigPath: file ${args.kubeconfigPath} does not exist. ` +
          "Point it at your kubeconfig, or remove the key to use $KUBECONFIG / ~/.kube/config",
      );
    kubeconfig = fs.readFileSync(args.kubeconfigPath, "utf8");
  }
  return new k8s.Provider("existing-cluster", {
    kubeconfig: kubeconfig ? pulumi.secret(kubeconfig) : undefined,
    context: args.context,
    enableServerSideApply: true,
  });
}
