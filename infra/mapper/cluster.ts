import type { StackConfig } from "../config";
import type { ExistingClusterArgs } from "../cluster/existing-cluster";
import type { GpuClusterArgs } from "../cluster/gpu-cluster";
import type { BenchImageArgs } from "../images/bench-image";

export function gpuClusterArgs(cfg: StackConfig): GpuClusterArgs {
  const { cluster: c, network: n, systemNodes: s, gpuNodes: g } = cfg;
  const size = (x: { minSize: number; desiredSize: number; maxSize: number }) => ({
    minSize: x.minSize,
    desiredSize: x.desiredSize,
    maxSize: x.maxSize,
  });
  return {
    clusterName: c.name,
    kubernetesVersion: c.kubernetesVersion,
    network: { vpcCidr: n.vpcCidr, azCount: n.azCount, natGateways: n.natGateways },
    endpoint: {
      privateAccess: c.endpointPrivateAccess,
      publicAccess: c.endpointPublicAccess,
      publicAccessCidrs: c.publicAccessCidrs,
    },
    adminRoleArns: c.adminRoleArns,
    logRetentionDays: c.logRetentionDays,
    systemNodes: { instanceTypes: s.instanceTypes, diskSizeGiB: s.diskSizeGiB, ...size(s) },
    gpuNodes: {
      amiType: g.amiType,
      instanceTypes: g.instanceTypes,
      capacityType: g.capacityType,
      diskSizeGiB: g.diskSizeGiB,
      gpusPerNode: g.gpusPerNode,
      ...size(g),
    },
  };
}

export function existingClusterArgs(cfg: StackConfig): ExistingClusterArgs {
  return { kubeconfigPath: cfg.cluster.kubeconfigPath, context: cfg.cluster.kubeconfigContext };
}

export function benchImageArgs(cfg: StackConfig, repoRoot: string): BenchImageArgs {
  return { clusterName: cfg.cluster.name, repoRoot };
}
