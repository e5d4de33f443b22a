import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import type { StackConfig } from "../config";

/**
 * `existing` mode: a Kubernetes provider for a cluster someone else runs (kind, k3s, minikube,
 * an EKS already there). No AWS call is made. The kubeconfig file is read here, at program
 * time, so a missing file fails before any resource is registered.
 */
export function existingClusterProvider(config: StackConfig): k8s.Provider {
  const c = config.cluster;
  let kubeconfig: string | undefined;
  if (c.kubeconfigPath) {
    if (!fs.existsSync(c.kubeconfigPath))
      throw new Error(`vllm-k8s:cluster.kubeconfigPath: file ${c.kubeconfigPath} does not exist. Point it at your kubeconfig, or remove the key to use $KUBECONFIG / ~/.kube/config`);
    kubeconfig = fs.readFileSync(c.kubeconfigPath, "utf8");
  }
  return new k8s.Provider("existing-cluster", {
    kubeconfig: kubeconfig ? pulumi.secret(kubeconfig) : undefined,
    context: c.kubeconfigContext,
    enableServerSideApply: true,
  });
}
