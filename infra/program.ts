import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { fileURLToPath } from "node:url";
import { ClusterAddons } from "./addons";
import { existingClusterProvider } from "./cluster/existing-cluster";
import { GpuCluster } from "./cluster/gpu-cluster";
import { clusterTag } from "./cluster/tags";
import { BenchImage } from "./images/bench-image";
import { addonsArgs, benchImageArgs, existingClusterArgs, gpuClusterArgs, vllmWorkloadsArgs } from "./mapper";
import { readPulumiStackConfig } from "./pulumi-config";
import { VllmWorkloads } from "./workloads";

/**
 * Stack outputs (`pulumi stack output NAME`), declared once: infra/index.ts exports this object
 * and `npm run graph` prints it. A field left undefined (e.g. `clusterName` in existing mode) is
 * not an output of that stack.
 */
export interface StackOutputs {
  /** `eks` or `existing`. */
  mode: string;
  /** EKS cluster name (eks mode). */
  clusterName?: string;
  /** AWS region (eks mode). */
  region?: string;
  /** Kubeconfig for the new cluster (secret, eks mode): `pulumi stack output --show-secrets kubeconfig`. */
  kubeconfig?: pulumi.Output<string>;
  /** GPU managed node group name (eks mode). */
  gpuNodeGroupName?: string;
  /** IRSA role of cluster-autoscaler (eks mode). */
  autoscalerRoleArn?: pulumi.Output<string>;
  /** Pushed benchmark image by digest (eks mode with `benchmark.buildImage`). */
  benchImage?: pulumi.Output<string>;
  /** Grafana admin password (secret): `pulumi stack output --show-secrets grafanaAdminPassword`. */
  grafanaAdminPassword?: pulumi.Output<string>;
  /** The vLLM OpenAI-compatible API inside the cluster. */
  serviceUrl?: string;
  /** Namespace of vLLM and the benchmark. */
  servingNamespace?: string;
}

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/**
 * The whole program: validate config first (nothing is registered on bad input), then the
 * cluster (eks) or a provider for an existing one, then the add-ons and our workloads.
 */
export function runProgram(): StackOutputs {
  const { config, secrets } = readPulumiStackConfig();
  let provider: k8s.Provider;
  let cluster: GpuCluster | undefined;
  /** The account whose ECR (in the cluster's region) is an approved registry; eks mode only. */
  let awsAccountId: pulumi.Output<string> | undefined;
  const outputs: StackOutputs = { mode: config.cluster.mode };
  if (config.cluster.mode === "eks") {
    // An explicit provider pins the region from our config instead of ambient `aws:region`.
    const awsProvider = new aws.Provider("aws", {
      region: config.cluster.region as aws.Region,
      defaultTags: { tags: { ...clusterTag(config.cluster.name), "managed-by": "pulumi" } },
    });
    cluster = new GpuCluster(config.cluster.name, gpuClusterArgs(config), { providers: { aws: awsProvider } });
    provider = cluster.provider;
    Object.assign(outputs, {
      clusterName: cluster.clusterName,
      region: config.cluster.region,
      kubeconfig: cluster.kubeconfig,
      gpuNodeGroupName: cluster.gpuNodeGroupName,
      autoscalerRoleArn: cluster.autoscalerRoleArn,
    });
    awsAccountId = aws.getCallerIdentityOutput({}, { provider: awsProvider }).accountId;
    if (config.benchmark.buildImage) {
      const image = new BenchImage("vllm-bench", benchImageArgs(config, repoRoot), { providers: { aws: awsProvider } });
      outputs.benchImage = image.ref;
    }
  } else {
    provider = existingClusterProvider(existingClusterArgs(config));
  }
  const addons = new ClusterAddons(
    "addons",
    addonsArgs(config, {
      provider,
      cluster,
      secrets: {
        grafanaAdminPassword: secrets.grafanaAdminPassword,
        alertmanagerWebhookUrl: secrets.alertmanagerWebhookUrl,
      },
    }),
  );
  outputs.grafanaAdminPassword = addons.grafanaAdminPassword;
  const workloads = new VllmWorkloads(
    "serving",
    vllmWorkloadsArgs(config, {
      provider,
      // After the add-ons: their CRDs (KEDA's ScaledObject), KEDA and Prometheus; deleted before them.
      // And after the cluster's storage classes, so `pulumi destroy` removes the claims (the shared
      // cache's EFS access point) before the class, the mount targets and the file system.
      dependsOn: [...addons.ready, ...(cluster?.ready ?? [])],
      secrets: { hfToken: secrets.hfToken, vllmApiKey: secrets.vllmApiKey },
      benchImage: outputs.benchImage,
      awsAccountId,
      pushgatewayUrl: addons.pushgatewayUrl,
    }),
  );
  outputs.serviceUrl = workloads.serviceUrl;
  outputs.servingNamespace = workloads.namespace;
  return outputs;
}
